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

/** Default cap on stored messages. */
export const DEFAULT_OUTBOX_MAX = 10_000;

// Ids carry a zero-padded sequence number, so `after=<id>` still works once that message has been
// dropped, and a random tail, so ids of separate runs or resets do not collide.
const ID_PATTERN = /^msg_(\d{12})[A-Za-z0-9]{8}$/;

export class Outbox {
  readonly #clock: Clock;
  readonly #max: number;
  // A ring: grows to `max`, then each push overwrites the oldest at `#head` (O(1), where shifting a
  // 10,000-item array on every message once full cost a copy of the whole array).
  #ring: OutboxMessage[] = [];
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
    this.#seq += 1;
    const message: OutboxMessage = {
      id: `msg_${String(this.#seq).padStart(12, "0")}${randomString(8)}`,
      recipient: m.recipient,
      code: m.code,
      text: m.text,
      action: m.action,
      message_type: m.message_type,
      created_at: this.#clock.nowIso(),
    };
    if (this.#ring.length < this.#max) {
      this.#ring.push(message);
    } else {
      this.#ring[this.#head] = message;
      this.#head = this.#head + 1 === this.#max ? 0 : this.#head + 1;
    }
    return message;
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
    let keep: (m: OutboxMessage) => boolean = () => true;
    if (after !== undefined && after !== "") {
      const id = ID_PATTERN.exec(after);
      if (id) {
        const seq = Number(id[1]);
        keep = (m) => Number(m.id.slice(4, 16)) > seq;
      } else {
        const t = Date.parse(after);
        if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(after)) {
          throw new RangeError(`after must be a message id (msg_…) or an ISO 8601 time, got "${after}"`);
        }
        keep = (m) => Date.parse(m.created_at) >= t;
      }
    }
    const out: OutboxMessage[] = [];
    const ring = this.#ring;
    for (let i = 0; i < ring.length; i++) {
      const m = ring[(this.#head + i) % ring.length] as OutboxMessage;
      if ((recipient === undefined || m.recipient === recipient) && keep(m)) out.push(m);
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
}
