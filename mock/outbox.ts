/**
 * What the mock "sent" to phones: one entry per SMS or voice message, with the fields Auth0's
 * send-phone-message Action receives. Bounded: beyond `max` the oldest message is dropped, so a
 * long load run cannot grow it without end.
 */
import type { Clock } from "./clock.ts";
import { randomString } from "./random.ts";

export interface OutboxMessage {
  id: string;
  recipient: string;
  code: string;
  text: string;
  action: "enrollment" | "second-factor-authentication";
  message_type: "sms" | "voice";
  created_at: string /* ISO */;
}

/** Makes a message's text from its code and the tenant it was sent for. */
export type RenderText = (
  messageType: OutboxMessage["message_type"],
  action: OutboxMessage["action"],
  code: string,
  tenant: string,
) => string;

/** Default cap on stored messages. */
export const DEFAULT_OUTBOX_MAX = 10_000;

// Ids carry a zero-padded sequence number, so `after=<id>` still works once that message has been
// dropped, and a random tail, so ids of separate runs or resets do not collide.
const ID_PATTERN = /^msg_(\d{12})[A-Za-z0-9]{8}$/;

/**
 * A stored message, kept small on purpose: up to 10,000 of them live long enough to be copied by
 * the garbage collector, so the id (its random tail is drawn on first read, then kept), the ISO
 * time and (for messages recorded with a renderer) the text are only made when the message is read.
 */
class Entry {
  #tail: string | undefined = undefined;

  constructor(
    readonly seq: number,
    readonly at: number,
    readonly recipient: string,
    readonly code: string,
    readonly action: OutboxMessage["action"],
    readonly messageType: OutboxMessage["message_type"],
    readonly text: string | RenderText,
    readonly tenant: string,
  ) {}

  message(): OutboxMessage {
    this.#tail ??= randomString(8);
    return {
      id: `msg_${String(this.seq).padStart(12, "0")}${this.#tail}`,
      recipient: this.recipient,
      code: this.code,
      text:
        typeof this.text === "string"
          ? this.text
          : this.text(this.messageType, this.action, this.code, this.tenant),
      action: this.action,
      message_type: this.messageType,
      created_at: new Date(this.at).toISOString(),
    };
  }
}

export class Outbox {
  readonly #clock: Clock;
  readonly #max: number;
  // A ring: grows to `max`, then each push overwrites the oldest at `#head` (O(1), where shifting a
  // 10,000-item array on every message once full cost a copy of the whole array).
  #ring: Entry[] = [];
  #head = 0;
  #seq = 0;

  /** `max` (default 10,000) bounds the stored messages; the oldest go first. */
  constructor(clock: Clock, opts?: { max?: number }) {
    const max = opts?.max ?? DEFAULT_OUTBOX_MAX;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.#clock = clock;
    this.#max = max;
  }

  /** Records a message and answers it with its id and `created_at`. */
  push(m: Omit<OutboxMessage, "id" | "created_at">): OutboxMessage {
    return this.#store(m.recipient, m.code, m.action, m.message_type, m.text, "").message();
  }

  /**
   * Records a message whose text `render` makes when it is read (the same text, made later): the
   * hot path of every challenge then builds neither the text nor the message object.
   */
  pushRendered(
    recipient: string,
    code: string,
    action: OutboxMessage["action"],
    messageType: OutboxMessage["message_type"],
    render: RenderText,
    tenant: string,
  ): void {
    this.#store(recipient, code, action, messageType, render, tenant);
  }

  /**
   * Messages oldest first, optionally only those to `recipient` and after `after`: a message id
   * (strictly after it) or an ISO time (created at or after it: a client that notes the time and then
   * triggers a message within the same millisecond must still see it). Throws RangeError when `after`
   * is neither, so the control API can answer 400.
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
          throw new RangeError(`after must be a message id (msg_…) or an ISO 8601 time, got "${after}"`);
        }
        afterTime = t;
      }
    }
    const out: OutboxMessage[] = [];
    const ring = this.#ring;
    for (let i = 0; i < ring.length; i++) {
      const e = ring[(this.#head + i) % ring.length] as Entry;
      if ((recipient === undefined || e.recipient === recipient) && e.seq > afterSeq && e.at >= afterTime) {
        out.push(e.message());
      }
    }
    return out;
  }

  /** Number of stored messages. */
  size(): number {
    return this.#ring.length;
  }

  /** Forgets every message (ids keep increasing, so an old `after` id stays meaningful). */
  clear(): void {
    this.#ring = [];
    this.#head = 0;
  }

  #store(
    recipient: string,
    code: string,
    action: OutboxMessage["action"],
    messageType: OutboxMessage["message_type"],
    text: string | RenderText,
    tenant: string,
  ): Entry {
    this.#seq += 1;
    const entry = new Entry(this.#seq, this.#clock.now(), recipient, code, action, messageType, text, tenant);
    if (this.#ring.length < this.#max) {
      this.#ring.push(entry);
    } else {
      this.#ring[this.#head] = entry;
      this.#head = this.#head + 1 === this.#max ? 0 : this.#head + 1;
    }
    return entry;
  }
}
