/**
 * POST /mfa/associate (docs/behaviour.md#enrollment, #otp, #email, #push): enrolls an SMS, voice,
 * email, OTP or push authenticator of a factor the tenant offers (docs/behaviour.md#factors),
 * inactive until it is confirmed: a code "sent" by SMS, voice or email through mfa-oob, a TOTP code
 * through mfa-otp, a push by the device's scan (the Guardian stand-in) and an mfa-oob poll.
 */

import { isEmail, sendEmailCode } from "../factors/email.ts";
import { newTotpSecret, otpauthUri } from "../factors/otp.ts";
import { E164, sendCode } from "../factors/phone.ts";
import type { Factor } from "../factors/registry.ts";
import { type Fields, str } from "../http/body.ts";
import { takeEmail, takeMessage } from "../limits/throttle.ts";
import { fail, messages, missing, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { randomString } from "../store/random.ts";
import type { Channel, MfaTokenRecord, User } from "../store/state.ts";
import { authenticateClient, bearer } from "./auth.ts";

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
  // Every documented request names one type; the first one decides.
  if (types[0] === "otp") {
    if (refuses(rt, "otp")) return notEnabled();
    return enrolled(rt, user, caller.via) ?? associateOtp(rt, user, record);
  }
  if (types[0] !== "oob") return notEnabled();
  const channels = fields.oob_channels;
  if (channels === undefined) return missing("oob_channels");
  if (!Array.isArray(channels) || channels.length === 0) {
    return fail(400, "invalid_request", "oob_channels must be a non-empty array.");
  }
  const channel = channels[0];
  if (channel === "sms" || channel === "voice") {
    if (refuses(rt, channel)) return notEnabled();
    const phone = str(fields, "phone_number");
    if (phone === undefined) return missing("phone_number");
    if (!E164.test(phone)) return fail(400, "invalid_request", messages.invalidPhone);
    return enrolled(rt, user, caller.via) ?? associatePhone(rt, user, record, channel, phone);
  }
  if (channel === "email") {
    if (refuses(rt, "email")) return notEnabled();
    // docs/behaviour.md#email: required, as Auth0's guide lists it (SDKs say it may be left out).
    const email = str(fields, "email");
    if (email === undefined) return missing("email");
    if (!isEmail(email)) return fail(400, "invalid_request", messages.invalidEmail);
    return enrolled(rt, user, caller.via) ?? associateEmail(rt, user, record, email);
  }
  if (channel === "auth0") {
    if (refuses(rt, "push")) return notEnabled();
    return enrolled(rt, user, caller.via) ?? associatePush(rt, user, record);
  }
  return notEnabled();
}

/** True when the tenant offers the factor (docs/behaviour.md#factors). */
function offers(rt: Runtime, factor: Factor): boolean {
  return rt.config.factors.includes(factor);
}

/** True when an enrollment of the factor is refused: the tenant does not offer it (unless a deviation enrolls it anyway). */
function refuses(rt: Runtime, factor: Factor): boolean {
  return !offers(rt, factor) && !rt.deviates("disabled-factor-enrolls");
}

/** Auth0's answer for a factor the tenant does not offer (docs/behaviour.md#factors). */
function notEnabled(): Reply {
  return fail(400, "unsupported_challenge_type", messages.factorNotEnabled);
}

/**
 * docs/behaviour.md#already-enrolled: an mfa_token enrolls only while the user has no active factor;
 * an email alone does not count, as Auth0 mints the mfa_token for such a user without a challenge
 * (docs/behaviour.md#email).
 */
function enrolled(rt: Runtime, user: User, via: "mfa_token" | "access_token"): Reply | undefined {
  if (via !== "mfa_token" || rt.deviates("already-enrolled-not-enforced")) return undefined;
  const active = user.authenticators.some(
    (a) => a.active && a.kind !== "email" && a.kind !== "recovery-code",
  );
  return active ? fail(403, "access_denied", messages.alreadyEnrolled) : undefined;
}

/** A new recovery code for the user's first enrollment, when recovery codes are on. */
function firstRecoveryCode(rt: Runtime, user: User, now: number): string | undefined {
  const first = !user.authenticators.some((a) => a.active);
  return rt.config.recoveryCodes && first ? rt.state.newPendingRecoveryCode(user, now) : undefined;
}

function associatePhone(
  rt: Runtime,
  user: User,
  record: MfaTokenRecord,
  channel: Channel,
  phone: string,
): Reply {
  const throttled = takeMessage(rt, user.id);
  if (throttled) return throttled;
  const now = rt.clock.now();
  const kinds: Channel[] = [channel];
  const twin: Channel = channel === "sms" ? "voice" : "sms";
  // docs/behaviour.md#sms-voice-pair: the twin only when the tenant offers its channel too.
  if (offers(rt, twin) && !rt.deviates("sms-voice-not-paired")) kinds.push(twin);
  kinds.sort(); // sms before voice, as Auth0 lists them
  const added = rt.state.addPhoneAuthenticators(user, kinds, phone, now);
  const recovery = firstRecoveryCode(rt, user, now);
  const code = sendCode(rt, phone, channel, "enrollment");
  const tx = rt.state.openOob(
    record,
    "enrollment",
    added.map((a) => a.id),
    code,
    now,
    rt.config.codeTtlSeconds * 1000,
    channel,
  );
  const body: Record<string, unknown> = { authenticator_type: "oob" };
  if (!rt.deviates("missing-binding-method")) body.binding_method = "prompt";
  if (recovery !== undefined) body.recovery_codes = [recovery];
  body.oob_channel = channel;
  body.oob_code = tx.oobCode;
  return ok(body, rt.deviates("associate-status-201") ? 201 : 200);
}

function associateEmail(rt: Runtime, user: User, record: MfaTokenRecord, email: string): Reply {
  const throttled = takeEmail(rt, user.id);
  if (throttled) return throttled;
  const now = rt.clock.now();
  const added = rt.state.addEmailAuthenticator(user, email, now);
  const recovery = firstRecoveryCode(rt, user, now);
  const code = sendEmailCode(rt, email, "enrollment", now);
  const tx = rt.state.openOob(
    record,
    "enrollment",
    [added.id],
    code,
    now,
    rt.config.codeTtlSeconds * 1000,
    "email",
  );
  const body: Record<string, unknown> = { authenticator_type: "oob" };
  if (!rt.deviates("email-missing-binding-method")) body.binding_method = "prompt";
  if (recovery !== undefined) body.recovery_codes = [recovery];
  body.oob_channel = "email";
  body.oob_code = tx.oobCode;
  return ok(body, rt.deviates("associate-status-201") ? 201 : 200);
}

/** docs/behaviour.md#otp: a secret and its barcode; mfa-otp with a code of it confirms the enrollment. */
function associateOtp(rt: Runtime, user: User, record: MfaTokenRecord): Reply {
  const now = rt.clock.now();
  const secret = newTotpSecret();
  rt.state.addTotpAuthenticator(user, secret, record.token, now);
  const recovery = firstRecoveryCode(rt, user, now);
  const body: Record<string, unknown> = {
    authenticator_type: "otp",
    secret,
    barcode_uri: otpauthUri(rt.config.domain, user.email, secret),
  };
  if (recovery !== undefined) body.recovery_codes = [recovery];
  return ok(body, rt.deviates("associate-status-201") ? 201 : 200);
}

/**
 * docs/behaviour.md#push, #push-pair: a push authenticator and its totp, and a barcode naming the
 * enrollment transaction that the device "scans" (`POST /__mock/guardian/enroll`) before the poll
 * with the oob_code returns tokens.
 */
function associatePush(rt: Runtime, user: User, record: MfaTokenRecord): Reply {
  const now = rt.clock.now();
  const [push, totp] = rt.state.addPushAuthenticators(user, newTotpSecret(), now);
  const recovery = firstRecoveryCode(rt, user, now);
  const enrollmentTxId = randomString(32);
  const tx = rt.state.openOob(
    record,
    "enrollment",
    [push.id, totp.id],
    "",
    now,
    rt.config.codeTtlSeconds * 1000,
    "push",
    { answer: "pending", lastPollAt: undefined, enrollmentTxId },
  );
  const body: Record<string, unknown> = {
    authenticator_type: "oob",
    barcode_uri: pushBarcodeUri(rt, user, enrollmentTxId),
  };
  if (recovery !== undefined) body.recovery_codes = [recovery];
  body.oob_channel = "auth0";
  body.oob_code = tx.oobCode;
  return ok(body, rt.deviates("associate-status-201") ? 201 : 200);
}

/**
 * The push barcode, as recorded: `otpauth://totp/<issuer>:<account>?enrollment_tx_id=…&base_url=…`,
 * whose base_url is here the Guardian stand-in of the control API.
 */
function pushBarcodeUri(rt: Runtime, user: User, enrollmentTxId: string): string {
  const issuer = rt.config.issuer.endsWith("/") ? rt.config.issuer : `${rt.config.issuer}/`;
  const label = `${encodeURIComponent(rt.config.domain)}:${encodeURIComponent(user.email)}`;
  const base = encodeURIComponent(`${issuer}__mock/guardian`);
  if (rt.deviates("push-barcode-without-enrollment-tx")) return `otpauth://totp/${label}?base_url=${base}`;
  return `otpauth://totp/${label}?enrollment_tx_id=${enrollmentTxId}&base_url=${base}`;
}
