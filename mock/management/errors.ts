/**
 * The Management API's answers: its envelope `{statusCode, error, message, errorCode?}` (not the
 * Authentication API's `{error, error_description}` of reply.ts) and its headers.
 */
import type { Reply } from "../reply.ts";

const JSON_UTF8 = "application/json; charset=utf-8";
const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
};

/** A Management API answer (its own headers: the app adds only the rate-limit ones). */
export function json(status: number, body: unknown, contentType = JSON_UTF8): Reply {
  return { status, headers: { "content-type": contentType, "cache-control": "no-cache" }, body };
}

/** One Management API error answer: its status, `message` and `errorCode` (absent for some of Auth0's). */
export interface ManagementError {
  readonly status: number;
  readonly message: string;
  readonly errorCode?: string;
  /** The bearer refusals repeat their message under `attributes.error`, as Auth0's do. */
  readonly attributes?: true;
}

/**
 * The catalogue of the Management API subset's error answers, declared once as data (as
 * `errors` in reply.ts is for the Authentication API); parameterised answers are functions.
 */
export const managementErrors = {
  missingAuthentication: { status: 401, message: "Missing authentication" },
  invalidToken: { status: 401, message: "Invalid token", attributes: true },
  badAudience: (aud: string): ManagementError => ({
    status: 401,
    message: `Bad audience: ${aud}`,
    attributes: true,
  }),
  insufficientScope: (scope: string): ManagementError => ({
    status: 403,
    message: `Insufficient scope, expected any of: ${scope}`,
    errorCode: "insufficient_scope",
  }),
  malformedUri: { status: 400, message: "Path validation error: malformed URI", errorCode: "invalid_uri" },
  notFound: { status: 404, message: "Not Found" },
  inexistentUser: { status: 404, message: "The user does not exist.", errorCode: "inexistent_user" },
  inexistentMethod: {
    status: 404,
    message: "Authentication method not found.",
    errorCode: "inexistent_authentication_method",
  },
  invalidJson: { status: 400, message: "Invalid request payload JSON format", errorCode: "invalid_body" },
  invalidPayload: (detail: string): ManagementError => ({
    status: 400,
    message: `Payload validation error: ${detail}`,
    errorCode: "invalid_body",
  }),
  inexistentConnection: {
    status: 400,
    message: "The connection does not exist.",
    errorCode: "inexistent_connection",
  },
  weakPassword: {
    status: 400,
    message: "PasswordStrengthError: Password is too weak",
    errorCode: "invalid_password",
  },
  userExists: { status: 409, message: "The user already exists.", errorCode: "auth0_idp_error" },
  full: (message: string): ManagementError => ({ status: 429, message, errorCode: "too_many_requests" }),
  // The Actions API's refusals (management/actions.ts): guesses for the texts, docs/behaviour.md#post-login-actions.
  inexistentAction: { status: 404, message: "The action does not exist.", errorCode: "inexistent_action" },
  actionNameTaken: (name: string): ManagementError => ({
    status: 409,
    message: `An action with the name "${name}" already exists.`,
    errorCode: "action_conflict",
  }),
  actionBound: (triggers: string): ManagementError => ({
    status: 400,
    message: `The action is bound to ${triggers}: unbind it first, or delete it with force=true.`,
    errorCode: "action_bound",
  }),
  actionNotDeployed: (name: string): ManagementError => ({
    status: 400,
    message: `The action "${name}" has no deployed version to bind.`,
    errorCode: "action_not_deployed",
  }),
  triggerNotSupported: (trigger: string): ManagementError => ({
    status: 400,
    message: `The action does not support the trigger ${trigger}.`,
    errorCode: "invalid_trigger",
  }),
  // docs/behaviour.md#exposure: the Actions' switch of the configuration where it needs the control
  // token (the mock's own rule, no Auth0 answer; the errorCode is one Auth0 uses for a refused operation).
  configurationGuarded: (why: string): ManagementError => ({
    status: 403,
    message:
      `This would switch MFA on refresh (mfa_on_refresh, mfa_on_refresh_audiences), and ${why}. ` +
      "Actions that switch nothing are bound, deployed and deleted as before.",
    errorCode: "operation_not_supported",
  }),
} as const satisfies Record<string, ManagementError | ((arg: string) => ManagementError)>;

/** A Management API error answer: `{statusCode, error, message, errorCode?}` (plus `attributes` for a bearer refusal). */
export function mgmtError(e: ManagementError): Reply {
  return json(e.status, {
    statusCode: e.status,
    error: REASON[e.status] ?? "Error",
    message: e.message,
    ...(e.errorCode ? { errorCode: e.errorCode } : {}),
    ...(e.attributes ? { attributes: { error: e.message } } : {}),
  });
}

/** The 204 of a delete. */
export const noContent = (): Reply => ({
  status: 204,
  headers: { "cache-control": "no-cache" },
  body: undefined,
});

/** The 404 of an unknown user (read, list, delete of its methods). */
export const inexistentUser = (): Reply => mgmtError(managementErrors.inexistentUser);
