/**
 * A token bucket replayed request by request: what a limiter that follows Auth0's description (burst
 * tokens, refilled continuously) admits at given instants. The flow scenarios predict each answer with
 * it, from the times their requests reached the target, and compare. It is the load checks' own model,
 * written from docs/behaviour.md#plan-limits and not imported from the mock, so a mock whose limiter
 * drifts fails here instead of agreeing with itself.
 * Pure module: no k6 and no Node imports.
 */
import type { Bucket } from "./rate-limits.ts";

// Float tolerance: "exactly one refill interval later" always means one more token.
const EPSILON = 1e-6;

/** One bucket's state over a replay: the instant (epoch ms) at which it is full again. */
export class BucketReplay {
  readonly #burst: number;
  readonly #msPerToken: number;
  #fullAt: number | undefined;

  constructor(bucket: Bucket) {
    if (!(bucket.burst >= 1 && bucket.refillPerSecond > 0)) {
      throw new RangeError("a bucket needs burst >= 1 and refillPerSecond > 0");
    }
    this.#burst = bucket.burst;
    const exact = 1000 / bucket.refillPerSecond;
    // 1000 / (1/360) is 360000 up to rounding: keep whole milliseconds whole.
    this.#msPerToken = Math.abs(exact - Math.round(exact)) < EPSILON ? Math.round(exact) : exact;
  }

  /** Tokens in the bucket at `atMs` (0 to burst, fractional). */
  tokens(atMs: number): number {
    const fullAt = this.#fullAt === undefined || this.#fullAt < atMs ? atMs : this.#fullAt;
    return this.#burst - (fullAt - atMs) / this.#msPerToken;
  }

  /** True when a token is there at `atMs`, without taking it (a lockout check). */
  has(atMs: number): boolean {
    return this.tokens(atMs) >= 1 - EPSILON;
  }

  /** Takes a token at `atMs` when there is one; false (nothing taken) when the bucket is empty. */
  take(atMs: number): boolean {
    if (!this.has(atMs)) return false;
    const fullAt = this.#fullAt === undefined || this.#fullAt < atMs ? atMs : this.#fullAt;
    this.#fullAt = fullAt + this.#msPerToken;
    return true;
  }

  /** Whole seconds until a token is there (0 when one is), as `retry-after` counts them. */
  secondsToToken(atMs: number): number {
    const missing = 1 - this.tokens(atMs);
    return missing <= EPSILON ? 0 : Math.max(1, Math.ceil((missing * this.#msPerToken) / 1000 - EPSILON));
  }
}

/** Which of the requests at `timesMs` (ascending) a bucket starting full admits. */
export function replayBucket(bucket: Bucket, timesMs: readonly number[]): boolean[] {
  const replay = new BucketReplay(bucket);
  return timesMs.map((t) => replay.take(t));
}
