/**
 * What the mock "sent": one entry per SMS, voice or email message, with the fields Auth0's
 * send-phone-message Action receives (an email has its address as recipient and `message_type`
 * "email", docs/behaviour.md#email). Bounded: beyond `max` the oldest message is dropped, so a long
 * load run cannot grow it without end.
 */
import type { Clock } from "./clock.ts";
import { randomString } from "./random.ts";

/**
 * One message "sent" to a phone or an email address: the one shape of it. The tenant's code sink lists the same fields,
 * and the suites' inbox reads part of it (contracts/targets/target.ts, tenant/inbox.ts).
 */
export interface OutboxMessage {
  id: string;
  recipient: string;
  code: string;
  text: string;
  action: "enrollment" | "second-factor-authentication";
  message_type: "sms" | "voice" | "email";
  created_at: string /* ISO */;
}

/** Makes a message's text from its code and the tenant it was sent for. */
export type RenderText = (
  messageType: OutboxMessage["message_type"],
  action: OutboxMessage["action"],
  code: string,
  tenant: string,
) => string;

/** A query of the outbox that cannot be read (an `after` that is neither a message id nor a time): the caller's input, not a fault. */
export class OutboxQueryError extends RangeError {
  override readonly name: string = "OutboxQueryError";
}

/** Default cap on stored messages. */
const DEFAULT_OUTBOX_MAX = 10_000;

// Ids carry a zero-padded sequence number, so `after=<id>` still works once that message has been
// dropped, and a random tail, so ids of separate runs or resets do not collide.
const ID_PATTERN = /^msg_(\d{12})[A-Za-z0-9]{8}$/;

export class Outbox {
  readonly #clock: Clock;
  readonly #max: number;
  // A ring: grows to `max`, then each push overwrites the oldest at `#head` (O(1), where shifting a
  // 10,000-item array on every message once full cost a copy of the whole array). Stored by column,
  // not as one object per message: up to 10,000 messages live long enough to be copied by the
  // garbage collector, and a message here is a few slots written in place: the strings are shared
  // (the phone, the tenant, the renderer) and a six-digit code is kept as its number, so storing a
  // message keeps nothing new alive. The id's random tail is drawn on first read, then kept; the ISO
  // time, the code's text and (for messages recorded with a renderer) the text are only made when
  // the message is read.
  #length = 0;
  #head = 0;
  #seq = 0;
  readonly #seqs: Float64Array;
  readonly #ats: Float64Array;
  /** A six-digit code's value, or -1 when the code is another text (then in `#otherCodes`). */
  readonly #codes: Int32Array;
  readonly #otherCodes = new Map<number, string>();
  readonly #recipients: string[] = [];
  readonly #actions: OutboxMessage["action"][] = [];
  readonly #types: OutboxMessage["message_type"][] = [];
  readonly #texts: (string | RenderText)[] = [];
  readonly #tenants: string[] = [];
  readonly #tails: (string | undefined)[] = [];

  /** `max` (default 10,000) bounds the stored messages; the oldest go first. */
  constructor(clock: Clock, opts?: { max?: number }) {
    const max = opts?.max ?? DEFAULT_OUTBOX_MAX;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.#clock = clock;
    this.#max = max;
    this.#seqs = new Float64Array(max);
    this.#ats = new Float64Array(max);
    this.#codes = new Int32Array(max);
  }

  /** Records a message and answers it with its id and `created_at`. */
  push(m: Omit<OutboxMessage, "id" | "created_at">): OutboxMessage {
    return this.#message(
      this.#store(m.recipient, m.code, m.action, m.message_type, m.text, "", this.#clock.now()),
    );
  }

  /**
   * Records a message whose text `render` makes when it is read (the same text, made later): the
   * hot path of every challenge then builds neither the text nor the message object. `at` (default:
   * the clock) is when it was sent, for a caller that has read the time already.
   */
  pushRendered(
    recipient: string,
    code: string,
    action: OutboxMessage["action"],
    messageType: OutboxMessage["message_type"],
    render: RenderText,
    tenant: string,
    at = this.#clock.now(),
  ): void {
    this.#store(recipient, code, action, messageType, render, tenant, at);
  }

  /**
   * Messages oldest first, optionally only those to `recipient` and after `after`: a message id
   * (strictly after it) or an ISO time (created at or after it: a client that notes the time and then
   * triggers a message within the same millisecond must still see it). Throws OutboxQueryError when
   * `after` is neither, so the control API can answer 400 (and any other error stays a 500).
   */
  list(q?: { recipient?: string; after?: string }): OutboxMessage[] {
    const recipient = q?.recipient;
    const after = q?.after;
    let afterSeq = 0;
    let afterTime = Number.NEGATIVE_INFINITY;
    if (after !== undefined && after !== "") {
      const id = ID_PATTERN.exec(after);
      if (id) {
        afterSeq = Number(id[1]);
      } else {
        const t = Date.parse(after);
        if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(after)) {
          throw new OutboxQueryError(
            `after must be a message id (msg_…) or an ISO 8601 time, got "${after}"`,
          );
        }
        afterTime = t;
      }
    }
    const out: OutboxMessage[] = [];
    const n = this.#length;
    for (let i = 0; i < n; i++) {
      const slot = (this.#head + i) % n;
      if (
        (recipient === undefined || this.#recipients[slot] === recipient) &&
        (this.#seqs[slot] as number) > afterSeq &&
        (this.#ats[slot] as number) >= afterTime
      ) {
        out.push(this.#message(slot));
      }
    }
    return out;
  }

  /** Number of stored messages. */
  size(): number {
    return this.#length;
  }

  /** Forgets every message (ids keep increasing, so an old `after` id stays meaningful). */
  clear(): void {
    this.#length = 0;
    this.#head = 0;
    // Drop the references, so cleared messages' strings and renderers can be collected.
    this.#recipients.length = 0;
    this.#otherCodes.clear();
    this.#actions.length = 0;
    this.#types.length = 0;
    this.#texts.length = 0;
    this.#tenants.length = 0;
    this.#tails.length = 0;
  }

  /** Stores a message; answers its slot. */
  #store(
    recipient: string,
    code: string,
    action: OutboxMessage["action"],
    messageType: OutboxMessage["message_type"],
    text: string | RenderText,
    tenant: string,
    at: number,
  ): number {
    this.#seq += 1;
    let slot: number;
    if (this.#length < this.#max) {
      slot = this.#length++;
    } else {
      slot = this.#head;
      this.#head = this.#head + 1 === this.#max ? 0 : this.#head + 1;
    }
    this.#seqs[slot] = this.#seq;
    this.#ats[slot] = at;
    this.#recipients[slot] = recipient;
    const value = sixDigitValue(code);
    this.#codes[slot] = value;
    if (value < 0) this.#otherCodes.set(slot, code);
    else if (this.#otherCodes.size > 0) this.#otherCodes.delete(slot);
    this.#actions[slot] = action;
    this.#types[slot] = messageType;
    this.#texts[slot] = text;
    this.#tenants[slot] = tenant;
    this.#tails[slot] = undefined;
    return slot;
  }

  /** The message in a slot, as the control API answers it. */
  #message(slot: number): OutboxMessage {
    const tail = this.#tails[slot] ?? randomString(8);
    this.#tails[slot] = tail;
    const value = this.#codes[slot] as number;
    const code = value < 0 ? (this.#otherCodes.get(slot) as string) : String(value).padStart(6, "0");
    const action = this.#actions[slot] as OutboxMessage["action"];
    const messageType = this.#types[slot] as OutboxMessage["message_type"];
    const text = this.#texts[slot] as string | RenderText;
    return {
      id: `msg_${String(this.#seqs[slot]).padStart(12, "0")}${tail}`,
      recipient: this.#recipients[slot] as string,
      code,
      text: typeof text === "string" ? text : text(messageType, action, code, this.#tenants[slot] as string),
      action,
      message_type: messageType,
      created_at: new Date(this.#ats[slot] as number).toISOString(),
    };
  }
}

/** The value of a code of exactly six ASCII digits ("012345" is 12345), or -1 for any other text. */
function sixDigitValue(code: string): number {
  if (code.length !== 6) return -1;
  let value = 0;
  for (let i = 0; i < 6; i++) {
    const d = code.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
