/**
 * Whether MFA on refresh applies to a request (docs/behaviour.md#mfa-on-refresh): the tenant's
 * post-login Action that calls `api.multifactor.enable()` on `oauth2-refresh-token`, optionally
 * narrowed to some audiences (the Action reads `event.resource_server.identifier`) and some scopes
 * (`event.transaction.requested_scopes`), the step-up pattern. A rule of the configuration alone, so
 * the refresh grant (operations/) and silent authentication (login/) share it from below both.
 */
import type { MockConfig } from "./schema.ts";

/** The fields the rule reads. */
export type MfaOnRefreshRule = Pick<
  MockConfig,
  "mfaOnRefresh" | "mfaOnRefreshAudiences" | "mfaOnRefreshScopes"
>;

/**
 * True when a request for `audience` and `scope` (space-separated) must have done MFA: MFA on
 * refresh is on, the audience is one of the narrowing audiences (when there are any; a request for
 * no audience then is not) and the scope holds one of the narrowing scopes (when there are any).
 * Both narrowings given, both must match.
 */
export function mfaOnRefreshApplies(
  rule: MfaOnRefreshRule,
  audience: string | undefined,
  scope: string,
): boolean {
  if (!rule.mfaOnRefresh) return false;
  const audiences = rule.mfaOnRefreshAudiences;
  if (audiences.length > 0 && (audience === undefined || !audiences.includes(audience))) return false;
  const scopes = rule.mfaOnRefreshScopes;
  if (scopes.length > 0 && !scope.split(" ").some((s) => scopes.includes(s))) return false;
  return true;
}
