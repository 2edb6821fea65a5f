/**
 * GET and POST /userinfo (docs/behaviour.md#userinfo): the profile of the user an access token was
 * issued to, for a token this mock signed whose audience includes `<issuer>userinfo`. The claims
 * follow the token's scope, by the one rule the ID token is built with too (profile-claims.ts);
 * without `openid` the answer is `{}`.
 *
 * A refusal is not Auth0's JSON envelope: /userinfo answers 401 with the text "Unauthorized" and says
 * why in a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3), as Auth0's does. Those answers are
 * declared here, once, as data (`userInfoRefusals`), as the Management API's own envelope is in
 * management/errors.ts.
 */
import { ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { profileClaims } from "./profile-claims.ts";

/** What one refusal's challenge says: no error for a request without a token (RFC 6750 §3.1). */
export interface UserInfoRefusal {
  readonly error?: string;
  readonly description?: string;
}

/** Every refusal of /userinfo. The texts: docs/behaviour.md#userinfo (the expired one recorded, the others guessed). */
export const userInfoRefusals = {
  /** No `Authorization: Bearer <token>`: the challenge names the realm only. */
  tokenRequired: {},
  /** Not a token this mock signed, signed for another issuer, its user gone, or an audience without /userinfo. */
  invalidToken: { error: "invalid_token", description: "Invalid token" },
  /** Past its `exp`. */
  expiredToken: { error: "invalid_token", description: "The token has expired" },
} as const satisfies Record<string, UserInfoRefusal>;

/** The realm of Auth0's challenge, as recorded. */
const REALM = "Users";
/** The body of every refusal: what Auth0 answers, plain text. */
export const UNAUTHORIZED = "Unauthorized";

/** The `WWW-Authenticate` value of a refusal. */
export function challengeOf(refusal: UserInfoRefusal): string {
  const parts = [`Bearer realm="${REALM}"`];
  if (refusal.error !== undefined) parts.push(`error="${refusal.error}"`);
  if (refusal.description !== undefined) parts.push(`error_description="${refusal.description}"`);
  return parts.join(", ");
}

/** The 401 of a refusal: the challenge, and "Unauthorized" as text. */
function refused(refusal: UserInfoRefusal): Reply {
  return {
    status: 401,
    body: UNAUTHORIZED,
    text: UNAUTHORIZED,
    headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": challengeOf(refusal) },
  };
}

/** True when a token's `aud` (a string or a list) includes `wanted`. */
function audienceIncludes(aud: unknown, wanted: string): boolean {
  return aud === wanted || (Array.isArray(aud) && aud.includes(wanted));
}

/** Answers /userinfo for the `Authorization` header at `now`. */
export function userInfo(rt: Runtime, authorization: string | undefined, now: number): Reply {
  const bearer = authorization === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer === null) return refused(userInfoRefusals.tokenRequired);
  const token = bearer[1] as string;
  let claims = rt.signer.verify(token, now);
  if (claims === null) {
    // Verified as if at the epoch, a token that passes failed its expiry only.
    const unexpired = rt.signer.verify(token, 0);
    if (unexpired === null) return refused(userInfoRefusals.invalidToken);
    if (!rt.deviates("userinfo-expired-token-accepted")) return refused(userInfoRefusals.expiredToken);
    claims = unexpired;
  }
  const issuer = rt.config.issuer;
  const audience = `${issuer.endsWith("/") ? issuer : `${issuer}/`}userinfo`;
  const user = typeof claims.sub === "string" ? rt.state.users.get(claims.sub) : undefined;
  if (user === undefined || !audienceIncludes(claims.aud, audience)) {
    return refused(userInfoRefusals.invalidToken);
  }
  return ok(profileClaims(user, claims.scope));
}
