/**
 * The login surface's grants of POST /oauth/token: `authorization_code` (a code from /authorize,
 * single use, short-lived, PKCE verified, redirect_uri matched; docs/behaviour.md#code-grant) and
 * `refresh_token` (rotation with reuse detection that revokes the family, or one reusable token;
 * docs/behaviour.md#refresh-tokens), and MFA on refresh (docs/behaviour.md#mfa-on-refresh): a
 * refresh answers `mfa_required` until MFA is done in the token's family, as a post-login Action
 * that calls `api.multifactor.enable()` on `oauth2-refresh-token` does.
 *
 * These functions decide; token.ts issues the tokens (so this module needs nothing of it).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { mfaOnRefreshApplies } from "../config/config.ts";
import { type Fields, str } from "../http/body.ts";
import { errors, fail, failWith, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { RefreshFamily } from "../store/login.ts";
import type { Client, MfaTokenRecord, User } from "../store/records.ts";
import { mfaRequirements } from "./mfa-requirements.ts";

/** What the grant grants: token.ts makes the token answer from it. */
export interface Granted {
  user: User;
  grant: { clientId: string; audience: string | undefined; scope: string };
  nonce: string | undefined;
  /** The refresh token to answer (a new family, a rotated one, the same one), or none. */
  refreshToken: string | undefined;
  /** The tokens carry `amr: ["mfa"]` only when MFA was done. */
  mfa: boolean;
}

/** True when the scope asks for a refresh token. */
function offline(scope: string): boolean {
  return scope.split(" ").includes("offline_access");
}

/** BASE64URL(SHA256(verifier)) equals the challenge (RFC 7636 §4.6), compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** `grant_type=authorization_code`: the code, its client, its redirect_uri and its PKCE verifier. */
export function authorizationCodeGrant(
  rt: Runtime,
  fields: Fields,
  client: Client,
  now: number,
): Granted | Reply {
  const code = str(fields, "code");
  if (code === undefined) return fail(errors.missingParameter("code"));
  const store = rt.state.login;
  const record = store.codes.get(code);
  if (record === undefined || record.clientId !== client.clientId)
    return fail(errors.invalidAuthorizationCode);
  if (record.used && !rt.deviates("code-reusable")) return fail(errors.invalidAuthorizationCode);
  if (record.expiresAt <= now) return fail(errors.invalidAuthorizationCode);
  // RFC 6749 §4.1.3: the redirect_uri of the authorization request, identical.
  if (str(fields, "redirect_uri") !== record.redirectUri) return fail(errors.redirectUriMismatch);
  if (record.codeChallenge !== undefined && !rt.deviates("pkce-not-checked")) {
    const verifier = str(fields, "code_verifier");
    if (verifier === undefined) return fail(errors.missingParameter("code_verifier"));
    if (!pkceMatches(verifier, record.codeChallenge)) return fail(errors.codeVerifierFailed);
  }
  record.used = true;
  const user = rt.state.users.get(record.userId);
  if (user === undefined) return fail(errors.invalidAuthorizationCode);
  const grant = { clientId: client.clientId, audience: record.audience, scope: record.scope };
  const refreshToken = offline(record.scope)
    ? store.startFamily({ ...grant, userId: user.id, sessionId: record.sessionId })
    : undefined;
  return { user, grant, nonce: record.nonce, refreshToken, mfa: false };
}

/**
 * `grant_type=refresh_token`. A token rotated away (or consumed by a refused refresh) revokes its
 * family; with MFA on refresh, a family without MFA answers `mfa_required` and the token is consumed.
 */
export function refreshTokenGrant(rt: Runtime, fields: Fields, client: Client, now: number): Granted | Reply {
  const token = str(fields, "refresh_token");
  if (token === undefined) return fail(errors.missingParameter("refresh_token"));
  const store = rt.state.login;
  const family = store.familyOf(token);
  if (family === undefined || family.clientId !== client.clientId || family.revoked) {
    return fail(errors.invalidRefreshToken);
  }
  const user = rt.state.users.get(family.userId);
  if (user === undefined) return fail(errors.invalidRefreshToken);
  const rotating = rt.config.refreshTokenRotation;
  if (rotating && family.current !== token && !rt.deviates("refresh-reuse-not-detected")) {
    // Reuse detection: a rotated-away token used again revokes every token of the family.
    family.revoked = true;
    family.current = undefined;
    return fail(errors.invalidRefreshToken);
  }
  const audience = str(fields, "audience") ?? family.audience;
  const scope = narrowed(str(fields, "scope"), family.scope);
  // Step-up: the Action may narrow MFA to some audiences and scopes (config/mfa-on-refresh.ts).
  if (!family.mfaDone && mfaOnRefreshApplies(rt.config, audience, scope)) {
    // The refused exchange consumes the token: the completing MFA grant answers the next one.
    if (rotating) family.current = undefined;
    const record = rt.state.issueMfaToken(
      user,
      client.clientId,
      audience,
      scope,
      now,
      rt.config.mfaTokenTtlSeconds * 1000,
    );
    record.refreshFamily = family.id;
    const extra: Record<string, unknown> = rt.deviates("mfa-required-without-token")
      ? {}
      : { mfa_token: record.token };
    if (rt.config.mfaRequirements) extra.mfa_requirements = mfaRequirements(rt, user);
    return failWith(errors.mfaRequired, extra);
  }
  const refreshToken = rotating && !rt.deviates("refresh-not-rotated") ? store.rotate(family) : undefined;
  return {
    user,
    grant: { clientId: client.clientId, audience, scope },
    nonce: undefined,
    refreshToken,
    mfa: family.mfaDone || family.mfaAtLogin === true,
  };
}

/**
 * The scope of a refresh: what was asked, kept to the family's (a refresh cannot widen the grant,
 * RFC 6749 §6); the family's when none was asked.
 */
function narrowed(asked: string | undefined, granted: string): string {
  if (asked === undefined) return granted;
  const allowed = new Set(granted.split(" "));
  const kept = asked.split(" ").filter((s) => allowed.has(s));
  return kept.length > 0 ? kept.join(" ") : granted;
}

/**
 * After an MFA grant redeemed an mfa_token that a refresh was refused with: the family has done
 * MFA (and so has its session), and the answer carries the family's rotated refresh token.
 */
export function completeRefreshMfa(rt: Runtime, familyId: string | undefined): string | undefined {
  if (familyId === undefined) return undefined;
  const store = rt.state.login;
  const family: RefreshFamily | undefined = store.families.get(familyId);
  if (family === undefined || family.revoked) return undefined;
  family.mfaDone = true;
  const session = family.sessionId === undefined ? undefined : store.sessions.get(family.sessionId);
  if (session !== undefined) session.mfaDone = true;
  // Without rotation the app keeps the token it has (a family's one token stays current).
  return rt.config.refreshTokenRotation && !rt.deviates("refresh-not-rotated")
    ? store.rotate(family)
    : undefined;
}

/**
 * After an MFA grant completed a password grant's mfa_token whose scope asked `offline_access`: the
 * first refresh token of a family of its own, with no browser session. The MFA of that login is in
 * the family's tokens (`amr`) but was not done in the family: with MFA on refresh, its first refresh
 * still answers mfa_required (docs/behaviour.md#mfa-on-refresh).
 */
export function passwordLoginRefreshToken(
  rt: Runtime,
  record: MfaTokenRecord,
  user: User,
): string | undefined {
  if (record.kind !== "mfa_token" || record.refreshFamily !== undefined || !offline(record.scope)) {
    return undefined;
  }
  return rt.state.login.startFamily({
    clientId: record.clientId,
    userId: user.id,
    sessionId: undefined,
    scope: record.scope,
    audience: record.audience,
    mfaAtLogin: true,
  });
}
