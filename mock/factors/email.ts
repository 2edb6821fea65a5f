/**
 * "Sending" a code by email (docs/behaviour.md#email): the message lands in the outbox like a phone's,
 * with `message_type: "email"` and the address as its recipient, so one reader serves every channel.
 */

import type { Runtime } from "../runtime.ts";
import type { OutboxMessage } from "../store/outbox.ts";
import { sixDigitCode } from "../store/random.ts";

/**
 * An address the mock accepts: one `@`, no spaces, a dot in the domain, at most 254 characters (the
 * SMTP limit). Auth0's own check is not documented; this one refuses only what no mailbox can be.
 */
export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

/** True when `value` is an address the mock accepts (see EMAIL). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** Generates a 6-digit code, records the email (sent at `now`) and answers the code. */
export function sendEmailCode(
  rt: Runtime,
  email: string,
  action: OutboxMessage["action"],
  now = rt.clock.now(),
): string {
  const code = sixDigitCode();
  rt.outbox.pushRendered(email, code, action, "email", emailText, rt.config.domain, now);
  return code;
}

/** The text of the mock's verification email (Auth0's template is not documented). */
function emailText(
  _type: OutboxMessage["message_type"],
  action: OutboxMessage["action"],
  code: string,
  tenant: string,
): string {
  return action === "enrollment"
    ? `${code} is your verification code for ${tenant}. Please enter this code to verify your enrollment.`
    : `${code} is your verification code for ${tenant}.`;
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
