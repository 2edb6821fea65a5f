/**
 * The assumption the `@step-up` rows of login.spec.ts rest on (docs/behaviour.md#mfa-on-refresh):
 * a refresh family begun by the password grant, its login completed with MFA, still answers its first
 * refresh with 403 `mfa_required` once a post-login Action requires MFA on refresh. The shipped
 * Action (tenant/actions/require-mfa-on-refresh.js) returns early when `event.authentication.methods`
 * lists `mfa`; the mock plays it as if that list does not hold the password grant's MFA on a refresh.
 * No tenant answer confirms it, so a tenant that differs must fail these rows with that reason, not
 * with a bare status mismatch.
 */

/** Where the assumption is written down, for a failure message to point at. */
export const ASSUMPTION_DOC = "docs/behaviour.md#mfa-on-refresh";

/**
 * Why the first refresh of a family whose login did MFA answered tokens instead of 403 mfa_required
 * (what the rows then meet on a tenant); undefined for any other status, which the caller's own
 * expectation reports.
 */
export function firstRefreshAnsweredTokens(status: number): string | undefined {
  if (status < 200 || status > 299) return undefined;
  return (
    `the first refresh of a family whose login did MFA (password grant + OTP) answered tokens (${status}), ` +
    "not 403 mfa_required: the post-login Action that requires MFA on refresh returns early when " +
    "event.authentication.methods lists mfa, so on this target the Action saw the login's MFA on the refresh. " +
    `The mock plays the Action as if it does not (${ASSUMPTION_DOC}, unverified on a tenant): ` +
    "that assumption does not hold here, and these rows cannot reach the step-up contract with a " +
    "password-grant refresh token on this target"
  );
}
