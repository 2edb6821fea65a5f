/**
 * What a route handler answers, before the app adds the headers every response carries
 * (content type, rate-limit headers, CORS), and the catalogue of every error answer the mock gives.
 * Errors use Auth0's envelope `{"error": "<code>", "error_description": "<text>"}`.
 *
 * The catalogue (`errors`) is data, as stoplightio/prism's `mocker/errors.ts`: each answer's status,
 * code and text is declared once, and a handler names the entry (`fail(errors.expiredMfaToken)`).
 * It lives here rather than in a module of its own so that a handler's whole vocabulary (`ok`,
 * `fail`, `errors`) is one import, and the entries and `fail` do not import each other in a cycle.
 * The texts come from Auth0's sources where docs/behaviour.md#failure-answers gives them; the
 * comments mark what is guessed.
 */
import type { Take } from "./limits/rate-limit.ts";

export interface Reply {
  status: number;
  /** Serialised as JSON; `undefined` means an empty body (204). */
  body: unknown;
  /** Extra headers (e.g. `allow` on a 405). */
  headers?: Record<string, string>;
  /** The bucket that decided a throttled answer: its figures replace the tenant's in the headers. */
  limit?: Take;
  /**
   * A body that is not JSON (the login page's HTML, a redirect's empty body): sent as it is, with the
   * content type of `headers`.
   */
  text?: string;
  /**
   * `body` already serialised (exactly `JSON.stringify(body)`), for a hot answer whose text is cheaper
   * to write out than to stringify; sent as long as the body is the one the handler answered.
   */
  json?: string;
}

/** Auth0's error envelope. */
export interface AuthError {
  readonly error: string;
  readonly error_description: string;
}

/** The configuration fields that set an error's status (docs/behaviour.md#code-mismatch-status, #per-user-limits). */
export type StatusSetting = "invalidGrantStatus" | "lockoutStatus";
/** What `fail` reads from the configuration: `MockConfig` has this shape. */
export type StatusSettings = { readonly [K in StatusSetting]: number };

/**
 * One error answer. `status` is a number, or the configuration field that holds it. `body` and
 * `json` are built once for a fixed entry, so naming it on a hot path allocates only the reply.
 */
export interface ErrorEntry<S extends number | StatusSetting = number | StatusSetting> {
  readonly status: S;
  readonly error: string;
  readonly description: string;
  readonly body: AuthError;
  readonly json: string;
}

/** An entry whose status is fixed (a handler names it without the configuration). */
export type FixedError = ErrorEntry<number>;
/** An entry whose status is a configuration field. */
export type ConfiguredError = ErrorEntry<StatusSetting>;

function entry<S extends number | StatusSetting>(
  status: S,
  error: string,
  description: string,
): ErrorEntry<S> {
  const body: AuthError = Object.freeze({ error, error_description: description });
  return Object.freeze({ status, error, description, body, json: JSON.stringify(body) });
}

/**
 * Every error answer of the mock (the Authentication API's paths and the control API's; the
 * Management API's own envelope is in management/errors.ts; the configured 429 body is
 * `rateLimitBody` in the configuration). Functions are the entries with a parameter.
 */
export const errors = {
  // --- request shape (http/body.ts, http/validation.ts, the app) -------------------------------
  /** Auth0's wording for an absent field. */
  missingParameter: (name: string) => entry(400, "invalid_request", `Missing required parameter: ${name}`),
  invalidParameter: (field: string, expected: string) =>
    entry(400, "invalid_request", `Invalid parameter ${field || "body"}: expected ${expected}.`),
  invalidJson: entry(400, "invalid_request", "The request body is not valid JSON."),
  notJsonObject: entry(400, "invalid_request", "The request body must be a JSON object."),
  /** `type` is the media type sent ("" when none), `accepted` the ones the path takes. */
  unsupportedContentType: (type: string, accepted: string) =>
    entry(415, "invalid_request", `Unsupported content type: ${type || "(none)"}. Send ${accepted}.`),
  bodyTooLarge: entry(413, "invalid_request", "Request body too large."),
  /** HTTP node:http cannot parse (a bad method, header or framing): http/server.ts answers it on the socket. */
  malformedHttp: entry(400, "invalid_request", "Malformed HTTP request."),
  headersTooLarge: entry(431, "invalid_request", "Request headers too large."),
  notFound: (method: string, path: string) => entry(404, "not_found", `Not found: ${method} ${path}`),
  methodNotAllowed: (method: string, path: string, allow: string) =>
    entry(405, "method_not_allowed", `${method} is not allowed on ${path}; use ${allow}.`),
  /** A full store answers like a rate limit: the caller can wait for entries to expire, or reset. */
  storeFull: (message: string) => entry(429, "too_many_requests", message),
  internalError: entry(500, "server_error", "The mock failed unexpectedly; its log has the details."),
  /** Test mode (`validateResponses`): the answer the mock was about to give breaks the description. */
  invalidResponse: entry(500, "server_error", "The mock's response failed validation."),
  /** `faults.error_rate`: a 500, 502 or 503 the user asked for. */
  injectedFault: (status: 500 | 502 | 503, op: string) =>
    entry(
      status,
      status === 500 ? "server_error" : "temporarily_unavailable",
      `Injected fault: ${status} on ${op} (faults.error_rate).`,
    ),

  // --- who is calling (operations/auth.ts) ------------------------------------------------------
  invalidClient: entry(401, "invalid_client", "Client authentication failed."),
  invalidClientAssertion: (reason: string) =>
    entry(401, "invalid_client", `Invalid client_assertion: ${reason}.`),
  /** On /oauth/token; /mfa/challenge answers it with a 401 (`malformedMfaTokenOnChallenge`). */
  malformedMfaToken: entry("invalidGrantStatus", "invalid_grant", "Malformed mfa_token"),
  malformedMfaTokenOnChallenge: entry(401, "invalid_grant", "Malformed mfa_token"),
  expiredMfaToken: entry(403, "expired_token", "mfa_token is expired"),
  notIssuedToClient: entry(400, "invalid_request", "mfa_token not issued to this client"),
  // Guessed: Auth0's text for a missing header is unknown; the code matches its other bearer errors.
  bearerRequired: entry(401, "invalid_grant", "Authorization header with a Bearer token is required."),
  invalidBearer: entry(401, "invalid_grant", "The mfa_token provided is invalid. Try getting a new token."),
  insufficientScope: (scope: string) =>
    entry(403, "access_denied", `Insufficient scope, expected any of: ${scope}`),

  // --- /oauth/token (operations/token.ts) -------------------------------------------------------
  unsupportedGrantType: (grant: string) =>
    entry(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`),
  wrongPassword: entry(403, "invalid_grant", "Wrong email or password."),
  /** Carries `mfa_token` (and `mfa_requirements`): name it with `failWith`. */
  mfaRequired: entry(403, "mfa_required", "Multifactor authentication required"),
  malformedOobCode: entry("invalidGrantStatus", "invalid_grant", "Malformed oob_code"),
  expiredOobCode: entry(403, "expired_token", "oob_code is expired"),

  // --- the login surface: /authorize, the code and refresh grants (login/, operations/code-grants.ts)
  invalidAuthorizationCode: entry(403, "invalid_grant", "Invalid authorization code"),
  codeVerifierFailed: entry(403, "invalid_grant", "Failed to verify code verifier"),
  /** Guessed text (docs/behaviour.md#code-grant). */
  redirectUriMismatch: entry(403, "invalid_grant", "Invalid redirect_uri"),
  invalidRefreshToken: entry(403, "invalid_grant", "Unknown or invalid refresh token."),
  unknownClient: (id: string) => entry(400, "invalid_request", `Unknown client: ${id}`),
  callbackMismatch: (uri: string) =>
    entry(
      400,
      "invalid_request",
      `Callback URL mismatch. ${uri} is not in the list of allowed callback URLs`,
    ),
  returnToMismatch: (uri: string) =>
    entry(
      400,
      "invalid_request",
      `The "returnTo" querystring parameter "${uri}" is not defined as a valid URL in "Allowed Logout URLs".`,
    ),
  unsupportedResponseType: (type: string) =>
    entry(400, "unsupported_response_type", `Unsupported response type: ${type}`),
  unsupportedResponseMode: (mode: string) =>
    entry(400, "invalid_request", `Unsupported response_mode: ${mode}`),
  pkceRequired: entry(400, "invalid_request", "Parameter 'code_challenge' is required"),
  pkceMethod: (method: string) =>
    entry(400, "invalid_request", `Unsupported code_challenge_method: ${method} (use S256)`),
  loginRequired: entry(400, "login_required", "Login required"),
  mfaLoginRequired: entry(400, "login_required", "Multifactor authentication required"),
  loginExpired: entry(
    400,
    "invalid_request",
    "The login transaction expired or is unknown. Start again at /authorize.",
  ),
  oobMismatch: entry(400, "invalid_request", "The oob_code doesn't match the mfa_token"),
  bindingRequired: entry(400, "invalid_request", "binding_code is required"),
  invalidBinding: entry("invalidGrantStatus", "invalid_grant", "Invalid binding_code."),
  invalidOtp: entry("invalidGrantStatus", "invalid_grant", "Invalid otp_code."),
  /** A wrong recovery code (and a rejected push under the `push-rejection-invalid-grant` deviation). */
  rejected: entry("invalidGrantStatus", "invalid_grant", "MFA Authorization rejected."),
  pushRejected: entry(400, "access_denied", "MFA Authorization rejected."),
  authorizationPending: entry(
    400,
    "authorization_pending",
    "Authorization pending: please repeat the request in a few seconds.",
  ),
  // Guessed from Auth0's device flow, whose slow_down says so.
  slowDown: entry(429, "slow_down", "You are polling faster than the specified interval of 5 seconds."),

  // --- per-user limits (limits/throttle.ts) -----------------------------------------------------
  tooManyFailed: entry(
    "lockoutStatus",
    "invalid_request",
    "Too many failed codes. Wait for some minutes before retrying.",
  ),
  tooManySms: entry(
    "lockoutStatus",
    "invalid_request",
    "Too many SMS sent by the user. Wait for some minutes before retrying.",
  ),
  // Guessed by analogy with the SMS text: Auth0's texts for these two are not known.
  tooManyEmails: entry(
    "lockoutStatus",
    "invalid_request",
    "Too many emails sent by the user. Wait for some minutes before retrying.",
  ),
  tooManyPushes: entry(
    "lockoutStatus",
    "invalid_request",
    "Too many push notifications sent by the user. Wait for some minutes before retrying.",
  ),

  // --- /mfa/challenge (operations/challenge.ts) -------------------------------------------------
  invalidChallengeType: (type: string) =>
    entry(400, "invalid_request", `Invalid challenge_type: ${type}. Accepted values: oob, otp.`),
  factorNotEnabled: entry(400, "unsupported_challenge_type", "Requested factor type is not enabled"),
  notEnrolled: entry(
    400,
    "association_required",
    "User is not enrolled. You can use /mfa/associate endpoint to enroll the first authenticator.",
  ),
  unsupportedChallengeType: (requested: readonly string[], supported: string) =>
    entry(
      401,
      "unsupported_challenge_type",
      `The user does not support the requested challenge type (${requested.join(" ")}). Supported type: ${supported}.`,
    ),
  invalidAuthenticatorId: (id: string) => entry(400, "invalid_request", `Invalid authenticator_id: ${id}`),
  /** Only under the `foreign-authenticator-reveals-existence` deviation. */
  foreignAuthenticator: (id: string) =>
    entry(403, "access_denied", `Authenticator ${id} belongs to another user.`),

  // --- /mfa/associate (operations/associate.ts) -------------------------------------------------
  authenticatorTypesRequired: entry(400, "invalid_request", "authenticator_types must be a non-empty array."),
  oobChannelsRequired: entry(400, "invalid_request", "oob_channels must be a non-empty array."),
  invalidPhone: entry(400, "invalid_request", "The phone number is invalid."),
  invalidEmail: entry(400, "invalid_request", "The email is invalid."),
  alreadyEnrolled: entry(403, "access_denied", "User is already enrolled."),

  // --- /mfa/authenticators (operations/authenticators.ts) ---------------------------------------
  // The status is a guess (docs/behaviour.md#removal).
  deleteNeedsAccessToken: entry(
    403,
    "access_denied",
    "Deleting an authenticator requires an access token for the MFA API with the remove:authenticators scope.",
  ),
  malformedAuthenticatorId: (id: string) =>
    entry(400, "invalid_request", `The authenticator_id "${id}" is invalid.`),
  authenticatorNotFound: entry(404, "not_found", "Authenticator not found."),

  // --- the control API (control/api.ts) ---------------------------------------------------------
  /** `routes`: every control route, so a wrong path is not a dead end. */
  unknownControlPath: (path: string, routes: string) =>
    entry(404, "not_found", `Unknown control path ${path}; the control routes: ${routes}.`),
  invalidConfig: (message: string) => entry(400, "invalid_config", message),
  /** A control field that must be a bounded non-empty string. */
  invalidString: (name: string, max: number) =>
    entry(400, "invalid_request", `${name} must be a non-empty string of at most ${max} characters.`),
  /** A control query or field the mock cannot read; `message` names the field and what it takes. */
  invalidControlInput: (message: string) => entry(400, "invalid_request", message),
  userExists: entry(409, "user_exists", "The user already exists."),
  invalidAdvance: entry(
    400,
    "invalid_request",
    "advance_seconds must be a number of seconds from 0 to 315360000.",
  ),
  noPrivateKey: entry(
    404,
    "not_found",
    "private_key_jwt_public_key is configured: sign the client_assertion with its private key.",
  ),

  // --- who may reach the mock (http/guards.ts; docs/behaviour.md#exposure) ----------------------
  /** Plain HTTP sent to the TLS port (http/front.ts, nginx's 497 idea): where to go instead. */
  plainHttpOnTlsPort: (port: number) =>
    entry(
      400,
      "invalid_request",
      `This port speaks HTTPS: plain HTTP was sent to it; use https://localhost:${port}/ instead.`,
    ),
  /** The Host names no name the mock serves (DNS rebinding); `host` is quoted bounded (guards.ts). */
  hostNotAllowed: (host: string) =>
    entry(
      403,
      "access_denied",
      `Host "${host}" is not allowed. The mock answers loopback names and addresses, IP addresses, its domain and issuer, and the names of --allowed-hosts (MOCK_ALLOWED_HOSTS, allowedHosts): add the name there to reach the mock by it.`,
    ),
  controlTokenMissing: entry(
    401,
    "unauthorized",
    "The control API needs Authorization: Bearer <control token> (the token the mock was started with: --control-token, MOCK_CONTROL_TOKEN or controlToken).",
  ),
  controlTokenWrong: entry(401, "unauthorized", "The control token is wrong."),
  /** A control write (POST, PUT, DELETE under /__mock) without `application/json`. */
  controlWriteNotJson: (type: string) =>
    entry(
      415,
      "invalid_request",
      `Unsupported content type: ${type || "(none)"}. Control writes take application/json only (a browser cannot send it cross-site without a preflight, which the control API refuses).`,
    ),
  privateKeyNeedsToken: entry(
    403,
    "access_denied",
    "The mock listens off loopback without a control token: the Private Key JWT private key is given only to a caller with one. Start the mock with --control-token (MOCK_CONTROL_TOKEN).",
  ),

  // --- the Guardian stand-in (control/guardian.ts) ----------------------------------------------
  enrollmentTxIdRequired: entry(
    400,
    "invalid_request",
    "enrollment_tx_id must be the non-empty string of a push barcode_uri.",
  ),
  noPushEnrollment: entry(404, "not_found", "No push enrollment waits with this enrollment_tx_id."),
  alreadyScanned: entry(409, "already_enrolled", "A device has already scanned this enrollment."),
  enrollmentDeleted: entry(404, "not_found", "The enrollment's authenticators were deleted."),
  userIdRequired: entry(
    400,
    "invalid_request",
    "user_id is required (GET /__mock/guardian/pending?user_id=…).",
  ),
  noSuchUser: entry(404, "not_found", "No such user."),
  pushOobCodeRequired: entry(
    400,
    "invalid_request",
    "oob_code must be the non-empty string of a push challenge.",
  ),
  approveRequired: entry(400, "invalid_request", "approve must be true or false."),
  noPendingPush: entry(404, "not_found", "No push waits with this oob_code."),
  pushAlreadyAnswered: entry(409, "already_answered", "This push was already answered."),
} as const;

/** The answer of a catalogue entry (`config` for an entry whose status is a configuration field). */
export function fail(entry: FixedError): Reply;
export function fail(entry: ErrorEntry, config: StatusSettings): Reply;
export function fail(entry: ErrorEntry, config?: StatusSettings): Reply {
  return { status: statusOf(entry, config), body: entry.body, json: entry.json };
}

/** A catalogue entry's answer with fields added to its body (e.g. `mfa_token` on `mfa_required`). */
export function failWith(entry: ErrorEntry, extra: Record<string, unknown>, config?: StatusSettings): Reply {
  return { status: statusOf(entry, config), body: { ...entry.body, ...extra } };
}

/** The status an entry answers with under a configuration. */
export function statusOf(entry: ErrorEntry, config?: StatusSettings): number {
  const status = entry.status;
  if (typeof status === "number") return status;
  if (config === undefined)
    throw new Error(`error entry "${entry.error}" needs the configuration for ${status}`);
  return config[status];
}

/** A successful JSON reply. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}
