/**
 * The user's profile claims for a scope, written once for the ID token (token.ts) and /userinfo
 * (userinfo.ts), so the two cannot disagree (docs/behaviour.md#userinfo). Auth0's "OpenID Connect
 * Scopes" page, after OpenID Connect Core §5.4: `openid` gives `sub`; `profile` the basic profile
 * (of which the mock's users have `name` and `nickname`); `email` gives `email` and `email_verified`.
 * The claims "are returned in an ID Token and are also available through the /userinfo endpoint".
 */
import type { User } from "../store/records.ts";

/** The scope's values, split on spaces (a missing or non-string scope has none). */
function scopeValues(scope: unknown): string[] {
  return typeof scope === "string" ? scope.split(" ").filter(Boolean) : [];
}

/** The claims of the user's profile that `scope` (space-separated) asks for; `{}` without `openid`. */
export function profileClaims(user: User, scope: unknown): Record<string, unknown> {
  const scopes = scopeValues(scope);
  if (!scopes.includes("openid")) return {};
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.includes("profile")) {
    claims.nickname = user.username;
    claims.name = user.name;
  }
  if (scopes.includes("email")) {
    claims.email = user.email;
    // The mock has no email verification; its users' addresses count as verified.
    claims.email_verified = true;
  }
  return claims;
}
