/**
 * POST /mfa/associate (docs/behaviour.md#enrollment): enrolls an SMS or voice authenticator, inactive until
 * an mfa-oob exchange with the code that was "sent" confirms it.
 */
import { authenticateClient, bearer } from "./auth.ts";
import { type Fields, str } from "./body.ts";
import { E164, sendCode } from "./phone.ts";
import { fail, messages, missing, ok, type Reply } from "./reply.ts";
import type { Runtime } from "./runtime.ts";
import type { Channel } from "./state.ts";
import { takeMessage } from "./throttle.ts";

/** Answers a POST /mfa/associate. */
export function associate(rt: Runtime, fields: Fields, authorization: string | undefined): Reply {
  const caller = bearer(rt, authorization, "enroll");
  if ("status" in caller) return caller;
  const { user, record } = caller;
  if (!record) return fail(401, "invalid_grant", messages.invalidBearer); // bearer() always binds one for enroll
  const clientId = str(fields, "client_id");
  if (clientId !== undefined) {
    // docs/behaviour.md#associate-client-id: client_id is optional; when sent it must be the token's client
    // (and its secret, if sent, right).
    if (str(fields, "client_secret") !== undefined) {
      const client = authenticateClient(rt, fields, undefined);
      if ("status" in client) return client;
    }
    if (clientId !== record.clientId) return fail(400, "invalid_request", messages.notIssuedToClient);
  }
  const types = fields.authenticator_types;
  if (types === undefined) return missing("authenticator_types");
  if (!Array.isArray(types) || types.length === 0) {
    return fail(400, "invalid_request", "authenticator_types must be a non-empty array.");
  }
  if (!types.includes("oob")) return fail(400, "unsupported_challenge_type", messages.factorNotEnabled);
  const channels = fields.oob_channels;
  if (channels === undefined) return missing("oob_channels");
  if (!Array.isArray(channels) || channels.length === 0) {
    return fail(400, "invalid_request", "oob_channels must be a non-empty array.");
  }
  const channel = channels[0];
  const c = rt.config;
  if (!((channel === "sms" && c.smsEnabled) || (channel === "voice" && c.voiceEnabled))) {
    return fail(400, "unsupported_challenge_type", messages.factorNotEnabled);
  }
  const phone = str(fields, "phone_number");
  if (phone === undefined) return missing("phone_number");
  if (!E164.test(phone)) return fail(400, "invalid_request", messages.invalidPhone);

  const firstFactor = !user.authenticators.some((a) => a.active);
  if (caller.via === "mfa_token" && !firstFactor && !rt.deviates("already-enrolled-not-enforced")) {
    return fail(403, "access_denied", messages.alreadyEnrolled);
  }
  const throttled = takeMessage(rt, user.id);
  if (throttled) return throttled;

  const now = rt.clock.now();
  const kinds: Channel[] = [channel];
  const twin: Channel = channel === "sms" ? "voice" : "sms";
  if ((twin === "sms" ? c.smsEnabled : c.voiceEnabled) && !rt.deviates("sms-voice-not-paired"))
    kinds.push(twin);
  kinds.sort(); // sms before voice, as Auth0 lists them
  const added = rt.state.addPhoneAuthenticators(user, kinds, phone, now);
  const recovery = c.recoveryCodes && firstFactor ? rt.state.newPendingRecoveryCode(user, now) : undefined;
  const code = sendCode(rt, phone, channel, "enrollment");
  const tx = rt.state.openOob(
    record,
    "enrollment",
    added.map((a) => a.id),
    code,
    now,
    c.codeTtlSeconds * 1000,
  );
  const body: Record<string, unknown> = { authenticator_type: "oob" };
  if (!rt.deviates("missing-binding-method")) body.binding_method = "prompt";
  if (recovery !== undefined) body.recovery_codes = [recovery];
  body.oob_channel = channel;
  body.oob_code = tx.oobCode;
  return ok(body, rt.deviates("associate-status-201") ? 201 : 200);
}
