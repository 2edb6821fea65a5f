/**
 * POST /oauth/token: the password grants that end in `mfa_required`, and the MFA grants that confirm
 * an enrollment or complete a challenge (mfa-oob with a code, or polled for a push; mfa-otp with a
 * TOTP code), or use a recovery code (docs/behaviour.md#token-grants, #otp, #push).
 */

import { GRANT } from "../../openapi/grant-types.ts";
import type { FactorModule, MfaGrant, Verified } from "../factors/factor.ts";
import { grantRedeemer, oobRedeemer } from "../factors/index.ts";
import { type Fields, str } from "../http/body.ts";
import { takeOobExchange } from "../limits/throttle.ts";
import { errors, fail, failWith, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { Client, MfaTokenRecord, OobTransaction, User } from "../store/records.ts";
import { authenticateClient, bodyMfaToken } from "./auth.ts";
import {
  authorizationCodeGrant,
  completeRefreshMfa,
  type Granted,
  passwordLoginRefreshToken,
  refreshTokenGrant,
} from "./code-grants.ts";
import { mfaRequirements } from "./mfa-requirements.ts";
import { profileClaims } from "./profile-claims.ts";

const DEFAULT_SCOPE = "openid profile";
const ID_TOKEN_TTL_SECONDS = 36_000;

/** Answers a POST /oauth/token; `now` is the request's time (read once per request). */
export function tokenEndpoint(
  rt: Runtime,
  fields: Fields,
  authorization: string | undefined,
  now = rt.clock.now(),
): Reply {
  const grant = str(fields, "grant_type");
  if (grant === undefined) return fail(errors.missingParameter("grant_type"));
  const client = authenticateClient(rt, fields, authorization);
  if ("status" in client) return client;
  switch (grant) {
    case GRANT.password:
    case GRANT.passwordRealm:
      return passwordGrant(rt, fields, client.clientId, grant === GRANT.passwordRealm);
    case GRANT.mfaOob:
      return mfaOob(rt, fields, client, now);
    case GRANT.mfaRecoveryCode:
      return mfaGrant(rt, fields, client, "mfa-recovery-code", false, now);
    case GRANT.mfaOtp:
      return mfaGrant(rt, fields, client, "mfa-otp", true, now);
    case GRANT.authorizationCode:
      return issued(rt, authorizationCodeGrant(rt, fields, client, now));
    case GRANT.refreshToken:
      return issued(rt, refreshTokenGrant(rt, fields, client, now));
    default:
      return fail(errors.unsupportedGrantType(grant));
  }
}

/** The token answer of a login-surface grant that granted (code-grants.ts decides). */
function issued(rt: Runtime, granted: Granted | Reply): Reply {
  if ("status" in granted) return granted;
  return tokens(rt, granted.grant, granted.user, {
    nonce: granted.nonce,
    refreshToken: granted.refreshToken,
    mfa: granted.mfa,
  });
}

function passwordGrant(rt: Runtime, fields: Fields, clientId: string, realmGrant: boolean): Reply {
  const username = str(fields, "username");
  if (username === undefined) return fail(errors.missingParameter("username"));
  const password = str(fields, "password");
  if (password === undefined) return fail(errors.missingParameter("password"));
  if (realmGrant) {
    const realm = str(fields, "realm");
    if (realm === undefined) return fail(errors.missingParameter("realm"));
    if (realm !== rt.config.connection) return fail(errors.wrongPassword);
  }
  const user = rt.state.findLogin(username);
  if (!user || user.password !== password) return fail(errors.wrongPassword);
  const c = rt.config;
  const record = rt.state.issueMfaToken(
    user,
    clientId,
    str(fields, "audience") ?? (c.audience === "" ? undefined : c.audience),
    str(fields, "scope") ?? DEFAULT_SCOPE,
    rt.clock.now(),
    c.mfaTokenTtlSeconds * 1000,
  );
  const extra: Record<string, unknown> = { mfa_token: record.token };
  if (c.mfaRequirements) extra.mfa_requirements = mfaRequirements(rt, user);
  const status = rt.deviates("wrong-mfa-required-status") ? 401 : 403;
  return { ...failWith(errors.mfaRequired, extra), status };
}

function mfaOob(rt: Runtime, fields: Fields, client: Client, now: number): Reply {
  const caller = bodyMfaToken(rt, fields, client, rt.config.invalidGrantStatus, true, now);
  if ("status" in caller) return caller;
  const { record, user } = caller;
  const throttled = takeOobExchange(rt, record.token);
  if (throttled) return throttled;
  const oobCode = str(fields, "oob_code");
  if (oobCode === undefined) return fail(errors.missingParameter("oob_code"));
  const tx = rt.state.oobTransaction(oobCode);
  if (!tx) return fail(errors.malformedOobCode, rt.config);
  if (tx.mfaToken !== record.token) return fail(errors.oobMismatch);
  if (tx.expiresAt <= now && !rt.deviates("oob-code-never-expires")) {
    return fail(errors.expiredOobCode);
  }
  const m = oobRedeemer(tx.channel);
  if (m === undefined) return fail(errors.malformedOobCode, rt.config);
  return redeem(rt, fields, m, record, user, now, tx);
}

/**
 * A grant redeemed by one factor (mfa-otp, mfa-recovery-code). `session`: an MFA API access token
 * that enrolled may redeem too (its own pending OTP).
 */
function mfaGrant(
  rt: Runtime,
  fields: Fields,
  client: Client,
  grant: MfaGrant,
  session: boolean,
  now: number,
): Reply {
  const caller = bodyMfaToken(rt, fields, client, rt.config.invalidGrantStatus, session, now);
  if ("status" in caller) return caller;
  const m = grantRedeemer(grant);
  if (m === undefined) return fail(errors.unsupportedGrantType(grant));
  return redeem(rt, fields, m, caller.record, caller.user, now, undefined);
}

/** Hands the proof to the factor; redeemed, the token answer (with the factor's extra fields after it). */
function redeem(
  rt: Runtime,
  fields: Fields,
  m: FactorModule,
  record: MfaTokenRecord,
  user: User,
  now: number,
  tx: OobTransaction | undefined,
): Reply {
  const verify = m.verify;
  if (verify === undefined) return fail(errors.malformedOobCode, rt.config);
  const proof = verify.proof === undefined ? undefined : str(fields, verify.proof);
  const verified: Verified = verify.redeem(rt, { user, record, now, proof, tx });
  if (!("granted" in verified)) return verified;
  // A refresh refused with mfa_required is answered now, with the family's rotated refresh token; a
  // password grant that asked offline_access, with the first token of a new family.
  const refreshToken =
    completeRefreshMfa(rt, record.refreshFamily) ?? passwordLoginRefreshToken(rt, record, user);
  const reply = tokens(rt, record, user, { refreshToken });
  if (verified.extra !== undefined) Object.assign(reply.body as Record<string, unknown>, verified.extra);
  return reply;
}

/** A token of an answer, to be signed: the body's field it goes in, and its signing input. */
export interface UnsignedToken {
  field: "access_token" | "id_token";
  input: string;
}

/**
 * A token answer whose tokens are not signed yet: the fields hold "" until the app signs them (on
 * this thread, or on the signing pool when it serves HTTP). Every state change of the grant is done
 * by then, so awaiting the signatures cannot let a second request redeem the same code.
 */
interface TokenReply extends Reply {
  unsigned: UnsignedToken[];
}

/** The tokens a reply still has to sign; undefined for every other reply. */
export function unsignedTokens(reply: Reply): UnsignedToken[] | undefined {
  return (reply as Partial<TokenReply>).unsigned;
}

/** Puts the signed tokens into the reply's body (`signatures` in the order of `unsigned`). */
export function signTokens(reply: Reply, unsigned: UnsignedToken[], signatures: string[]): void {
  const body = reply.body as Record<string, unknown>;
  for (const [i, token] of unsigned.entries()) body[token.field] = `${token.input}.${signatures[i]}`;
}

/** What a token answer adds besides the grant: the ID token's nonce, a refresh token, whether MFA was done. */
export interface TokenExtras {
  nonce?: string | undefined;
  refreshToken?: string | undefined;
  /** `amr: ["mfa"]` in the tokens; true unless said otherwise (the MFA grants). */
  mfa?: boolean;
}

/**
 * The token response (docs/behaviour.md#issued-tokens): RS256 access token, id token when `openid` was asked
 * for, with the profile claims of the scope (docs/behaviour.md#userinfo); the tokens are signed by the
 * caller (see TokenReply).
 */
export function tokens(
  rt: Runtime,
  record: Pick<MfaTokenRecord, "clientId" | "audience" | "scope">,
  user: User,
  extras: TokenExtras = {},
): Reply {
  const c = rt.config;
  const now = rt.clock.now();
  const scope = record.scope;
  const openid = scope.split(" ").includes("openid");
  const mfaApi = record.audience !== undefined && rt.mfaAudiences.has(record.audience);
  const expiresIn = mfaApi ? c.mfaAccessTokenTtlSeconds : c.accessTokenTtlSeconds;
  const amr = extras.mfa === false ? {} : { amr: ["mfa"] };
  const userinfo = `${c.issuer.endsWith("/") ? c.issuer : `${c.issuer}/`}userinfo`;
  const aud =
    record.audience === undefined
      ? userinfo
      : openid && !mfaApi
        ? [record.audience, userinfo]
        : record.audience;
  const unsigned: UnsignedToken[] = [
    {
      field: "access_token",
      input: rt.signer.signingInput(
        { sub: user.id, aud, azp: record.clientId, scope, ...amr },
        expiresIn,
        now,
      ),
    },
  ];
  // The fields in the order the answer has always had; "" until signed.
  const body: Record<string, unknown> = { access_token: "" };
  if (openid) {
    body.id_token = "";
    unsigned.push({
      field: "id_token",
      input: rt.signer.signingInput(
        {
          // The scope's profile claims, the very ones /userinfo answers for it (profile-claims.ts).
          ...profileClaims(user, scope),
          aud: record.clientId,
          ...amr,
          ...(extras.nonce === undefined ? {} : { nonce: extras.nonce }),
        },
        ID_TOKEN_TTL_SECONDS,
        now,
      ),
    });
  }
  if (extras.refreshToken !== undefined) body.refresh_token = extras.refreshToken;
  body.scope = scope;
  body.expires_in = expiresIn;
  body.token_type = "Bearer";
  const reply: TokenReply = { ...ok(body), unsigned };
  return reply;
}
