/**
 * "Sending" a code to a phone: the message lands in the outbox with the fields Auth0's
 * send-phone-message Action receives, and the text of Auth0's default templates.
 */
import type { OutboxMessage } from "./outbox.ts";
import { sixDigitCode } from "./random.ts";
import type { Runtime } from "./runtime.ts";
import type { Channel } from "./state.ts";

/** E.164 as A20 states it. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Generates a 6-digit code, records the message and answers the code. */
export function sendCode(
  rt: Runtime,
  phone: string,
  channel: Channel,
  action: OutboxMessage["action"],
): string {
  const code = sixDigitCode();
  const tenant = rt.config.domain;
  const text =
    channel === "voice"
      ? `Your verification code for ${tenant} is ${code.split("").join(" ")}`
      : action === "enrollment"
        ? `${code} is your verification code for ${tenant}. Please enter this code to verify your enrollment.`
        : `${code} is your verification code for ${tenant}.`;
  rt.outbox.push({ recipient: phone, code, text, action, message_type: channel });
  return code;
}
