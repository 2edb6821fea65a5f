/**
 * "Sending" a code to a phone: the message lands in the outbox with the fields Auth0's
 * send-phone-message Action receives, and the text of Auth0's default templates.
 */

import type { Runtime } from "../runtime.ts";
import type { OutboxMessage } from "../store/outbox.ts";
import { sixDigitCode } from "../store/random.ts";
import type { Channel } from "../store/state.ts";

/** E.164 as docs/behaviour.md#phone-numbers states it. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Generates a 6-digit code, records the message (sent at `now`) and answers the code. */
export function sendCode(
  rt: Runtime,
  phone: string,
  channel: Channel,
  action: OutboxMessage["action"],
  now = rt.clock.now(),
): string {
  const code = sixDigitCode();
  // The text is made when the outbox is read, from the tenant of the moment it was sent.
  rt.outbox.pushRendered(phone, code, action, channel, messageText, rt.config.domain, now);
  return code;
}

/** The text of Auth0's default SMS and voice templates. */
function messageText(
  channel: OutboxMessage["message_type"],
  action: OutboxMessage["action"],
  code: string,
  tenant: string,
): string {
  if (channel === "voice") return `Your verification code for ${tenant} is ${code.split("").join(" ")}`;
  return action === "enrollment"
    ? `${code} is your verification code for ${tenant}. Please enter this code to verify your enrollment.`
    : `${code} is your verification code for ${tenant}.`;
}
