/**
 * Auth0's rate-limit algorithm: a token bucket per (limit, key) whose size is the burst and which
 * refills continuously (Auth0 adds tokens by the millisecond for per-second limits; the mock does so
 * for every rate, which matches Auth0's per-minute and per-hour limits to within one second).
 *
 * A bucket is stored as one number, the time at which it is full again (the "theoretical arrival
 * time" of GCRA, which is the same algorithm as a continuously refilled bucket). Refill is lazy: a
 * bucket is only computed when it is read, so an idle key costs nothing and the hot path allocates
 * nothing but the answer. A full bucket is exactly the same as no bucket, which is what makes the
 * memory bound safe: when the number of keys reaches `maxKeys`, full (idle) buckets are dropped first,
 * and no limit is lost by that.
 */
import type { Clock } from "../store/clock.ts";

export interface BucketSpec {
  name: string;
  burst: number;
  refillPerSecond: number; // e.g. 1/h => 1/3600
}
export interface Take {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetEpochSeconds: number;
  retryAfterSeconds: number;
}

/** Default cap on the number of buckets kept in memory. */
const DEFAULT_MAX_KEYS = 100_000;

// Tolerance for float rounding, so that "exactly one hour later" always means "one more token".
const EPSILON = 1e-6;

/** Milliseconds per token; snapped to an integer when it is one up to rounding (1000 / (1/3600)). */
function msPerToken(spec: BucketSpec): number {
  const exact = 1000 / spec.refillPerSecond;
  const rounded = Math.round(exact);
  const ms = Math.abs(exact - rounded) < EPSILON ? rounded : exact;
  if (!(ms > 0 && ms < Number.POSITIVE_INFINITY && spec.burst >= 1)) {
    throw new RangeError(`bucket ${spec.name}: burst must be >= 1 and refillPerSecond > 0`);
  }
  return ms;
}

function checkCost(cost: number): void {
  if (!(cost >= 0 && cost < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`cost must be a finite, non-negative number, got ${cost}`);
  }
}

/** The answer for a bucket that is full again at `fullAt` (>= now); `wanted` tokens decide `allowed`. */
function answer(
  spec: BucketSpec,
  now: number,
  fullAt: number,
  ms: number,
  wanted: number,
  allowed: boolean,
): Take {
  const tokens = spec.burst - (fullAt - now) / ms;
  return {
    allowed,
    limit: spec.burst,
    remaining: Math.max(0, Math.floor(tokens + EPSILON)),
    resetEpochSeconds: Math.ceil(fullAt / 1000),
    // Seconds until `wanted` tokens are there (with the default cost, until 1 token is).
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(((wanted - tokens) * ms) / 1000 - EPSILON)),
  };
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #maxKeys: number;
  // spec name -> key -> epoch ms at which the bucket is full again. Nested maps so that a lookup
  // never builds a composite key string.
  readonly #buckets = new Map<string, Map<string, number>>();
  #size = 0;

  /** `maxKeys` (default 100,000) bounds the buckets kept over all specs. */
  constructor(clock: Clock, opts?: { maxKeys?: number }) {
    const maxKeys = opts?.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
    }
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  /**
   * Takes `cost` tokens (default 1) when there are enough; the answer carries the header values.
   * `now` (default: the clock) lets a request read the time once for all it does.
   */
  take(spec: BucketSpec, key: string, cost = 1, now = this.#clock.now()): Take {
    checkCost(cost);
    const ms = msPerToken(spec);
    const keyed = this.#buckets.get(spec.name);
    const stored = keyed?.get(key);
    const fullAt = stored === undefined || stored < now ? now : stored;
    const after = fullAt + cost * ms;
    if (after - now > spec.burst * ms + EPSILON) return answer(spec, now, fullAt, ms, cost, false);
    if (cost > 0) {
      if (keyed !== undefined && stored !== undefined) keyed.set(key, after);
      else this.#insert(spec.name, keyed, key, after);
    }
    return answer(spec, now, after, ms, cost, true);
  }

  /** The state of a bucket without taking from it (an unknown key is a full bucket). */
  peek(spec: BucketSpec, key: string): Take {
    const ms = msPerToken(spec);
    const now = this.#clock.now();
    const stored = this.#buckets.get(spec.name)?.get(key);
    const fullAt = stored === undefined || stored < now ? now : stored;
    return answer(spec, now, fullAt, ms, 1, fullAt + ms - now <= spec.burst * ms + EPSILON);
  }

  /** Gives `cost` tokens (default 1) back, never beyond the burst. */
  refund(spec: BucketSpec, key: string, cost = 1): void {
    checkCost(cost);
    const ms = msPerToken(spec);
    const keyed = this.#buckets.get(spec.name);
    const stored = keyed?.get(key);
    if (keyed === undefined || stored === undefined) return;
    const fullAt = stored - cost * ms;
    if (fullAt <= this.#clock.now()) {
      keyed.delete(key);
      this.#size -= 1;
    } else {
      keyed.set(key, fullAt);
    }
  }

  /** Drops every bucket that is full by now (no state is lost); answers how many were dropped. */
  sweep(): number {
    const now = this.#clock.now();
    let dropped = 0;
    for (const keyed of this.#buckets.values()) {
      for (const [key, fullAt] of keyed) {
        if (fullAt <= now) {
          keyed.delete(key);
          dropped += 1;
        }
      }
    }
    this.#size -= dropped;
    return dropped;
  }

  /** Forgets every bucket: every key starts full. */
  clear(): void {
    this.#buckets.clear();
    this.#size = 0;
  }

  /** Number of buckets held. */
  size(): number {
    return this.#size;
  }

  #insert(name: string, keyed: Map<string, number> | undefined, key: string, fullAt: number): void {
    if (this.#size >= this.#maxKeys) this.#makeRoom();
    let map = keyed;
    if (map === undefined) {
      map = new Map();
      this.#buckets.set(name, map);
    }
    map.set(key, fullAt);
    this.#size += 1;
  }

  /**
   * Called only at the cap. Drops the full buckets; if that frees less than an eighth of the cap, it
   * also drops the buckets closest to full (the least state lost; those keys get a full bucket again,
   * so the limit errs towards letting requests through). Freeing an eighth at a time keeps the cost
   * of this O(n) pass amortised O(1) per new key.
   */
  #makeRoom(): void {
    this.sweep();
    const target = this.#maxKeys - Math.max(1, Math.floor(this.#maxKeys / 8));
    if (this.#size <= target) return;
    const nearlyFull: Array<[number, Map<string, number>, string]> = [];
    for (const keyed of this.#buckets.values()) {
      for (const [key, fullAt] of keyed) nearlyFull.push([fullAt, keyed, key]);
    }
    nearlyFull.sort((a, b) => a[0] - b[0]);
    for (const [, keyed, key] of nearlyFull.slice(0, this.#size - target)) keyed.delete(key);
    this.#size = target;
  }
}
