/**
 * Shared flow helpers: each is a boxed step, so a report reads as a flow (enroll, confirm,
 * challenge, verify) and a failure points at the calling test. Titles never carry secrets; phone
 * numbers and email addresses appear masked.
 */
import { test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { CLIENT_ASSERTION_TYPE } from "../mock/tokens/client-assertion.ts";
import { GRANT } from "../openapi/grant-types.ts";
import { maskRecipient } from "../redaction/mask.ts";
import type { ApiClient, ApiResponse } from "./api-client.ts";
import { signClientAssertion } from "./client-assertion.ts";
import { expect } from "./matchers.ts";
import type { GuardianDevice, InboxMessage, Target } from "./targets/target.ts";

/** The fixtures a flow needs. */
export interface FlowContext {
  api: ApiClient;
  target: Target;
}

export type Channel = "sms" | "voice";
/** A channel whose code reaches the user as a message: a phone's, or an email. */
export type CodeChannel = Channel | "email";

/** The grant types, from the one table the mock and the k6 client use too. */
export { GRANT };

/** A user of the target with their password. */
export interface User {
  username: string;
  password: string;
  userId?: string;
}

/**
 * The client credentials every `/oauth/token` and `/mfa/challenge` body carries: the secret, a fresh
 * client_assertion (a Private Key JWT client), or the client_id alone (a public client).
 */
export async function clientAuth(target: Target): Promise<Record<string, string> & { client_id: string }> {
  if (target.clientAssertion) {
    return {
      client_id: target.clientId,
      client_assertion: await target.clientAssertion(),
      client_assertion_type: CLIENT_ASSERTION_TYPE,
    };
  }
  return target.clientSecret === undefined
    ? { client_id: target.clientId }
    : { client_id: target.clientId, client_secret: target.clientSecret };
}

/**
 * The same target as seen by its Private Key JWT client: every flow then sends a fresh assertion for
 * `audience` (the tenant's URL with its trailing slash: the issuer).
 */
export function asPrivateKeyJwtClient(target: Target, audience: string): Target | undefined {
  const client = target.privateKeyJwt;
  if (client === undefined) return undefined;
  return {
    ...target,
    clientId: client.clientId,
    clientSecret: undefined,
    clientAssertion: () => signClientAssertion({ ...client, audience }),
  };
}

/** The same target as seen by its public client: every flow then sends the client_id alone. */
export function asPublicClient(target: Target): Target | undefined {
  if (target.publicClientId === undefined) return undefined;
  return { ...target, clientId: target.publicClientId, clientSecret: undefined };
}

/** The target's issuer (`https://<domain>/` on Auth0), from its OpenID configuration. */
export async function issuerOf({ api }: FlowContext): Promise<string> {
  // Through the client, so that a global 429 is waited out like any other answer.
  const res = await api.get("/.well-known/openid-configuration");
  expect(res.status, "OpenID configuration").toBe(200);
  const { issuer } = res.body as { issuer: string };
  return issuer.endsWith("/") ? issuer : `${issuer}/`;
}

/** Boxed step with a masked phone in its title. */
function step<T>(title: string, body: () => Promise<T>): Promise<T> {
  return test.step(title, body, { box: true });
}

/** Creates a fresh user on the target. */
export function createUser({ api, target }: FlowContext): Promise<User> {
  return step("create a user", async () => {
    const user = await target.createUser();
    api.secret("password", user.password);
    return user;
  });
}

/** What a login asks for: an API audience and scopes (default: the target's audience, openid profile). */
export interface LoginOptions {
  audience?: string;
  scope?: string;
}

/** POST /oauth/token with the password-realm grant; the raw answer (no status expectation). */
export async function passwordRealm(
  { api, target }: FlowContext,
  user: User,
  opts: LoginOptions = {},
): Promise<ApiResponse> {
  const audience = opts.audience ?? target.audience;
  return api.post("/oauth/token", {
    form: {
      grant_type: GRANT.passwordRealm,
      ...(await clientAuth(target)),
      username: user.username,
      password: user.password,
      realm: target.connection,
      scope: opts.scope ?? "openid profile",
      ...(audience ? { audience } : {}),
    },
  });
}

/** Logs in with the password-realm grant and returns the mfa_token of the 403 mfa_required answer. */
export function login(ctx: FlowContext, user: User, opts: LoginOptions = {}): Promise<string> {
  return step("log in (password-realm) and get an mfa_token", async () => {
    const res = await passwordRealm(ctx, user, opts);
    expect(res).toBeError(403, "mfa_required");
    return res.body.mfa_token as string;
  });
}

/** The MFA API's audience, `<issuer>mfa/`. */
async function mfaAudience(ctx: FlowContext): Promise<string> {
  return `${await issuerOf(ctx)}mfa/`;
}

/** Scopes of an MFA API access token that may enroll, list and delete. */
const MFA_API_SCOPE = "openid enroll read:authenticators remove:authenticators";

/** What a login asks for so that the confirmation's access token is one for the MFA API (enroll, list, delete). */
export async function mfaApiLogin(ctx: FlowContext): Promise<LoginOptions> {
  return { audience: await mfaAudience(ctx), scope: MFA_API_SCOPE };
}

/** A fresh user and an mfa_token for them. */
export async function newSession(
  ctx: FlowContext,
  opts: LoginOptions = {},
): Promise<{ user: User; mfaToken: string }> {
  const user = await createUser(ctx);
  return { user, mfaToken: await login(ctx, user, opts) };
}

/** The association answer of an sms or voice enrollment. */
export interface Enrollment {
  response: ApiResponse;
  oobCode: string;
  recoveryCodes: string[];
}

/** POST /mfa/associate for sms, voice (to a phone number) or email (to an address); expects 200 and returns the oob_code. */
export function enroll(
  { api }: FlowContext,
  mfaToken: string,
  channel: CodeChannel,
  recipient: string,
): Promise<Enrollment> {
  return step(`enroll ${channel} ${maskRecipient(recipient)}`, async () => {
    const email = channel === "email";
    api.secret(email ? "email" : "phone", recipient);
    const response = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: email
        ? { authenticator_types: ["oob"], oob_channels: ["email"], email: recipient }
        : { authenticator_types: ["oob"], oob_channels: [channel], phone_number: recipient },
    });
    expect(response.status, "associate status").toBe(200);
    expect(response).toConform("associateAuthenticator");
    return {
      response,
      oobCode: response.body.oob_code as string,
      recoveryCodes: (response.body.recovery_codes ?? []) as string[],
    };
  });
}

/** Reads the next code sent to a phone or an email address (mock outbox or tenant sink). */
export function readCode(
  { api, target }: FlowContext,
  recipient: string,
  expected?: Partial<Pick<InboxMessage, "action" | "message_type">>,
): Promise<InboxMessage> {
  return step(`read the code sent to ${maskRecipient(recipient)}`, async () => {
    const message = await target.inbox.nextCode(recipient);
    api.secret("binding_code", message.code);
    expect(message.code, "a 6-digit code").toMatchSecretly(/^\d{6}$/);
    // Auth0's email provider event does not say whether a code enrolls or verifies, so an email that
    // came through a tenant's Action carries no action; every other message must name the expected one.
    const unknowable = message.message_type === "email" && message.action === undefined;
    if (expected?.action && !unknowable) expect(message.action, "message action").toBe(expected.action);
    if (expected?.message_type) expect(message.message_type, "message type").toBe(expected.message_type);
    return message;
  });
}

/** POST /oauth/token mfa-oob with a binding code; returns the raw answer (no status expectation). */
export async function exchangeOob(
  { api, target }: FlowContext,
  mfaToken: string,
  oobCode: string,
  bindingCode: string | undefined,
): Promise<ApiResponse> {
  return api.post("/oauth/token", {
    form: {
      grant_type: GRANT.mfaOob,
      ...(await clientAuth(target)),
      mfa_token: mfaToken,
      oob_code: oobCode,
      ...(bindingCode === undefined ? {} : { binding_code: bindingCode }),
    },
  });
}

/** Confirms an enrollment with the code the phone received; expects tokens. */
export function confirm(
  ctx: FlowContext,
  mfaToken: string,
  enrollment: Enrollment,
  phone: string,
  channel: CodeChannel = "sms",
): Promise<ApiResponse> {
  return step(`confirm the enrollment of ${maskRecipient(phone)}`, async () => {
    const message = await readCode(ctx, phone, { action: "enrollment", message_type: channel });
    const res = await exchangeOob(ctx, mfaToken, enrollment.oobCode, message.code);
    expect(res.status, "confirm status").toBe(200);
    expect(res).toConform("token");
    return res;
  });
}

/** GET /mfa/authenticators with a bearer token; expects 200. */
export function listAuthenticators({ api }: FlowContext, token: string): Promise<ApiResponse> {
  return step("list authenticators", async () => {
    const res = await api.get("/mfa/authenticators", { bearer: token });
    expect(res.status, "list status").toBe(200);
    expect(res).toConform("listAuthenticators");
    return res;
  });
}

/** POST /mfa/challenge (oob) for an authenticator; expects 200 with an oob_code. */
export function challenge(
  { api, target }: FlowContext,
  mfaToken: string,
  authenticatorId: string,
): Promise<{ response: ApiResponse; oobCode: string }> {
  return step(`challenge ${authenticatorId.split("|")[0]}`, async () => {
    const response = await api.post("/mfa/challenge", {
      json: {
        ...(await clientAuth(target)),
        mfa_token: mfaToken,
        challenge_type: "oob",
        authenticator_id: authenticatorId,
      },
    });
    expect(response.status, "challenge status").toBe(200);
    expect(response).toConform("challenge");
    return { response, oobCode: response.body.oob_code as string };
  });
}

/** Completes a challenge with the code the phone received; expects tokens. */
export function verify(
  ctx: FlowContext,
  mfaToken: string,
  oobCode: string,
  phone: string,
  channel: CodeChannel = "sms",
): Promise<ApiResponse> {
  return step(`verify the code sent to ${maskRecipient(phone)}`, async () => {
    const message = await readCode(ctx, phone, {
      action: "second-factor-authentication",
      message_type: channel,
    });
    const res = await exchangeOob(ctx, mfaToken, oobCode, message.code);
    expect(res.status, "verify status").toBe(200);
    expect(res).toConform("token");
    return res;
  });
}

/** A user with one confirmed authenticator, and a fresh mfa_token from a second login. */
export interface EnrolledUser {
  user: User;
  /** Where the codes go: the phone number, or the email address of an email authenticator. */
  phone: string;
  channel: CodeChannel;
  recoveryCodes: string[];
  /** An mfa_token from a login after the enrollment (the one to challenge with). */
  mfaToken: string;
  /** The access token the confirmation returned (an MFA API token with `mfaApi: true`). */
  accessToken: string;
  /** The authenticator of the chosen channel. */
  authenticatorId: string;
}

/** Creates a user, enrolls and confirms a phone, logs in again and finds the authenticator. */
export function enrolledUser(
  ctx: FlowContext,
  channel: CodeChannel = "sms",
  opts: { mfaApi?: boolean } = {},
): Promise<EnrolledUser> {
  return step(`a user enrolled with ${channel}`, async () => {
    // With mfaApi, the first login asks for the MFA API audience, so the confirmation's access token can list and delete.
    const loginOptions = opts.mfaApi ? { audience: await mfaAudience(ctx), scope: MFA_API_SCOPE } : {};
    const { user, mfaToken: first } = await newSession(ctx, loginOptions);
    const phone = channel === "email" ? ctx.target.emailAddress() : ctx.target.phoneNumber();
    const enrollment = await enroll(ctx, first, channel, phone);
    const tokens = await confirm(ctx, first, enrollment, phone, channel);
    const mfaToken = await login(ctx, user);
    const list = await listAuthenticators(ctx, mfaToken);
    const item = (list.body as { id: string; oob_channel?: string; active: boolean }[]).find(
      (a) => a.oob_channel === channel && a.active,
    );
    expect(item, `an active ${channel} authenticator is listed`).toBeTruthy();
    return {
      user,
      phone,
      channel,
      recoveryCodes: enrollment.recoveryCodes,
      mfaToken,
      accessToken: tokens.body.access_token as string,
      authenticatorId: (item as { id: string }).id,
    };
  });
}

/** Flips one character in the middle of a token, keeping its alphabet (a tampered token). */
export function tamper(token: string): string {
  const i = Math.floor(token.length / 2);
  const c = token[i] === "A" ? "B" : "A";
  return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
}

/** A 6-digit code that differs from `code` (a wrong binding code). */
export function wrongCode(code: string | undefined): string {
  return code === "000000" ? "111111" : "000000";
}

/** The parameters of Auth0's TOTP (docs/behaviour.md#otp): what an authenticator app computes with. */
const TOTP_PARAMETERS = { algorithm: "SHA1", digits: 6, period: 30 } as const;
const STEP_MS = TOTP_PARAMETERS.period * 1000;

/** The target's current time: its own clock when it can differ from real time (a mock moved forward). */
export async function targetNow(target: Target): Promise<number> {
  return target.now ? target.now() : Date.now();
}

/**
 * The code an authenticator app shows for `secret`, `steps` 30-second steps from the target's current
 * one (-1: the previous step's); computed from the secret the enrollment returned, so it works on a
 * tenant as on the mock.
 */
export async function otpCode({ api, target }: FlowContext, secret: string, steps = 0): Promise<string> {
  const at = (await targetNow(target)) + steps * STEP_MS;
  const code = TOTP.generate({ secret: Secret.fromBase32(secret), ...TOTP_PARAMETERS, timestamp: at });
  api.secret("otp", code);
  return code;
}

/**
 * Waits for the next TOTP step, so that a code not yet used exists (a code works once): moves the
 * clock of a target that has one (only a spec on a private mock may call it there, see fixtures.ts),
 * or waits for it in real time on a tenant, with the test's timeout raised by that wait.
 */
export function nextOtpStep({ target }: FlowContext): Promise<void> {
  return step("wait for the next TOTP step", async () => {
    if (target.advanceClock) {
      await target.advanceClock(TOTP_PARAMETERS.period);
      return;
    }
    const wait = STEP_MS - (Date.now() % STEP_MS) + 1_000;
    test.info().setTimeout(test.info().timeout + wait + 5_000);
    await new Promise((r) => setTimeout(r, wait));
  });
}

/**
 * Moves a private mock's clock to just after the start of a TOTP step, so that a code computed now
 * belongs to the step the mock checks it in (29 seconds to spare on a slow machine).
 */
export function startOfOtpStep({ target }: FlowContext): Promise<void> {
  return step("move the clock to the start of a TOTP step", async () => {
    if (!target.advanceClock || !target.now) throw new Error("startOfOtpStep needs a target with a clock");
    const into = (await target.now()) % STEP_MS;
    await target.advanceClock((STEP_MS - into + 200) / 1000);
  });
}

/** The answer of an OTP enrollment: the secret an authenticator app is given, and its barcode. */
export interface OtpEnrollment {
  response: ApiResponse;
  secret: string;
  barcodeUri: string;
  recoveryCodes: string[];
}

/** POST /mfa/associate for otp; expects 200 with a secret and a barcode_uri. */
export function enrollOtp({ api }: FlowContext, mfaToken: string): Promise<OtpEnrollment> {
  return step("enroll otp", async () => {
    const response = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: { authenticator_types: ["otp"] },
    });
    expect(response.status, "associate status").toBe(200);
    expect(response).toConform("associateAuthenticator");
    const secret = response.body.secret as string;
    expect(secret, "a base32 secret").toMatchSecretly(/^[A-Z2-7]{16,}$/);
    return {
      response,
      secret,
      barcodeUri: response.body.barcode_uri as string,
      recoveryCodes: (response.body.recovery_codes ?? []) as string[],
    };
  });
}

/** POST /oauth/token mfa-otp; returns the raw answer (no status expectation). */
export async function exchangeOtp(
  { api, target }: FlowContext,
  mfaToken: string,
  otp: string,
): Promise<ApiResponse> {
  return api.post("/oauth/token", {
    form: { grant_type: GRANT.mfaOtp, ...(await clientAuth(target)), mfa_token: mfaToken, otp },
  });
}

/** Sends the current code of `secret` with mfa-otp (a confirmation or a verification); expects tokens. */
export function verifyOtp(ctx: FlowContext, mfaToken: string, secret: string): Promise<ApiResponse> {
  return step("send the authenticator app's code (mfa-otp)", async () => {
    const res = await exchangeOtp(ctx, mfaToken, await otpCode(ctx, secret));
    expect(res.status, "mfa-otp status").toBe(200);
    expect(res).toConform("token");
    return res;
  });
}

/** A user with a confirmed OTP authenticator, a fresh mfa_token, and a TOTP step not yet used. */
export interface OtpUser {
  user: User;
  secret: string;
  mfaToken: string;
  accessToken: string;
  authenticatorId: string;
}

/**
 * Creates a user, enrolls and confirms OTP, logs in again, finds the totp and (unless `freshStep` is
 * false: the test sends no right code, and on a tenant the wait is real time) waits for the next step.
 */
export function enrolledOtpUser(
  ctx: FlowContext,
  opts: { mfaApi?: boolean; freshStep?: boolean } = {},
): Promise<OtpUser> {
  return step("a user enrolled with otp", async () => {
    const loginOptions = opts.mfaApi ? { audience: await mfaAudience(ctx), scope: MFA_API_SCOPE } : {};
    const { user, mfaToken: first } = await newSession(ctx, loginOptions);
    const { secret } = await enrollOtp(ctx, first);
    const tokens = await verifyOtp(ctx, first, secret);
    const mfaToken = await login(ctx, user);
    const list = await listAuthenticators(ctx, mfaToken);
    const item = (list.body as { id: string; authenticator_type: string; active: boolean }[]).find(
      (a) => a.authenticator_type === "otp" && a.active,
    );
    expect(item, "an active otp authenticator is listed").toBeTruthy();
    // The confirmation used this step's code, and a code works once.
    if (opts.freshStep !== false) await nextOtpStep(ctx);
    return {
      user,
      secret,
      mfaToken,
      accessToken: tokens.body.access_token as string,
      authenticatorId: (item as { id: string }).id,
    };
  });
}

/** The Guardian stand-in of the target; a spec skips push before it gets here (see `PUSH_SKIP_REASON`). */
export function guardianOf(target: Target): GuardianDevice {
  if (!target.guardian) throw new Error(PUSH_SKIP_REASON);
  return target.guardian;
}

/** Why push specs skip on a target without a Guardian stand-in. */
export const PUSH_SKIP_REASON = "push needs a Guardian device; the tenant has none the suites can tap";

/** The answer of a push enrollment, with the transaction id its barcode names for the device. */
export interface PushEnrollment {
  response: ApiResponse;
  oobCode: string;
  barcodeUri: string;
  enrollmentTxId: string;
}

/** POST /mfa/associate for push (oob_channels auth0); expects 200 and a barcode naming the enrollment transaction. */
export function enrollPush({ api }: FlowContext, mfaToken: string): Promise<PushEnrollment> {
  return step("enroll push", async () => {
    const response = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: { authenticator_types: ["oob"], oob_channels: ["auth0"] },
    });
    expect(response.status, "associate status").toBe(200);
    expect(response).toConform("associateAuthenticator");
    const barcodeUri = String(response.body.barcode_uri ?? "");
    const query = new URLSearchParams(barcodeUri.split("?")[1] ?? "");
    const enrollmentTxId = query.get("enrollment_tx_id") ?? "";
    expect(enrollmentTxId, "the barcode_uri carries enrollment_tx_id").not.toBe("");
    expect(query.get("base_url") ?? "", "the barcode_uri carries base_url").not.toBe("");
    return { response, oobCode: response.body.oob_code as string, barcodeUri, enrollmentTxId };
  });
}

/** Polls a push with mfa-oob (no binding_code); the raw answer. */
export function pollPush(ctx: FlowContext, mfaToken: string, oobCode: string): Promise<ApiResponse> {
  return exchangeOob(ctx, mfaToken, oobCode, undefined);
}

/** Waits out the 5-second polling interval of a push: the clock of a private mock, or real time. */
export function pollInterval({ target }: FlowContext): Promise<void> {
  return step("wait out the polling interval (5 s)", async () => {
    if (target.advanceClock) await target.advanceClock(5);
    else await new Promise((r) => setTimeout(r, 5_000));
  });
}

/** A user whose push (and its paired totp) a device has enrolled, with a fresh mfa_token. */
export interface PushUser {
  user: User;
  userId: string;
  mfaToken: string;
  accessToken: string;
  pushId: string;
  totpId: string;
  totpSecret?: string;
}

/** Creates a user, enrolls push, lets the device scan, polls the tokens, logs in again and lists both authenticators. */
export function enrolledPushUser(ctx: FlowContext, opts: { mfaApi?: boolean } = {}): Promise<PushUser> {
  return step("a user enrolled with push", async () => {
    const loginOptions = opts.mfaApi ? { audience: await mfaAudience(ctx), scope: MFA_API_SCOPE } : {};
    const { user, mfaToken: first } = await newSession(ctx, loginOptions);
    const userId = user.userId;
    if (!userId) throw new Error("push needs the user's id to find the pushes waiting for a tap");
    const enrollment = await enrollPush(ctx, first);
    const device = await guardianOf(ctx.target).enroll(enrollment.enrollmentTxId);
    if (device.totpSecret) ctx.api.secret("otp_secret", device.totpSecret);
    const tokens = await pollPush(ctx, first, enrollment.oobCode);
    expect(tokens.status, "the poll after the device's scan returns tokens").toBe(200);
    expect(tokens).toConform("token");
    const mfaToken = await login(ctx, user);
    const list = await listAuthenticators(ctx, mfaToken);
    const items = list.body as { id: string; authenticator_type: string; oob_channel?: string }[];
    const push = items.find((a) => a.oob_channel === "auth0");
    const totp = items.find((a) => a.authenticator_type === "otp");
    expect(push?.id, "the push authenticator is listed").toBe(device.authenticatorId);
    expect(totp?.id, "its paired totp is listed").toMatch(/^totp\|dev_/);
    return {
      user,
      userId,
      mfaToken,
      accessToken: tokens.body.access_token as string,
      pushId: device.authenticatorId,
      totpId: (totp as { id: string }).id,
      ...(device.totpSecret ? { totpSecret: device.totpSecret } : {}),
    };
  });
}
