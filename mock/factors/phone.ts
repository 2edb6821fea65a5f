/**
 * The phone factors, SMS and voice (docs/behaviour.md#enrollment, #sms-voice-pair, #masked-name): a
 * code sent to an E.164 number (code.ts); an enrollment adds the other channel's twin on the same
 * device when the tenant offers it, and deleting one deletes the twin.
 */

import { takeMessage } from "../limits/throttle.ts";
import { errors } from "../reply.ts";
import { deviceId } from "../store/random.ts";
import type { Channel, PhoneAuthenticator } from "../store/records.ts";
import { challengeByCode, enrollByCode, redeemCode } from "./code.ts";
import type { FactorModule } from "./factor.ts";

/** E.164 as docs/behaviour.md#phone-numbers states it. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Masks a phone number for list names (docs/behaviour.md#masked-name): every character but the last
 * four, `+` included, becomes `X`.
 */
export function maskedPhoneName(phone: string): string {
  return "X".repeat(Math.max(0, phone.length - 4)) + phone.slice(-4);
}

/** The `dev_…` part of an authenticator id. */
function deviceOf(id: string): string {
  const bar = id.indexOf("|");
  return bar === -1 ? id : id.slice(bar + 1);
}

/** SMS and voice. */
export const phoneFactor: FactorModule<PhoneAuthenticator> = {
  kinds: ["sms", "voice"],
  factorOf: (a) => a.kind,
  countsAsEnrolled: true,
  requirement: { type: "phone", enroll: true },
  sendLimit: takeMessage,

  enrollment: {
    requests: { "oob sms": "sms", "oob voice": "voice" },
    address: { field: "phone_number", valid: (value) => E164.test(value), invalid: errors.invalidPhone },
    enroll(rt, { user, record, factor, address }) {
      const throttled = takeMessage(rt, user.id);
      if (throttled) return throttled;
      const now = rt.clock.now();
      const channel = factor as Channel;
      const phone = address ?? "";
      const kinds: Channel[] = [channel];
      const twin: Channel = channel === "sms" ? "voice" : "sms";
      // docs/behaviour.md#sms-voice-pair: the twin only when the tenant offers its channel too.
      if (rt.config.factors.includes(twin) && !rt.deviates("sms-voice-not-paired")) kinds.push(twin);
      kinds.sort(); // sms before voice, as Auth0 lists them
      const dev = deviceId();
      const added = kinds.map(
        (kind): PhoneAuthenticator => ({ id: `${kind}|${dev}`, kind, active: false, phone, createdAt: now }),
      );
      return enrollByCode(rt, user, record, added, phone, channel, now, "missing-binding-method");
    },
  },

  challenge: {
    type: () => "oob",
    oobChannel: (a) => a.kind,
    start(rt, user, record, a, now) {
      const throttled = takeMessage(rt, user.id);
      if (throttled) return throttled;
      return challengeByCode(rt, record, a, a.phone, a.kind, now, "missing-binding-method");
    },
  },

  verify: { grant: "mfa-oob", channels: ["sms", "voice"], proof: "binding_code", redeem: redeemCode },

  listEntry(rt, a, channelKey) {
    return {
      id: a.id,
      authenticator_type: "oob",
      active: a.active,
      [channelKey]: a.kind,
      name: rt.deviates("unmasked-phone-in-list") ? a.phone : maskedPhoneName(a.phone),
    };
  },

  managementMethod(a) {
    return { id: `phone|${deviceOf(a.id)}`, type: "phone", fields: a.phone ? { phone_number: a.phone } : {} };
  },

  // sms and voice enrolled together share a device: deleting one deletes both.
  removedWith(user, a) {
    const device = deviceOf(a.id);
    const ids = [a.id];
    for (const other of user.authenticators) {
      if (
        other.id !== a.id &&
        (other.kind === "sms" || other.kind === "voice") &&
        deviceOf(other.id) === device
      ) {
        ids.push(other.id);
      }
    }
    return ids;
  },
};
