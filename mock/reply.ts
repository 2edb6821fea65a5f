/**
 * What a route handler answers, before the app adds the headers every response carries
 * (content type, rate-limit headers, CORS). Errors use Auth0's envelope
 * `{"error": "<code>", "error_description": "<text>"}`.
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
   * `body` already serialised (exactly `JSON.stringify(body)`), for a hot answer whose text is cheaper
   * to write out than to stringify; sent as long as the body is the one the handler answered.
   */
  json?: string;
}

/** An Auth0-shaped error reply; `extra` adds fields such as `mfa_token`. */
export function fail(
  status: number,
  error: string,
  description: string,
  extra?: Record<string, unknown>,
): Reply {
  return {
    status,
    body: extra
      ? { error, error_description: description, ...extra }
      : { error, error_description: description },
  };
}

/** A successful JSON reply. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/**
 * The error answers whose text comes from Auth0's sources (docs/behaviour.md#failure-answers),
 * in one place so that a status guessed wrong is corrected once. Statuses the description marks
 * [U] are guesses.
 */
export const messages = {
  invalidBearer: "The mfa_token provided is invalid. Try getting a new token.",
  malformedMfaToken: "Malformed mfa_token",
  expiredMfaToken: "mfa_token is expired",
  malformedOobCode: "Malformed oob_code",
  expiredOobCode: "oob_code is expired",
  oobMismatch: "The oob_code doesn't match the mfa_token",
  bindingRequired: "binding_code is required",
  invalidBinding: "Invalid binding_code.",
  invalidOtp: "Invalid otp_code.",
  rejected: "MFA Authorization rejected.",
  alreadyEnrolled: "User is already enrolled.",
  invalidPhone: "The phone number is invalid.",
  tooManyFailed: "Too many failed codes. Wait for some minutes before retrying.",
  tooManySms: "Too many SMS sent by the user. Wait for some minutes before retrying.",
  // Guessed by analogy with the SMS text: Auth0's texts for these two are not known.
  tooManyEmails: "Too many emails sent by the user. Wait for some minutes before retrying.",
  tooManyPushes: "Too many push notifications sent by the user. Wait for some minutes before retrying.",
  authorizationPending: "Authorization pending: please repeat the request in a few seconds.",
  // Guessed from Auth0's device flow, whose slow_down says so.
  slowDown: "You are polling faster than the specified interval of 5 seconds.",
  invalidEmail: "The email is invalid.",
  wrongPassword: "Wrong email or password.",
  mfaRequired: "Multifactor authentication required",
  clientAuth: "Client authentication failed.",
  notIssuedToClient: "mfa_token not issued to this client",
  notEnrolled: "User is not enrolled. You can use /mfa/associate endpoint to enroll the first authenticator.",
  factorNotEnabled: "Requested factor type is not enabled",
} as const;

/** `invalid_request` "Missing required parameter: <name>", Auth0's wording for an absent field. */
export function missing(name: string): Reply {
  return fail(400, "invalid_request", `Missing required parameter: ${name}`);
}
