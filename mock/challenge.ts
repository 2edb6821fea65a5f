/**
 * POST /mfa/challenge (docs/behaviour.md#challenge-answer): sends a new code to an active SMS or voice
 * authenticator of the mfa_token's user and opens the oob transaction that /oauth/token (mfa-oob) completes.
 */
import { authenticateClient, bodyMfaToken } from "./auth.ts";
import { type Fields, str } from "./body.ts";
import { sendCode } from "./phone.ts";
import { fail, messages, ok, type Reply } from "./reply.ts";
import type { Runtime } from "./runtime.ts";
import type { Authenticator, User } from "./state.ts";
import { takeMessage } from "./throttle.ts";

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
  // and no array of phones.
  for (const t of types) {
    if (!CHALLENGE_TYPES.has(t)) {
      return fail(400, "invalid_request", `Invalid challenge_type: ${t}. Accepted values: oob, otp.`);
    }
  }
  const authenticatorId = str(fields, "authenticator_id");
  const channel = authenticatorId === undefined ? str(fields, "oob_channel") : undefined;
  // The user's active phone authenticators: the first one, and the first with the requested id (or,
  // without one, of the requested channel).
  let first: Authenticator | undefined;
  let target: Authenticator | undefined;
  for (const a of user.authenticators) {
    if (!a.active || a.kind === "recovery-code") continue;
    first ??= a;
    if (
      authenticatorId !== undefined ? a.id === authenticatorId : channel === undefined || a.kind === channel
    ) {
      target = a;
      break;
    }
  }
  if (authenticatorId !== undefined) {
    // docs/behaviour.md#authenticator-lookup: unknown, inactive and other users' ids get one answer, so
    // existence never leaks.
    if (!target) return unknownAuthenticator(rt, user, authenticatorId);
  } else {
    if (first === undefined) return fail(400, "association_required", messages.notEnrolled);
    target ??= first;
  }
  if (!target || target.phone === undefined) return unknownAuthenticator(rt, user, authenticatorId ?? "");
  if (!types.includes("oob")) {
    return fail(
      401,
      "unsupported_challenge_type",
      `The user does not support the requested challenge type (${types.join(" ")}). Supported type: oob.`,
    );
  }
  const throttled = takeMessage(rt, user.id);
  if (throttled) return throttled;
  const code = sendCode(
    rt,
    target.phone,
    target.kind === "voice" ? "voice" : "sms",
    "second-factor-authentication",
    now,
  );
  const tx = rt.state.openOob(record, "challenge", [target.id], code, now, rt.config.codeTtlSeconds * 1000);
  if (rt.deviates("missing-binding-method")) return ok({ challenge_type: "oob", oob_code: tx.oobCode });
  // The oob_code is base64url after "Fe26.2*": nothing in it needs escaping, so the text is
  // JSON.stringify's, written out instead of serialised.
  return {
    status: 200,
    body: { challenge_type: "oob", oob_code: tx.oobCode, binding_method: "prompt" },
    json: `{"challenge_type":"oob","oob_code":"${tx.oobCode}","binding_method":"prompt"}`,
  };
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
