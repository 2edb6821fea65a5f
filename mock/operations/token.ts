/**
 * POST /oauth/token: the password grants that end in `mfa_required`, and the MFA grants that confirm
 * an enrollment or complete a challenge (mfa-oob with a code, or polled for a push; mfa-otp with a
 * TOTP code), or use a recovery code (docs/behaviour.md#token-grants, #otp, #push).
 */

import { matchTotp, totpStep } from "../factors/otp.ts";
import { type Fields, str } from "../http/body.ts";
import { lockedOut, recordFailure, slowDown, takeOobExchange } from "../limits/throttle.ts";
import { fail, messages, missing, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { type Client, confirm, type MfaTokenRecord, type OobTransaction, type User } from "../store/state.ts";
import { authenticateClient, bodyMfaToken } from "./auth.ts";

const GRANT = {
  password: "password",
  passwordRealm: "http://auth0.com/oauth/grant-type/password-realm",
  mfaOob: "http://auth0.com/oauth/grant-type/mfa-oob",
  mfaOtp: "http://auth0.com/oauth/grant-type/mfa-otp",
  mfaRecoveryCode: "http://auth0.com/oauth/grant-type/mfa-recovery-code",
} as const;

const DEFAULT_SCOPE = "openid profile";
/**
 * docs/behaviour.md#push: a push polled again sooner than this answers slow_down. Auth0 documents no
 * interval; its sample polls every 5 seconds, and the exchange limit (12 a minute) allows as much.
 */
export const PUSH_POLL_INTERVAL_MS = 5000;
const ID_TOKEN_TTL_SECONDS = 36_000;

/** Answers a POST /oauth/token; `now` is the request's time (read once per request). */
export function tokenEndpoint(
  rt: Runtime,
  fields: Fields,
  authorization: string | undefined,
  now = rt.clock.now(),
): Reply {
  const grant = str(fields, "grant_type");
  if (grant === undefined) return missing("grant_type");
  const client = authenticateClient(rt, fields, authorization);
  if ("status" in client) return client;
  switch (grant) {
    case GRANT.password:
    case GRANT.passwordRealm:
      return passwordGrant(rt, fields, client.clientId, grant === GRANT.passwordRealm);
    case GRANT.mfaOob:
      return mfaOob(rt, fields, client, now);
    case GRANT.mfaRecoveryCode:
      return mfaRecoveryCode(rt, fields, client);
    case GRANT.mfaOtp:
      return mfaOtp(rt, fields, client, now);
    default:
      return fail(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`);
  }
}

function passwordGrant(rt: Runtime, fields: Fields, clientId: string, realmGrant: boolean): Reply {
  const username = str(fields, "username");
  if (username === undefined) return missing("username");
  const password = str(fields, "password");
  if (password === undefined) return missing("password");
  if (realmGrant) {
    const realm = str(fields, "realm");
    if (realm === undefined) return missing("realm");
    if (realm !== rt.config.connection) return fail(403, "invalid_grant", messages.wrongPassword);
  }
  const user = rt.state.findLogin(username);
  if (!user || user.password !== password) return fail(403, "invalid_grant", messages.wrongPassword);
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
  if (c.mfaRequirements) extra.mfa_requirements = requirements(rt, user);
  const status = rt.deviates("wrong-mfa-required-status") ? 401 : 403;
  return fail(status, "mfa_required", messages.mfaRequired, extra);
}

/**
 * `mfa_requirements` (docs/behaviour.md#mfa-requirements): what an unenrolled user may enroll (the
 * factors the tenant offers; email is for challenges only), or an enrolled one may use.
 */
function requirements(rt: Runtime, user: User): Record<string, unknown> {
  const active = new Set<string>();
  for (const a of user.authenticators) if (a.active) active.add(a.kind);
  if ([...active].every((k) => k === "recovery-code")) {
    const f = rt.config.factors;
    const enroll: Array<{ type: string }> = [];
    if (f.includes("otp")) enroll.push({ type: "otp" });
    if (f.includes("sms") || f.includes("voice")) enroll.push({ type: "phone" });
    if (f.includes("push")) enroll.push({ type: "push-notification" });
    return { enroll };
  }
  // In the order of Auth0's documented example.
  const challenge: Array<{ type: string }> = [];
  if (active.has("totp")) challenge.push({ type: "otp" });
  if (active.has("push")) challenge.push({ type: "push-notification" });
  if (active.has("sms") || active.has("voice")) challenge.push({ type: "phone" });
  if (active.has("recovery-code")) challenge.push({ type: "recovery-code" });
  if (active.has("email")) challenge.push({ type: "email" });
  return { challenge };
}

function mfaOob(rt: Runtime, fields: Fields, client: Client, now: number): Reply {
  const caller = bodyMfaToken(rt, fields, client, rt.config.invalidGrantStatus, true, now);
  if ("status" in caller) return caller;
  const { record, user } = caller;
  const throttled = takeOobExchange(rt, record.token);
  if (throttled) return throttled;
  const oobCode = str(fields, "oob_code");
  if (oobCode === undefined) return missing("oob_code");
  const tx = rt.state.oobTransaction(oobCode);
  if (!tx) return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.malformedOobCode);
  if (tx.mfaToken !== record.token) return fail(400, "invalid_request", messages.oobMismatch);
  if (tx.expiresAt <= now && !rt.deviates("oob-code-never-expires")) {
    return fail(403, "expired_token", messages.expiredOobCode);
  }
  if (tx.channel === "push") return pollPush(rt, tx, record, user, now);
  const binding = str(fields, "binding_code");
  if (binding === undefined) return fail(400, "invalid_request", messages.bindingRequired);
  const locked = lockedOut(rt, user.id);
  if (locked) return locked;
  if (tx.used && !rt.deviates("binding-code-reusable")) {
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.invalidBinding);
  }
  if (binding !== tx.code) {
    recordFailure(rt, user.id);
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.invalidBinding);
  }
  tx.used = true;
  if (tx.purpose === "enrollment" && !confirm(user, tx.authenticatorIds)) {
    // The enrollment was deleted before it was confirmed: nothing is left to confirm.
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.invalidBinding);
  }
  return tokens(rt, record, user);
}

/**
 * A poll of a push transaction (docs/behaviour.md#push): too soon after the last one, slow_down;
 * before the user's tap (or the device's scan), authorization_pending; rejected, access_denied (as
 * recorded; the docs say invalid_grant); approved, tokens. An answered push is used up.
 */
function pollPush(rt: Runtime, tx: OobTransaction, record: MfaTokenRecord, user: User, now: number): Reply {
  const push = tx.push;
  if (push === undefined || tx.used) {
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.malformedOobCode);
  }
  const last = push.lastPollAt;
  push.lastPollAt = now;
  if (last !== undefined && now - last < PUSH_POLL_INTERVAL_MS && !rt.deviates("push-never-slow-down")) {
    return slowDown(rt, record.token, PUSH_POLL_INTERVAL_MS - (now - last));
  }
  if (push.answer === "pending") {
    if (rt.deviates("push-pending-200")) {
      return ok({ error: "authorization_pending", error_description: messages.authorizationPending });
    }
    return fail(400, "authorization_pending", messages.authorizationPending);
  }
  tx.used = true;
  if (push.answer === "rejected") {
    return rt.deviates("push-rejection-invalid-grant")
      ? fail(rt.config.invalidGrantStatus, "invalid_grant", messages.rejected)
      : fail(400, "access_denied", messages.rejected);
  }
  // The device's scan activated an enrollment (guardian.ts); deleted since, nothing is left.
  if (tx.purpose === "enrollment" && !user.authenticators.some((a) => tx.authenticatorIds.includes(a.id))) {
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.malformedOobCode);
  }
  return tokens(rt, record, user);
}

function mfaRecoveryCode(rt: Runtime, fields: Fields, client: Client): Reply {
  const caller = bodyMfaToken(rt, fields, client, rt.config.invalidGrantStatus);
  if ("status" in caller) return caller;
  const { record, user } = caller;
  const code = str(fields, "recovery_code");
  if (code === undefined) return missing("recovery_code");
  const locked = lockedOut(rt, user.id);
  if (locked) return locked;
  const active = user.authenticators.some((a) => a.kind === "recovery-code" && a.active);
  if (!active || user.recoveryCode === undefined || code.toUpperCase() !== user.recoveryCode) {
    recordFailure(rt, user.id);
    return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.rejected);
  }
  const reply = tokens(rt, record, user);
  if (!rt.deviates("recovery-code-not-rotated")) {
    const next = rt.state.rotateRecoveryCode(user);
    (reply.body as Record<string, unknown>).recovery_code = next;
  }
  return reply;
}

/**
 * docs/behaviour.md#otp: a code of one of the user's active TOTP authenticators (of an offered
 * factor), or of the pending one this mfa_token (or session) enrolled, which it then confirms. A
 * code works once; a wrong one counts as a failed code (docs/behaviour.md#per-user-limits).
 */
function mfaOtp(rt: Runtime, fields: Fields, client: Client, now: number): Reply {
  const caller = bodyMfaToken(rt, fields, client, rt.config.invalidGrantStatus, true, now);
  if ("status" in caller) return caller;
  const { record, user } = caller;
  const otp = str(fields, "otp");
  if (otp === undefined) return missing("otp");
  const locked = lockedOut(rt, user.id);
  if (locked) return locked;
  const factors = rt.config.factors;
  let replayed = false;
  for (const a of user.authenticators) {
    if (a.kind !== "totp" || a.secret === undefined) continue;
    const usable = a.active
      ? factors.includes(a.pairedWith === undefined ? "otp" : "push")
      : a.enrolledBy === record.token;
    if (!usable) continue;
    const step = matchTotp(a.secret, otp, now);
    if (step === undefined) continue;
    if (step < totpStep(now) && rt.deviates("otp-previous-step-refused")) continue;
    if (a.lastStep !== undefined && step <= a.lastStep && !rt.deviates("otp-code-reusable")) {
      replayed = true;
      continue;
    }
    a.lastStep = step;
    if (!a.active) confirm(user, [a.id]);
    return tokens(rt, record, user);
  }
  // docs/behaviour.md#otp: a replayed code is refused like a wrong one, but is no guess at a code.
  if (!replayed) recordFailure(rt, user.id);
  return fail(rt.config.invalidGrantStatus, "invalid_grant", messages.invalidOtp);
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

/**
 * The token response (docs/behaviour.md#issued-tokens): RS256 access token, id token when `openid` was asked
 * for; the tokens are signed by the caller (see TokenReply).
 */
export function tokens(rt: Runtime, record: MfaTokenRecord, user: User): Reply {
  const c = rt.config;
  const now = rt.clock.now();
  const scope = record.scope;
  const openid = scope.split(" ").includes("openid");
  const mfaApi = record.audience !== undefined && rt.mfaAudiences.has(record.audience);
  const expiresIn = mfaApi ? c.mfaAccessTokenTtlSeconds : c.accessTokenTtlSeconds;
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
        { sub: user.id, aud, azp: record.clientId, scope, amr: ["mfa"] },
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
          sub: user.id,
          aud: record.clientId,
          name: user.name,
          nickname: user.username,
          email: user.email,
          email_verified: true,
          amr: ["mfa"],
        },
        ID_TOKEN_TTL_SECONDS,
        now,
      ),
    });
  }
  body.scope = scope;
  body.expires_in = expiresIn;
  body.token_type = "Bearer";
  const reply: TokenReply = { ...ok(body), unsigned };
  return reply;
}
