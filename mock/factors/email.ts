/**
 * The email factor (docs/behaviour.md#email, #masked-email): a code sent to an address (code.ts), the
 * message in the outbox like a phone's with `message_type: "email"` and the address as its recipient,
 * so one reader serves every channel. It never counts as an enrollment of its own: Auth0 lets email be
 * enabled only beside another factor.
 */

import { takeEmail } from "../limits/throttle.ts";
import { errors } from "../reply.ts";
import { deviceId } from "../store/random.ts";
import type { EmailAuthenticator } from "../store/records.ts";
import { challengeByCode, enrollByCode, redeemCode } from "./code.ts";
import type { FactorModule } from "./factor.ts";

/**
 * An address the mock accepts: one `@`, no spaces, a dot in the domain, at most 254 characters (the
 * SMTP limit). Auth0's own check is not documented; this one refuses only what no mailbox can be.
 */
export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

/** True when `value` is an address the mock accepts (see EMAIL). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * An email list item's `name` (docs/behaviour.md#masked-email), as recorded (`****@exam*******` for
 * a four-letter mailbox at example.com) and documented (`dloz********@gmai*****`): the local part
 * keeps at most its first 4 characters and never more than all but 4, the domain its first 4 and
 * never all; every other character is `*`.
 */
export function maskedEmailName(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const keepLocal = Math.max(0, Math.min(4, local.length - 4));
  const keepDomain = Math.max(0, Math.min(4, domain.length - 1));
  return `${local.slice(0, keepLocal)}${"*".repeat(local.length - keepLocal)}@${domain.slice(0, keepDomain)}${"*".repeat(domain.length - keepDomain)}`;
}

/** Email. */
export const emailFactor: FactorModule<EmailAuthenticator> = {
  kinds: ["email"],
  factorOf: () => "email",
  // docs/behaviour.md#already-enrolled: Auth0 mints the mfa_token of a user with only an email without a
  // challenge, so such a user may still enroll.
  countsAsEnrolled: false,
  // docs/behaviour.md#mfa-requirements: email is for challenges only.
  requirement: { type: "email", enroll: false },
  sendLimit: takeEmail,

  enrollment: {
    requests: { "oob email": "email" },
    // docs/behaviour.md#email: required, as Auth0's guide lists it (SDKs say it may be left out).
    address: { field: "email", valid: isEmail, invalid: errors.invalidEmail },
    enroll(rt, { user, record, address }) {
      const throttled = takeEmail(rt, user.id);
      if (throttled) return throttled;
      const now = rt.clock.now();
      const email = address ?? "";
      const added: EmailAuthenticator = {
        id: `email|${deviceId()}`,
        kind: "email",
        active: false,
        createdAt: now,
        email,
      };
      return enrollByCode(rt, user, record, [added], email, "email", now, "email-missing-binding-method");
    },
  },

  challenge: {
    type: () => "oob",
    oobChannel: () => "email",
    start(rt, user, record, a, now) {
      const throttled = takeEmail(rt, user.id);
      if (throttled) return throttled;
      return challengeByCode(rt, record, a, a.email, "email", now, "email-missing-binding-method");
    },
  },

  verify: { grant: "mfa-oob", channels: ["email"], proof: "binding_code", redeem: redeemCode },

  listEntry(rt, a, channelKey) {
    // docs/behaviour.md#masked-email
    const name = rt.deviates("email-name-unmasked") ? a.email : maskedEmailName(a.email);
    return { id: a.id, authenticator_type: "oob", active: a.active, [channelKey]: "email", name };
  },

  removedWith: (_user, a) => [a.id],
};
