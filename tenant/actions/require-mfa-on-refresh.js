/**
 * Auth0 Action for the Post Login trigger: requires MFA when a refresh token is exchanged, unless the
 * session has done MFA already (the step-up pattern; docs/behaviour.md#mfa-on-refresh). With it, a
 * tenant answers the refresh_token grant with 403 mfa_required and an mfa_token, as the mock does with
 * --mfa-on-refresh. Optional secret MFA_ON_REFRESH_AUDIENCES (comma-separated): only refreshes for
 * these audiences require it. Deploy it only on test tenants.
 */

/** True when the login's session already passed an MFA factor. */
function didMfa(event) {
  const methods = event?.authentication?.methods ?? [];
  return methods.some((m) => m?.name === "mfa");
}

/** True when this refresh asks for an audience the secret narrows to (every audience without it). */
function inScope(event) {
  const list = String(event?.secrets?.MFA_ON_REFRESH_AUDIENCES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return true;
  return list.includes(event?.resource_server?.identifier ?? "");
}

/** @param {Event} event @param {PostLoginAPI} api */
exports.onExecutePostLogin = async (event, api) => {
  if (event?.transaction?.protocol !== "oauth2-refresh-token") return;
  if (didMfa(event) || !inScope(event)) return;
  api.multifactor.enable("any", { allowRememberBrowser: false });
};
