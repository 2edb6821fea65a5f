/**
 * POST /mfa/challenge (docs/behaviour.md#challenge-answer, #otp, #email, #push): for an active
 * authenticator of the mfa_token's user, sends a new code (SMS, voice, email) or a push and opens the
 * oob transaction that /oauth/token (mfa-oob) completes; for a TOTP it only says to send an otp.
 */

import { sendEmailCode } from "../factors/email.ts";
import { sendCode } from "../factors/phone.ts";
import { factorOf } from "../factors/registry.ts";
import { type Fields, str } from "../http/body.ts";
import { takeEmail, takeMessage, takePush } from "../limits/throttle.ts";
import { fail, messages, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { randomString } from "../store/random.ts";
import type { Authenticator, MfaTokenRecord, User } from "../store/state.ts";
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
      return fail(400, "invalid_request", `Invalid challenge_type: ${t}. Accepted values: oob, otp.`);
    }
  }
  const authenticatorId = str(fields, "authenticator_id");
  if (authenticatorId !== undefined) {
    let target: Authenticator | undefined;
    for (const a of user.authenticators) {
      if (a.active && a.kind !== "recovery-code" && a.id === authenticatorId) {
        target = a;
        break;
      }
    }
    // docs/behaviour.md#authenticator-lookup: unknown, inactive and other users' ids get one answer, so
    // existence never leaks.
    if (!target) return unknownAuthenticator(rt, user, authenticatorId);
    if (!offered(rt, target)) return fail(400, "unsupported_challenge_type", messages.factorNotEnabled);
    if (!types.includes(challengeType(target))) return unsupported(types, challengeType(target));
    return start(rt, user, record, target, now);
  }
  // Without an id: the first active authenticator of an offered factor and an accepted type (of the
  // legacy `oob_channel`, when sent and one matches).
  const channel = str(fields, "oob_channel");
  let any = false;
  let first: Authenticator | undefined;
  let target: Authenticator | undefined;
  for (const a of user.authenticators) {
    if (!a.active || a.kind === "recovery-code") continue;
    any = true;
    if (!offered(rt, a) || !types.includes(challengeType(a))) continue;
    first ??= a;
    if (channel === undefined || oobChannel(a) === channel) {
      target = a;
      break;
    }
  }
  if (!any) return fail(400, "association_required", messages.notEnrolled);
  target ??= first;
  if (!target) return unsupported(types, supportedTypes(rt, user));
  return start(rt, user, record, target, now);
}

/** Starts the challenge of an authenticator that may be challenged with an accepted type. */
function start(rt: Runtime, user: User, record: MfaTokenRecord, target: Authenticator, now: number): Reply {
  const kind = target.kind;
  // docs/behaviour.md#otp: nothing is sent; the app asks the user for the code of their app.
  if (kind === "totp") {
    if (rt.deviates("otp-challenge-returns-oob-code")) {
      return ok({ challenge_type: "oob", oob_code: `Fe26.2**${randomString(32)}` });
    }
    return ok({ challenge_type: "otp" });
  }
  const ttl = rt.config.codeTtlSeconds * 1000;
  if (kind === "email") {
    const throttled = takeEmail(rt, user.id);
    if (throttled) return throttled;
    const code = sendEmailCode(rt, target.email ?? "", "second-factor-authentication", now);
    const tx = rt.state.openOob(record, "challenge", [target.id], code, now, ttl, "email");
    if (rt.deviates("email-missing-binding-method"))
      return ok({ challenge_type: "oob", oob_code: tx.oobCode });
    return ok({ challenge_type: "oob", oob_code: tx.oobCode, binding_method: "prompt" });
  }
  if (kind === "push") {
    // docs/behaviour.md#push: the push waits in the Guardian stand-in for the user's tap.
    const throttled = takePush(rt, user.id);
    if (throttled) return throttled;
    const tx = rt.state.openOob(record, "challenge", [target.id], "", now, ttl, "push", {
      answer: "pending",
      lastPollAt: undefined,
      enrollmentTxId: undefined,
    });
    return ok({ challenge_type: "oob", oob_code: tx.oobCode });
  }
  if (target.phone === undefined) return unknownAuthenticator(rt, user, target.id);
  const throttled = takeMessage(rt, user.id);
  if (throttled) return throttled;
  const voice = kind === "voice";
  const code = sendCode(rt, target.phone, voice ? "voice" : "sms", "second-factor-authentication", now);
  const tx = rt.state.openOob(record, "challenge", [target.id], code, now, ttl, voice ? "voice" : "sms");
  if (rt.deviates("missing-binding-method")) return ok({ challenge_type: "oob", oob_code: tx.oobCode });
  // The oob_code is base64url after "Fe26.2*": nothing in it needs escaping, so the text is
  // JSON.stringify's, written out instead of serialised.
  return {
    status: 200,
    body: { challenge_type: "oob", oob_code: tx.oobCode, binding_method: "prompt" },
    json: `{"challenge_type":"oob","oob_code":"${tx.oobCode}","binding_method":"prompt"}`,
  };
}

/** The challenge type of an authenticator: `otp` for a TOTP, `oob` for the others. */
function challengeType(a: Authenticator): "otp" | "oob" {
  return a.kind === "totp" ? "otp" : "oob";
}

/** The `oob_channel` that names an authenticator in the legacy parameter (`auth0` for push). */
function oobChannel(a: Authenticator): string {
  return a.kind === "push" ? "auth0" : a.kind;
}

/** True when the tenant offers the authenticator's factor (docs/behaviour.md#factors). */
function offered(rt: Runtime, a: Authenticator): boolean {
  const factor = factorOf(a.kind, a.pairedWith !== undefined);
  return factor === undefined || rt.config.factors.includes(factor);
}

/** The challenge types of the user's active authenticators of offered factors, space-separated. */
function supportedTypes(rt: Runtime, user: User): string {
  const found = new Set<string>();
  for (const a of user.authenticators) {
    if (a.active && a.kind !== "recovery-code" && offered(rt, a)) found.add(challengeType(a));
  }
  return [...found].sort().join(" ") || "none";
}

function unsupported(types: readonly string[], supported: string): Reply {
  return fail(
    401,
    "unsupported_challenge_type",
    `The user does not support the requested challenge type (${types.join(" ")}). Supported type: ${supported}.`,
  );
}

function unknownAuthenticator(rt: Runtime, user: User, id: string): Reply {
  if (rt.deviates("foreign-authenticator-reveals-existence")) {
    for (const other of rt.state.users.values()) {
      if (other !== user && other.authenticators.some((a) => a.id === id)) {
        return fail(403, "access_denied", `Authenticator ${id} belongs to another user.`);
      }
    }
  }
  return fail(400, "invalid_request", `Invalid authenticator_id: ${id}`);
}
