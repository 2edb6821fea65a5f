/**
 * POST /mfa/associate (docs/behaviour.md#enrollment, #otp, #email, #push): enrolls an SMS, voice,
 * email, OTP or push authenticator of a factor the tenant offers (docs/behaviour.md#factors),
 * inactive until it is confirmed: a code "sent" by SMS, voice or email through mfa-oob, a TOTP code
 * through mfa-otp, a push by the device's scan (the Guardian stand-in) and an mfa-oob poll.
 */

import { enrollmentFor, hasEnrolled } from "../factors/index.ts";
import type { Factor } from "../factors/registry.ts";
import { type Fields, str } from "../http/body.ts";
import { errors, fail, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { User } from "../store/records.ts";
import { authenticateClient, bearer } from "./auth.ts";

/** Answers a POST /mfa/associate. */
export function associate(rt: Runtime, fields: Fields, authorization: string | undefined): Reply {
  const caller = bearer(rt, authorization, "enroll");
  if ("status" in caller) return caller;
  const { user, record } = caller;
  if (!record) return fail(errors.invalidBearer); // bearer() always binds one for enroll
  const clientId = str(fields, "client_id");
  if (clientId !== undefined) {
    // docs/behaviour.md#associate-client-id: client_id is optional; when sent it must be the token's client
    // (and its secret, if sent, right).
    if (str(fields, "client_secret") !== undefined) {
      const client = authenticateClient(rt, fields, undefined);
      if ("status" in client) return client;
    }
    if (clientId !== record.clientId) return fail(errors.notIssuedToClient);
  }
  const types = fields.authenticator_types;
  if (types === undefined) return fail(errors.missingParameter("authenticator_types"));
  if (!Array.isArray(types) || types.length === 0) {
    return fail(errors.authenticatorTypesRequired);
  }
  // Every documented request names one type; the first one decides: `otp`, or `oob` and its first channel.
  let request: string | undefined;
  if (types[0] === "otp") request = "otp";
  else if (types[0] === "oob") {
    const channels = fields.oob_channels;
    if (channels === undefined) return fail(errors.missingParameter("oob_channels"));
    if (!Array.isArray(channels) || channels.length === 0) {
      return fail(errors.oobChannelsRequired);
    }
    if (typeof channels[0] === "string") request = `oob ${channels[0]}`;
  }
  const found = request === undefined ? undefined : enrollmentFor(request);
  if (found === undefined) return notEnabled();
  const { module, factor } = found;
  const enrollment = module.enrollment;
  if (enrollment === undefined || refuses(rt, factor)) return notEnabled();
  let address: string | undefined;
  if (enrollment.address !== undefined) {
    address = str(fields, enrollment.address.field);
    if (address === undefined) return fail(errors.missingParameter(enrollment.address.field));
    if (!enrollment.address.valid(address)) return fail(enrollment.address.invalid);
  }
  return enrolled(rt, user, caller.via) ?? enrollment.enroll(rt, { user, record, factor, address });
}

/** True when an enrollment of the factor is refused: the tenant does not offer it (unless a deviation enrolls it anyway). */
function refuses(rt: Runtime, factor: Factor): boolean {
  return !rt.config.factors.includes(factor) && !rt.deviates("disabled-factor-enrolls");
}

/** Auth0's answer for a factor the tenant does not offer (docs/behaviour.md#factors). */
function notEnabled(): Reply {
  return fail(errors.factorNotEnabled);
}

/**
 * docs/behaviour.md#already-enrolled: an mfa_token enrolls only while the user has no active factor;
 * an email alone does not count, as Auth0 mints the mfa_token for such a user without a challenge
 * (docs/behaviour.md#email).
 */
function enrolled(rt: Runtime, user: User, via: "mfa_token" | "access_token"): Reply | undefined {
  if (via !== "mfa_token" || rt.deviates("already-enrolled-not-enforced")) return undefined;
  return hasEnrolled(user) ? fail(errors.alreadyEnrolled) : undefined;
}
