/**
 * A 6-digit code sent to a phone (SMS, voice) or an email address, written once for both: the message
 * lands in the outbox with the fields Auth0's send-phone-message Action (or the custom email provider)
 * receives and the text of Auth0's default templates; the oob transaction it opens; and the mfa-oob
 * redemption with its binding_code. phone.ts and email.ts differ only by what they give here.
 */

import { lockedOut, recordFailure } from "../limits/throttle.ts";
import { errors, fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { OutboxMessage } from "../store/outbox.ts";
import { sixDigitCode } from "../store/random.ts";
import type { Authenticator, MfaTokenRecord, User } from "../store/records.ts";
import { confirm } from "../store/state.ts";
import {
  type Deviation,
  enrolled,
  firstRecoveryCode,
  GRANTED,
  type Verification,
  type Verified,
} from "./factor.ts";

/** A channel a code is sent on. */
export type CodeChannel = "sms" | "voice" | "email";

/** Generates a 6-digit code, records the message to `recipient` (sent at `now`) and answers the code. */
export function sendCode(
  rt: Runtime,
  recipient: string,
  channel: CodeChannel,
  action: OutboxMessage["action"],
  now = rt.clock.now(),
): string {
  const code = sixDigitCode();
  // The text is made when the outbox is read, from the tenant of the moment it was sent.
  rt.outbox.pushRendered(recipient, code, action, channel, messageText, rt.config.domain, now);
  return code;
}

/**
 * The text of Auth0's default SMS and voice templates; an email says what an SMS says (Auth0's email
 * template is not documented).
 */
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

/**
 * Enrolls authenticators confirmed by a sent code (the per-user limit already taken): adds them,
 * issues the first recovery code, sends the code and opens the enrollment's oob transaction.
 * `noBindingMethod` is the deviation that leaves binding_method out of the answer.
 */
export function enrollByCode(
  rt: Runtime,
  user: User,
  record: MfaTokenRecord,
  added: readonly Authenticator[],
  recipient: string,
  channel: CodeChannel,
  now: number,
  noBindingMethod: Deviation,
): Reply {
  rt.state.addAuthenticators(user, added, now);
  const recovery = firstRecoveryCode(rt, user, now);
  const code = sendCode(rt, recipient, channel, "enrollment", now);
  const ids = added.map((a) => a.id);
  const tx = rt.state.openOob(record, "enrollment", ids, code, now, rt.config.codeTtlSeconds * 1000, channel);
  const body: Record<string, unknown> = { authenticator_type: "oob" };
  if (!rt.deviates(noBindingMethod)) body.binding_method = "prompt";
  if (recovery !== undefined) body.recovery_codes = [recovery];
  body.oob_channel = channel;
  body.oob_code = tx.oobCode;
  return enrolled(rt, body);
}

/**
 * Challenges an authenticator by a sent code (the per-user limit already taken): sends it and opens
 * the oob transaction that mfa-oob redeems.
 */
export function challengeByCode(
  rt: Runtime,
  record: MfaTokenRecord,
  a: Authenticator,
  recipient: string,
  channel: CodeChannel,
  now: number,
  noBindingMethod: Deviation,
): Reply {
  const code = sendCode(rt, recipient, channel, "second-factor-authentication", now);
  const ttl = rt.config.codeTtlSeconds * 1000;
  const tx = rt.state.openOob(record, "challenge", [a.id], code, now, ttl, channel);
  if (rt.deviates(noBindingMethod)) return ok({ challenge_type: "oob", oob_code: tx.oobCode });
  // The oob_code is base64url after "Fe26.2*": nothing in it needs escaping, so the text is
  // JSON.stringify's, written out instead of serialised.
  return {
    status: 200,
    body: { challenge_type: "oob", oob_code: tx.oobCode, binding_method: "prompt" },
    json: `{"challenge_type":"oob","oob_code":"${tx.oobCode}","binding_method":"prompt"}`,
  };
}

/**
 * mfa-oob with a binding_code (docs/behaviour.md#token-grants): refused while the user is locked out,
 * once used, or wrong (a wrong one counts as a failed code); right, it confirms an enrollment.
 */
export function redeemCode(rt: Runtime, v: Verification): Verified {
  const { tx, user, proof } = v;
  if (tx === undefined) return fail(errors.malformedOobCode, rt.config);
  if (proof === undefined) return fail(errors.bindingRequired);
  const locked = lockedOut(rt, user.id);
  if (locked) return locked;
  if (tx.used && !rt.deviates("binding-code-reusable")) {
    return fail(errors.invalidBinding, rt.config);
  }
  if (proof !== tx.code) {
    recordFailure(rt, user.id);
    return fail(errors.invalidBinding, rt.config);
  }
  tx.used = true;
  if (tx.purpose === "enrollment" && !confirm(user, tx.authenticatorIds)) {
    // The enrollment was deleted before it was confirmed: nothing is left to confirm.
    return fail(errors.invalidBinding, rt.config);
  }
  return GRANTED;
}
