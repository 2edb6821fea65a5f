/**
 * POST /mfa/challenge (docs/behaviour.md#challenge-answer, #otp, #email, #push): for an active
 * authenticator of the mfa_token's user, sends a new code (SMS, voice, email) or a push and opens the
 * oob transaction that /oauth/token (mfa-oob) completes; for a TOTP it only says to send an otp.
 */

import { factorModule, factorOf } from "../factors/index.ts";
import { type Fields, str } from "../http/body.ts";
import { errors, fail, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { Authenticator, MfaTokenRecord, User } from "../store/records.ts";
import { authenticateClient, bodyMfaToken } from "./auth.ts";

const CHALLENGE_TYPES = new Set(["oob", "otp"]);
// The common values, shared instead of split on every request.
const ANY_TYPE: readonly string[] = ["oob", "otp"];
const OOB_TYPE: readonly string[] = ["oob"];

/** Answers a POST /mfa/challenge; `now` is the request's time (read once per request). */
export function challenge(
  rt: Runtime,
  fields: Fields,
  authorization: string | undefined,
  now = rt.clock.now(),
): Reply {
  const client = authenticateClient(rt, fields, authorization);
  if ("status" in client) return client;
  const caller = bodyMfaToken(rt, fields, client, 401, false, now);
  if ("status" in caller) return caller;
  const { user, record } = caller;

  // docs/behaviour.md#challenge-type: optional; one value or a whitespace-separated list; absent means any.
  const typeField = str(fields, "challenge_type");
  const types =
    typeField === undefined ? ANY_TYPE : typeField === "oob" ? OOB_TYPE : typeField.trim().split(/\s+/);
  // Loops rather than find/filter with arrow functions: the hot path then allocates no closures
  // and no array of authenticators.
  for (const t of types) {
    if (!CHALLENGE_TYPES.has(t)) {
      return fail(errors.invalidChallengeType(t));
    }
  }
  const authenticatorId = str(fields, "authenticator_id");
  if (authenticatorId !== undefined) {
    let target: Authenticator | undefined;
    for (const a of user.authenticators) {
      if (a.active && a.id === authenticatorId && challengeType(a) !== undefined) {
        target = a;
        break;
      }
    }
    // docs/behaviour.md#authenticator-lookup: unknown, inactive and other users' ids get one answer, so
    // existence never leaks.
    if (!target) return unknownAuthenticator(rt, user, authenticatorId);
    if (!offered(rt, target)) return fail(errors.factorNotEnabled);
    const type = challengeType(target) ?? "oob";
    if (!types.includes(type)) return unsupported(types, type);
    return start(rt, user, record, target, now);
  }
  // Without an id: the first active authenticator of an offered factor and an accepted type (of the
  // legacy `oob_channel`, when sent and one matches).
  const channel = str(fields, "oob_channel");
  let any = false;
  let first: Authenticator | undefined;
  let target: Authenticator | undefined;
  for (const a of user.authenticators) {
    if (!a.active) continue;
    const type = challengeType(a);
    if (type === undefined) continue;
    any = true;
    if (!offered(rt, a) || !types.includes(type)) continue;
    first ??= a;
    if (channel === undefined || oobChannel(a) === channel) {
      target = a;
      break;
    }
  }
  if (!any) return fail(errors.notEnrolled);
  target ??= first;
  if (!target) return unsupported(types, supportedTypes(rt, user));
  return start(rt, user, record, target, now);
}

/** Starts the challenge of an authenticator that may be challenged with an accepted type. */
function start(rt: Runtime, user: User, record: MfaTokenRecord, target: Authenticator, now: number): Reply {
  const challenger = factorModule(target).challenge;
  if (challenger === undefined) return unknownAuthenticator(rt, user, target.id);
  return challenger.start(rt, user, record, target, now);
}

/** The challenge type of an authenticator (`otp` for a TOTP, `oob` for the others); undefined: never challenged. */
function challengeType(a: Authenticator): "otp" | "oob" | undefined {
  return factorModule(a).challenge?.type(a);
}

/** The `oob_channel` that names an authenticator in the legacy parameter (`auth0` for push). */
function oobChannel(a: Authenticator): string | undefined {
  return factorModule(a).challenge?.oobChannel(a);
}

/** True when the tenant offers the authenticator's factor (docs/behaviour.md#factors). */
function offered(rt: Runtime, a: Authenticator): boolean {
  const factor = factorOf(a);
  return factor === undefined || rt.config.factors.includes(factor);
}

/** The challenge types of the user's active authenticators of offered factors, space-separated. */
function supportedTypes(rt: Runtime, user: User): string {
  const found = new Set<string>();
  for (const a of user.authenticators) {
    if (!a.active || !offered(rt, a)) continue;
    const type = challengeType(a);
    if (type !== undefined) found.add(type);
  }
  return [...found].sort().join(" ") || "none";
}

function unsupported(types: readonly string[], supported: string): Reply {
  return fail(errors.unsupportedChallengeType(types, supported));
}

function unknownAuthenticator(rt: Runtime, user: User, id: string): Reply {
  if (rt.deviates("foreign-authenticator-reveals-existence")) {
    for (const other of rt.state.users.values()) {
      if (other !== user && other.authenticators.some((a) => a.id === id)) {
        return fail(errors.foreignAuthenticator(id));
      }
    }
  }
  return fail(errors.invalidAuthenticatorId(id));
}
