#!/usr/bin/env node
/**
 * Auth0's official Node SDK (`@auth0/auth0-auth-js`) through the whole MFA flow of one factor (SMS,
 * voice, an authenticator app's OTP, or email) against the mock, with nothing patched: the SDK gets a
 * domain, a client id and a secret, as it would for a tenant. Plain JavaScript with only the SDK and
 * Node's built-ins, so it runs with bare `node` and reads as "how to use the SDK against the mock".
 *
 *   npm run mock -- --tls --port 4443        # prints NODE_EXTRA_CA_CERTS=<path> and the client secret
 *   NODE_EXTRA_CA_CERTS=<path> AUTH0_DOMAIN=localhost:4443 AUTH0_CLIENT_ID=<id> AUTH0_CLIENT_SECRET=<secret> \
 *     node clients/auth0-sdk-flow.mjs --factor otp
 *
 * Behind a proxy that ends TLS (a plain-HTTP mock started with `--domain mfa-mock.local`, so its issuer
 * is https://mfa-mock.local/), `--proxy-origin http://127.0.0.1:4010` gives the SDK a fetch that
 * sends every request for https://<domain>/ to that origin instead.
 *
 * Options (flag, or variable): --domain (AUTH0_DOMAIN), --client-id (AUTH0_CLIENT_ID), the secret in
 * AUTH0_CLIENT_SECRET only (a flag would show in the process list), --factor sms|voice|otp|email
 * (FLOW_FACTOR, default sms), --control-url (MOCK_CONTROL_URL, default https://<domain>/__mock: where
 * users are created and the "sent" codes are read), --proxy-origin (FLOW_PROXY_ORIGIN), --timeout-ms
 * (FLOW_TIMEOUT_MS, default 60000).
 *
 * OTP codes are computed here from the secret the enrollment returns (RFC 6238, as an authenticator
 * app does), on this machine's clock: the mock checks them on its own clock, which is the same unless
 * it was moved (`POST /__mock/clock`), so run OTP against a mock whose clock is not moved.
 *
 * Output: one JSON line per step, `{"step": ..., "ok": true, ...what the SDK returned}`, with tokens,
 * codes, OTP secrets, phone numbers and email addresses shown only as lengths, shapes or booleans.
 * Exit 0 when every step passed; 1 at the first failed step, whose line has `"ok": false` and the
 * reason; 2 for bad options.
 */
import { createHmac, createPublicKey, randomBytes, randomInt, verify } from "node:crypto";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AuthClient, isMfaRequiredError, MfaVerifyError } from "@auth0/auth0-auth-js";

/** The factors the flow runs: SMS and voice send a code to a phone, email to an address, OTP is the app's. */
const FACTORS = ["sms", "voice", "otp", "email"];

/** A failed expectation of one step; the step's name is what the output and the exit name. */
class StepFailure extends Error {
  constructor(step, message) {
    super(message);
    this.step = step;
  }
}

/** The step running now: a failure or a timeout names it. */
let current = "options";

/** Set by the first failure: a step still running after a timeout prints nothing more. */
let failed = false;

function emit(line) {
  if (!failed) process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Prints a passed step with what the SDK returned (already masked by the caller). */
function passed(step, details = {}) {
  emit({ step, ok: true, ...details });
}

function expect(condition, message) {
  if (!condition) throw new StepFailure(current, message);
}

/**
 * Hides what may still be a secret in an error text: long token-like runs (mfa_token, oob_code, JWTs,
 * OTP secrets), phone numbers, email addresses and 6-digit codes. The SDK's own messages carry none;
 * an answer's error_description might.
 */
function masked(text) {
  return String(text)
    .replace(/[A-Za-z0-9_\-.~*+/=]{24,}/g, "[masked]")
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+/g, "[email]")
    .replace(/\+\d{7,15}/g, "[phone]")
    .replace(/\b\d{6}\b/g, "[code]");
}

/** What an SDK error says, masked: its class, code, HTTP status and the OAuth error it carries. */
function errorDetails(error) {
  if (!(error instanceof Error)) return { message: masked(error) };
  const cause = error.cause && typeof error.cause === "object" ? error.cause : {};
  return {
    name: error.name,
    ...(error.code !== undefined ? { code: error.code } : {}),
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(cause.error !== undefined ? { error: cause.error } : {}),
    ...(cause.error_description !== undefined ? { error_description: masked(cause.error_description) } : {}),
    message: masked(error.message),
  };
}

/** Exits once stdout is flushed (a pipe may be asynchronous), so the last line is never lost. */
function exit(code) {
  process.stdout.write("", () => process.exit(code));
}

function fail(step, error) {
  emit({
    step,
    ok: false,
    ...(error instanceof StepFailure ? { reason: error.message } : errorDetails(error)),
  });
  failed = true;
  exit(1);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      domain: { type: "string" },
      "client-id": { type: "string" },
      factor: { type: "string" },
      "control-url": { type: "string" },
      "proxy-origin": { type: "string" },
      "timeout-ms": { type: "string" },
    },
  });
  const env = process.env;
  const domain = values.domain ?? env.AUTH0_DOMAIN;
  const clientId = values["client-id"] ?? env.AUTH0_CLIENT_ID;
  const clientSecret = env.AUTH0_CLIENT_SECRET;
  const factor = values.factor ?? env.FLOW_FACTOR ?? "sms";
  const proxyOrigin = values["proxy-origin"] ?? env.FLOW_PROXY_ORIGIN;
  const timeoutMs = Number(values["timeout-ms"] ?? env.FLOW_TIMEOUT_MS ?? 60_000);
  const problems = [];
  if (!domain || /[/\s]/.test(domain)) problems.push("--domain or AUTH0_DOMAIN: a host[:port], no scheme");
  if (!clientId) problems.push("--client-id or AUTH0_CLIENT_ID");
  if (!clientSecret) problems.push("AUTH0_CLIENT_SECRET");
  if (!FACTORS.includes(factor)) problems.push(`--factor or FLOW_FACTOR: ${FACTORS.join(", ")}`);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) problems.push("--timeout-ms: a positive integer");
  if (proxyOrigin !== undefined && !/^https?:\/\/[^/]+\/?$/.test(proxyOrigin)) {
    problems.push("--proxy-origin or FLOW_PROXY_ORIGIN: an origin such as http://127.0.0.1:4010");
  }
  if (problems.length > 0) {
    console.error(`auth0-sdk-flow: missing or invalid: ${problems.join("; ")}`);
    process.exit(2);
  }
  const controlUrl = (values["control-url"] ?? env.MOCK_CONTROL_URL ?? `https://${domain}/__mock`).replace(
    /\/$/,
    "",
  );
  return { domain, clientId, clientSecret, factor, controlUrl, proxyOrigin, timeoutMs };
}

/**
 * The fetch of a client behind a proxy that ends TLS: a request for https://<domain>/... goes to the
 * proxy's origin, everything else as it is. The SDK still sees, and checks, https URLs and issuer.
 */
function proxyFetch(domain, origin) {
  const from = `https://${domain}/`;
  const to = origin.endsWith("/") ? origin : `${origin}/`;
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const target = url.startsWith(from) ? to + url.slice(from.length) : url;
    return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init);
  };
}

/** The mock's control API (users, outbox): JSON in and out; the answer's body is never printed. */
async function control(send, controlUrl, method, path, body) {
  const res = await send(`${controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `control API ${method} ${path.split("?")[0]} answered ${res.status}`);
  return res.json();
}

/** The next message "sent" to `recipient` after message `after`; the mock sends synchronously, the wait covers a slow machine. */
async function nextMessage(send, controlUrl, recipient, after) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const query = new URLSearchParams({ recipient, ...(after ? { after } : {}) });
    const messages = await control(send, controlUrl, "GET", `/outbox?${query}`);
    if (messages.length > 0) return messages[0];
    expect(Date.now() < deadline, "no message reached the phone or mailbox within 10 s");
    await sleep(50);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A sent message as it may be printed, after checking it is the one this step expects. */
function checkMessage(message, channel, action) {
  expect(/^\d{6}$/.test(message.code), "the code is 6 digits");
  expect(message.message_type === channel, `message_type is ${channel} (got ${message.message_type})`);
  expect(message.action === action, `action is ${action} (got ${message.action})`);
  return {
    message_type: message.message_type,
    action: message.action,
    code: { digits: message.code.length },
  };
}

/** Expects the password grant to fail with the SDK's MFA-required error; answers its mfa_token. */
async function signIn(authClient, user) {
  try {
    await authClient.getTokenByPassword({
      username: user.username,
      password: user.password,
      scope: "openid profile email",
    });
  } catch (error) {
    if (!isMfaRequiredError(error)) throw error;
    // docs/behaviour.md#mfa-required: 403 (the SDK narrows on the error code alone, so the status is checked here).
    expect(error.statusCode === 403, `mfa_required answered with 403 (got ${error.statusCode})`);
    const mfaToken = error.cause.mfa_token;
    passed(current, { error: error.cause.error, statusCode: error.statusCode, mfaToken: shape(mfaToken) });
    return mfaToken;
  }
  throw new StepFailure(current, "the password grant gave tokens; expected the MFA-required error");
}

function shape(secret) {
  return typeof secret === "string" ? { length: secret.length } : { type: typeof secret };
}

/** Splits a compact JWS; `null` when it is not one. */
function jwsParts(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  return parts.length === 3 ? parts : null;
}

/**
 * Checks what `verify` returned. The SDK (openid-client) has already checked the ID token's alg, iss,
 * aud, sub, exp and iat against the discovery document and the client id, and throws otherwise; it
 * does not check the signature of a token it got straight from the token endpoint over TLS. This
 * checks the values it hands back, and the RS256 signature against the JWKS the discovery names.
 */
function checkTokens(tokens, expected, keys) {
  expect(typeof tokens.accessToken === "string" && tokens.accessToken.length > 0, "an access token");
  // openid-client lowercases token_type, so "Bearer" on the wire is "bearer" here.
  expect(/^bearer$/i.test(tokens.tokenType ?? ""), `token type Bearer (got ${tokens.tokenType})`);
  expect(
    Number.isInteger(tokens.expiresAt) && tokens.expiresAt > Date.now() / 1000,
    "expiresAt in the future",
  );
  const parts = jwsParts(tokens.idToken);
  expect(parts !== null, "an ID token (scope openid)");
  const claims = tokens.claims ?? {};
  expect(claims.iss === expected.issuer, `ID token iss is the issuer (got ${claims.iss})`);
  expect(claims.aud === expected.clientId, "ID token aud is the client id");
  expect(typeof claims.sub === "string" && claims.sub.length > 0, "ID token sub");
  const [header, payload, signature] = parts;
  const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  expect(alg === "RS256", `ID token alg RS256 (got ${alg})`);
  const jwk = keys.find((k) => k.kid === kid);
  expect(jwk !== undefined, "the ID token's kid is in the JWKS");
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    createPublicKey({ key: jwk, format: "jwk" }),
    Buffer.from(signature, "base64url"),
  );
  expect(valid, "the ID token's signature verifies with the JWKS key");
  return {
    accessToken: shape(tokens.accessToken),
    idToken: { ...shape(tokens.idToken), signature: "valid", iss: claims.iss, audIsClientId: true },
    tokenType: tokens.tokenType,
    expiresInSeconds: tokens.expiresAt - Math.floor(Date.now() / 1000),
  };
}

/** Expects `verify` to fail with the SDK's verify error carrying `invalid_grant`. */
async function expectInvalidGrant(promise) {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof MfaVerifyError, `an MfaVerifyError (got ${error?.name})`);
    expect(error.cause?.error === "invalid_grant", `error invalid_grant (got ${error.cause?.error})`);
    passed(current, {
      name: error.name,
      error: error.cause.error,
      error_description: masked(error.cause.error_description),
      statusCode: error.statusCode,
    });
    return;
  }
  throw new StepFailure(current, "the SDK returned tokens; expected invalid_grant");
}

function step(name) {
  current = name;
}

/** The TOTP parameters Auth0 documents and its barcode carries; the only ones computed here. */
const TOTP = { algorithm: "SHA1", digits: 6, period: 30 };

/** The bytes of a base32 secret (RFC 4648, padding optional); `null` when it is not base32. */
function base32Bytes(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = [];
  let value = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) return null;
    // At most 12 pending bits: the mask keeps the number small.
    value = ((value << 5) | index) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * The TOTP code of a base32 secret at a time step (RFC 6238 with HMAC-SHA1, RFC 4226's dynamic
 * truncation), as an authenticator app computes it; `digits` is 6 for Auth0, 8 in the RFC's vectors.
 */
export function totp(secret, step, digits = TOTP.digits) {
  const key = base32Bytes(secret);
  if (key === null) throw new TypeError("the secret is not base32");
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 10 ** digits).padStart(digits, "0");
}

/** The time step (30-second counter) of an instant, epoch milliseconds. */
export function totpStep(at) {
  return Math.floor(at / 1000 / TOTP.period);
}

/** What is left of the time step of `at` (epoch milliseconds), in milliseconds. */
function stepLeftMs(at) {
  const periodMs = TOTP.period * 1000;
  return periodMs - (at % periodMs);
}

/**
 * The step whose code confirms the OTP enrollment. A code works once (docs/behaviour.md#otp; the mock
 * refuses every step up to the last one used), so the right-code step later needs a later step's
 * code, and a fresh step can be up to 30 s away. Auth0 (and the mock) also accept the previous
 * step's code, so that one is used while at least 10 s of the current step remain: it is still the
 * previous step's when the mock checks it, even on a slow machine, and the current step's is left for
 * the right code without any wait. Closer to the step's end, the current step's code is used (still
 * accepted as the previous one if the boundary passes on the way), and the right code waits for what
 * is left of that step.
 */
function enrollmentStep() {
  const at = Date.now();
  return stepLeftMs(at) >= 10_000 ? totpStep(at) - 1 : totpStep(at);
}

/**
 * The code for the right-code step: the current step's once it is later than `used` (waiting out the
 * rest of that step when it is not yet). The current step's code stays accepted across one boundary.
 */
async function codeAfter(secret, used) {
  for (let at = Date.now(); ; at = Date.now()) {
    if (totpStep(at) > used) return totp(secret, totpStep(at));
    await sleep(stepLeftMs(at) + 50);
  }
}

/** A 6-digit code none of the steps around now accepts (previous, current, next): surely wrong. */
function wrongOtp(secret) {
  const now = totpStep(Date.now());
  const near = new Set([now - 1, now, now + 1].map((s) => totp(secret, s)));
  let wrong = Number(totp(secret, now));
  do wrong = (wrong + 1) % 1_000_000;
  while (near.has(String(wrong).padStart(6, "0")));
  return String(wrong).padStart(6, "0");
}

/** A code that is not `code` (plus one, wrapping): wrong for the challenge that sent `code`. */
function otherCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

/** Checks an OTP enrollment: a base32 secret, and a barcode carrying it and the parameters computed here. */
function checkOtpEnrollment(enrollment) {
  expect(
    enrollment.authenticatorType === "otp",
    `authenticatorType otp (got ${enrollment.authenticatorType})`,
  );
  const { secret } = enrollment;
  expect(typeof secret === "string" && secret.length >= 16, "a secret of at least 16 characters");
  expect(base32Bytes(secret) !== null, "the secret is base32");
  expect(typeof enrollment.barcodeUri === "string", "a barcodeUri");
  let uri;
  try {
    uri = new URL(enrollment.barcodeUri);
  } catch {
    throw new StepFailure(current, "the barcodeUri is a URI");
  }
  expect(uri.protocol === "otpauth:" && uri.host === "totp", "the barcodeUri is otpauth://totp/…");
  const params = uri.searchParams;
  expect(params.get("secret") === secret, "the barcodeUri carries the secret");
  // Key URI format: a missing parameter means the default, which is Auth0's.
  const algorithm = params.get("algorithm") ?? TOTP.algorithm;
  const digits = Number(params.get("digits") ?? TOTP.digits);
  const period = Number(params.get("period") ?? TOTP.period);
  expect(
    algorithm === TOTP.algorithm && digits === TOTP.digits && period === TOTP.period,
    `the barcodeUri's TOTP is SHA1, 6 digits, 30 s (got ${algorithm}, ${digits}, ${period})`,
  );
  return {
    authenticatorType: enrollment.authenticatorType,
    secret: { ...shape(secret), base32: true },
    barcodeUri: { type: "totp", carriesSecret: true, algorithm, digits, period },
  };
}

/** Checks an SMS, voice or email enrollment: its channel, the prompt and an oob_code. */
function checkOobEnrollment(enrollment, channel) {
  expect(
    enrollment.authenticatorType === "oob",
    `authenticatorType oob (got ${enrollment.authenticatorType})`,
  );
  expect(enrollment.oobChannel === channel, `oobChannel ${channel} (got ${enrollment.oobChannel})`);
  expect(enrollment.bindingMethod === "prompt", `bindingMethod prompt (got ${enrollment.bindingMethod})`);
  expect(typeof enrollment.oobCode === "string" && enrollment.oobCode.length > 0, "an oobCode");
  return {
    authenticatorType: enrollment.authenticatorType,
    oobChannel: enrollment.oobChannel,
    bindingMethod: enrollment.bindingMethod,
    oobCode: shape(enrollment.oobCode),
  };
}

/**
 * True when a list item's `name` is `address` masked: as long, every character either `*` or the
 * address's own (so the `@` stays), and at least one hidden. docs/behaviour.md#masked-name for a
 * phone (X for every digit but the last four), #masked-email for an address (`****@exam*******`).
 */
function isMaskedName(name, factor, address) {
  if (typeof name !== "string") return false;
  if (factor === "email") {
    return (
      name.length === address.length &&
      name.includes("*") &&
      [...name].every((char, i) => char === "*" || char === address[i])
    );
  }
  return /^X+\d{4}$/.test(name) && name.endsWith(address.slice(-4));
}

/** The list prefix of a factor's authenticator ids: `totp|dev_…` for OTP, the channel otherwise. */
function idPrefix(factor) {
  return factor === "otp" ? "totp|" : `${factor}|`;
}

async function main() {
  const opts = readOptions();
  const { domain, clientId, clientSecret, factor, controlUrl, proxyOrigin } = opts;
  setTimeout(
    () => fail(current, new StepFailure(current, `timed out after ${opts.timeoutMs} ms`)),
    opts.timeoutMs,
  ).unref();
  const send = proxyOrigin ? proxyFetch(domain, proxyOrigin) : fetch;
  const authClient = new AuthClient({
    domain,
    clientId,
    clientSecret,
    ...(proxyOrigin ? { customFetch: send } : {}),
  });
  const issuer = `https://${domain}/`;
  const otp = factor === "otp";

  step("discovery");
  const metadata = await authClient.getServerMetadata();
  expect(metadata.issuer === issuer, `issuer is ${issuer} (got ${metadata.issuer})`);
  expect(metadata.token_endpoint === `${issuer}oauth/token`, "token endpoint on the issuer");
  expect(metadata.jwks_uri?.startsWith(issuer), "JWKS on the issuer");
  const jwksResponse = await send(metadata.jwks_uri);
  expect(jwksResponse.ok, `JWKS answered ${jwksResponse.status}`);
  const { keys } = await jwksResponse.json();
  passed(current, { issuer: metadata.issuer, token_endpoint: metadata.token_endpoint, keys: keys.length });

  step("create-user");
  const user = await control(send, controlUrl, "POST", "/users", {});
  expect(typeof user.username === "string" && typeof user.password === "string", "a username and password");
  passed(current, { username: shape(user.username), password: shape(user.password) });
  // Where the codes go, unique enough per run and never printed: a fictional +1 555 number, or an
  // address at example.com (reserved for examples). OTP has none: the codes come from the secret.
  const address =
    factor === "email"
      ? `sdk-flow-${randomBytes(6).toString("hex")}@example.com`
      : `+1555${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;

  step("password-grant");
  let mfaToken = await signIn(authClient, user);

  step("list-empty");
  const none = await authClient.mfa.listAuthenticators({ mfaToken });
  expect(Array.isArray(none) && none.length === 0, `no authenticators yet (got ${none.length})`);
  passed(current, { authenticators: none.length });

  step("enroll");
  const enrollment = otp
    ? await authClient.mfa.enrollAuthenticator({ authenticatorTypes: ["otp"], mfaToken })
    : await authClient.mfa.enrollAuthenticator({
        authenticatorTypes: ["oob"],
        oobChannels: [factor],
        ...(factor === "email" ? { email: address } : { phoneNumber: address }),
        mfaToken,
      });
  const enrolledShape = otp ? checkOtpEnrollment(enrollment) : checkOobEnrollment(enrollment, factor);
  // docs/behaviour.md#recovery-codes: one 24-character code on the first enrollment.
  const recoveryCodes = enrollment.recoveryCodes ?? [];
  expect(
    recoveryCodes.length === 1 && /^[A-Z0-9]{24}$/.test(recoveryCodes[0]),
    "one 24-character recovery code",
  );
  passed(current, { ...enrolledShape, recoveryCodes: recoveryCodes.map(shape) });

  const expected = { issuer, clientId };
  let first;
  let enrolled;
  let otpStep;
  if (otp) {
    // An authenticator app shows the code of the secret it scanned; the user types it in.
    step("verify-enrollment");
    otpStep = enrollmentStep();
    first = await authClient.mfa.verify({
      factorType: "otp",
      otp: totp(enrollment.secret, otpStep),
      mfaToken,
    });
  } else {
    step("enroll-message");
    enrolled = await nextMessage(send, controlUrl, address);
    passed(current, checkMessage(enrolled, factor, "enrollment"));

    step("verify-enrollment");
    first = await authClient.mfa.verify({
      factorType: "oob",
      oobCode: enrollment.oobCode,
      bindingCode: enrolled.code,
      mfaToken,
    });
  }
  passed(current, checkTokens(first, expected, keys));

  // The next sign-in is the everyday one: the user has a factor, so the app challenges it.
  step("sign-in-again");
  mfaToken = await signIn(authClient, user);

  step("list-active");
  const listed = await authClient.mfa.listAuthenticators({ mfaToken });
  const mine = listed.find((a) => a.id?.startsWith(idPrefix(factor)));
  expect(mine !== undefined, `a ${idPrefix(factor)}… authenticator is listed`);
  expect(mine.active === true, "it is active");
  const type = otp ? "otp" : "oob";
  expect(mine.authenticatorType === type, `authenticatorType ${type} (got ${mine.authenticatorType})`);
  // docs/behaviour.md#otp: a TOTP lists without a name; the others with the phone or address masked.
  const nameMasked = otp ? undefined : isMaskedName(mine.name, factor, address);
  expect(otp || nameMasked, `its name is the ${factor === "email" ? "address" : "phone number"} masked`);
  passed(current, {
    authenticators: listed.map((a) => ({ type: a.id?.split("|")[0], active: a.active })),
    id: mine.id.replace(/\|.*/, "|dev_…"),
    ...(otp ? { hasName: mine.name !== undefined } : { nameMasked }),
    // The SDK reads `oob_channels`; Auth0's live answers and the mock's carry `oob_channel`
    // (docs/behaviour.md#oob-channel), so this is undefined on a tenant too: use the id's prefix.
    ...(otp ? {} : { oobChannels: mine.oobChannels ?? null }),
  });

  step("challenge");
  const challenge = await authClient.mfa.challengeAuthenticator({
    challengeType: type,
    authenticatorId: mine.id,
    mfaToken,
  });
  expect(challenge.challengeType === type, `challengeType ${type} (got ${challenge.challengeType})`);
  if (otp) {
    // docs/behaviour.md#otp: exactly {"challenge_type": "otp"}; nothing is sent.
    expect(challenge.oobCode === undefined, "no oobCode for an OTP challenge");
    passed(current, { challengeType: challenge.challengeType, oobCode: null });
  } else {
    expect(challenge.bindingMethod === "prompt", `bindingMethod prompt (got ${challenge.bindingMethod})`);
    expect(typeof challenge.oobCode === "string" && challenge.oobCode.length > 0, "an oobCode");
    passed(current, {
      challengeType: challenge.challengeType,
      bindingMethod: challenge.bindingMethod,
      oobCode: shape(challenge.oobCode),
    });
  }

  let challenged;
  if (!otp) {
    step("challenge-message");
    challenged = await nextMessage(send, controlUrl, address, enrolled.id);
    passed(current, checkMessage(challenged, factor, "second-factor-authentication"));
  }

  /** Answers this challenge with a code the user typed, as the app would. */
  const challengeToken = mfaToken;
  const answer = (code) =>
    otp
      ? authClient.mfa.verify({ factorType: "otp", otp: code, mfaToken: challengeToken })
      : authClient.mfa.verify({
          factorType: "oob",
          oobCode: challenge.oobCode,
          bindingCode: code,
          mfaToken: challengeToken,
        });

  step("wrong-code");
  await expectInvalidGrant(answer(otp ? wrongOtp(enrollment.secret) : otherCode(challenged.code)));

  step("right-code");
  // For OTP a later step's code than the one that confirmed the enrollment (see enrollmentStep).
  const right = otp ? await codeAfter(enrollment.secret, otpStep) : challenged.code;
  const second = await answer(right);
  passed(current, checkTokens(second, expected, keys));

  // docs/behaviour.md#binding-codes, #otp: a code is single use.
  step("code-replay");
  await expectInvalidGrant(answer(right));

  // The user has lost the phone: a fresh sign-in, then the recovery code saved at enrollment.
  step("sign-in-for-recovery");
  mfaToken = await signIn(authClient, user);

  step("recovery-code");
  const recovered = await authClient.mfa.verify({
    factorType: "recovery-code",
    recoveryCode: recoveryCodes[0],
    mfaToken,
  });
  const details = checkTokens(recovered, expected, keys);
  // docs/behaviour.md#recovery-codes: a new code comes back, and the used one stops working.
  expect(typeof recovered.recoveryCode === "string", "a new recovery code");
  expect(/^[A-Z0-9]{24}$/.test(recovered.recoveryCode), "the new recovery code has 24 characters [A-Z0-9]");
  expect(recovered.recoveryCode !== recoveryCodes[0], "the new recovery code differs from the used one");
  passed(current, { ...details, recoveryCode: { ...shape(recovered.recoveryCode), new: true } });

  step("recovery-code-replay");
  await expectInvalidGrant(
    authClient.mfa.verify({ factorType: "recovery-code", recoveryCode: recoveryCodes[0], mfaToken }),
  );

  emit({ step: "done", ok: true, factor, proxied: proxyOrigin !== undefined });
}

/** True when `node` runs this file, false when a test imports it for `totp`. */
function runAsScript() {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (runAsScript()) {
  main().then(
    () => exit(0),
    (error) => fail(current, error),
  );
}
