/**
 * The MFA API as the scenarios call it, from inside k6: every response is parsed, its rate-limit
 * headers checked (docs/behaviour.md#limit-metadata) and, for the configured share, checked against the
 * OpenAPI description with the compiled validators bundled in. Results are k6 metrics, so thresholds and the
 * summary see them.
 */
import http from "k6/http";
import { Counter, Rate } from "k6/metrics";
import { GRANT } from "../../../openapi/grant-types.ts";
import { type OperationId, validateResponse } from "../../../openapi/validate.ts";
import { lowerCaseHeaders, rateLimitHeaderProblems, SLOW_DOWN } from "../answers.ts";
import { findingLine, isSampled } from "../schema-sample.ts";

/** Share of checked responses that conform to the description. */
const schemaConformance = new Rate("schema_conformance");
/** Findings (departures from the description) over all checked responses. */
const schemaFindings = new Counter("schema_findings");
/** Share of responses whose rate-limit headers hold the invariants of docs/behaviour.md#limit-metadata. */
const rateLimitHeadersOk = new Rate("rate_limit_headers_ok");

export interface ApiResult {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: unknown;
  /** Epoch ms on this machine when the request was sent, and when the answer arrived. */
  sentAtMs: number;
  receivedAtMs: number;
}

export interface ClientSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  connection?: string;
  audience?: string;
  schemaSampleRate: number;
  /** Target clock minus this machine's clock (the mock's clock can be moved), in ms. */
  clockOffsetMs: number;
  clockSkewMs: number;
}

// Per VU: how many responses this VU has seen (drives sampling) and which finding lines it logged.
let responsesSeen = 0;
const loggedFindings = new Set<string>();
const MAX_LOGGED_FINDINGS = 5;

// 4xx answers are the subject of most scenarios, not failures: only 5xx and transport errors count in
// k6's http_req_failed, so `http_req_failed: rate==0` reads "no 5xx".
const expected = http.expectedStatuses({ min: 200, max: 499 });

/** Sends one request, records the checks, and returns the parsed answer. */
export function call(
  settings: ClientSettings,
  op: OperationId,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: Record<string, unknown>,
  headers: Record<string, string> = {},
  tags: Record<string, string> = {},
): ApiResult {
  const sentAtMs = Date.now();
  const res = http.request(
    method,
    `${settings.baseUrl}${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      tags: { name: op, ...tags },
      responseCallback: expected,
    },
  );
  const receivedAtMs = Date.now();
  const lower = lowerCaseHeaders(res.headers);
  const parsed = parseBody(res.body);
  const result: ApiResult = { status: res.status, headers: lower, body: parsed, sentAtMs, receivedAtMs };
  if (res.status === 0) return result; // transport error: nothing to check, http_req_failed counts it
  const problems = rateLimitHeaderProblems(
    res.status,
    lower,
    sentAtMs + settings.clockOffsetMs,
    settings.clockSkewMs,
    res.status === 429 && field(parsed, "error") === SLOW_DOWN.error,
  );
  rateLimitHeadersOk.add(problems.length === 0, { name: op });
  if (problems.length > 0) logOnce(`${op} ${res.status}: ${problems[0]}`);
  responsesSeen++;
  if (isSampled(settings.schemaSampleRate, responsesSeen)) {
    const findings = validateResponse(op, { status: res.status, headers: lower, body: parsed });
    schemaConformance.add(findings.length === 0, { name: op });
    if (findings.length > 0) {
      schemaFindings.add(findings.length, { name: op });
      for (const f of findings) logOnce(findingLine(f));
    }
  }
  return result;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string" || body === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function logOnce(line: string): void {
  if (loggedFindings.has(line) || loggedFindings.size >= MAX_LOGGED_FINDINGS) return;
  loggedFindings.add(line);
  console.warn(`finding: ${line}`);
}

/** Client authentication fields for the body (client_secret_post). */
function client(settings: ClientSettings): Record<string, string> {
  return { client_id: settings.clientId, client_secret: settings.clientSecret };
}

/** POST /oauth/token with the password (or password-realm) grant: an MFA user gets 403 mfa_required. */
export function passwordGrant(
  settings: ClientSettings,
  user: { username: string; password: string },
): ApiResult {
  const grant = settings.connection
    ? { grant_type: GRANT.passwordRealm, realm: settings.connection }
    : { grant_type: GRANT.password };
  return call(settings, "token", "POST", "/oauth/token", {
    ...grant,
    ...client(settings),
    username: user.username,
    password: user.password,
    scope: "openid",
    ...(settings.audience ? { audience: settings.audience } : {}),
  });
}

/** POST /mfa/associate with an mfa_token, for the factor `body` names (see associateSms, associateOtp, associatePush). */
function associate(settings: ClientSettings, mfaToken: string, body: Record<string, unknown>): ApiResult {
  return call(settings, "associateAuthenticator", "POST", "/mfa/associate", body, {
    authorization: `Bearer ${mfaToken}`,
  });
}

/** POST /mfa/associate for an SMS authenticator with the user's mfa_token. */
export function associateSms(settings: ClientSettings, mfaToken: string, phone: string): ApiResult {
  return associate(settings, mfaToken, {
    authenticator_types: ["oob"],
    oob_channels: ["sms"],
    phone_number: phone,
  });
}

/** POST /mfa/associate for an OTP authenticator: answers the secret (and its barcode_uri). */
export function associateOtp(settings: ClientSettings, mfaToken: string): ApiResult {
  return associate(settings, mfaToken, { authenticator_types: ["otp"] });
}

/** POST /mfa/associate for a push authenticator (Guardian): answers a barcode_uri and an oob_code. */
export function associatePush(settings: ClientSettings, mfaToken: string): ApiResult {
  return associate(settings, mfaToken, { authenticator_types: ["oob"], oob_channels: ["auth0"] });
}

/** GET /mfa/authenticators with an mfa_token. */
export function listAuthenticators(settings: ClientSettings, mfaToken: string): ApiResult {
  return call(settings, "listAuthenticators", "GET", "/mfa/authenticators", undefined, {
    authorization: `Bearer ${mfaToken}`,
  });
}

/** POST /mfa/challenge for an oob authenticator (SMS: sends one message; push: sends one notification). */
export function challenge(
  settings: ClientSettings,
  mfaToken: string,
  authenticatorId: string,
  tags: Record<string, string> = {},
): ApiResult {
  return call(
    settings,
    "challenge",
    "POST",
    "/mfa/challenge",
    { ...client(settings), mfa_token: mfaToken, challenge_type: "oob", authenticator_id: authenticatorId },
    {},
    tags,
  );
}

/** POST /oauth/token with one of the MFA grants and its fields, as the client this run uses. */
function mfaGrant(
  settings: ClientSettings,
  grant: typeof GRANT.mfaOob | typeof GRANT.mfaOtp,
  fields: Record<string, string>,
  tags: Record<string, string>,
): ApiResult {
  const body = { grant_type: grant, ...client(settings), ...fields };
  return call(settings, "token", "POST", "/oauth/token", body, {}, tags);
}

/** POST /oauth/token with the mfa-oob grant; without a binding code when `bindingCode` is undefined. */
export function exchangeOob(
  settings: ClientSettings,
  mfaToken: string,
  oobCode: string,
  bindingCode: string | undefined,
  tags: Record<string, string> = {},
): ApiResult {
  const fields: Record<string, string> = { mfa_token: mfaToken, oob_code: oobCode };
  if (bindingCode !== undefined) fields.binding_code = bindingCode;
  return mfaGrant(settings, GRANT.mfaOob, fields, tags);
}

/** POST /oauth/token with the mfa-otp grant: a TOTP code of the user's authenticator app. */
export function exchangeOtp(
  settings: ClientSettings,
  mfaToken: string,
  otp: string,
  tags: Record<string, string> = {},
): ApiResult {
  return mfaGrant(settings, GRANT.mfaOtp, { mfa_token: mfaToken, otp }, tags);
}

/** A string field of a JSON body, or undefined. */
export function field(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === "string" ? v : undefined;
}

/** What went wrong, for an error message: status and Auth0's error code, never the body's secrets. */
export function explain(res: ApiResult): string {
  const error = field(res.body, "error");
  const description = field(res.body, "error_description");
  return `${res.status}${error ? ` ${error}` : ""}${description ? ` "${description}"` : ""}`;
}
