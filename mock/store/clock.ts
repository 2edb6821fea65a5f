/**
 * The mock's notion of time. Every expiry and every rate-limit refill reads this clock, so tests and
 * the control API (`POST /__mock/clock`) move time forward instead of sleeping.
 */
export class Clock {
  readonly #frozenAt: number | undefined;
  #offset = 0;
  #isoAt = Number.NaN;
  #iso = "";

  /** Real time plus an offset; with `frozenAt` (epoch ms) time only moves through `advance()`. */
  constructor(opts?: { frozenAt?: number }) {
    const frozenAt = opts?.frozenAt;
    if (frozenAt !== undefined && !Number.isFinite(frozenAt)) {
      throw new RangeError(`frozenAt must be a finite epoch time in ms, got ${frozenAt}`);
    }
    this.#frozenAt = frozenAt;
  }

  /** Current time in epoch milliseconds. */
  now(): number {
    return (this.#frozenAt ?? Date.now()) + this.#offset;
  }

  /** Current time as an ISO 8601 string (what `created_at` and `/__mock/clock` answer). */
  nowIso(): string {
    // Many answers fall in the same millisecond under load; the last one's text is reused.
    const now = this.now();
    if (now !== this.#isoAt) {
      this.#iso = new Date(now).toISOString();
      this.#isoAt = now;
    }
    return this.#iso;
  }

  /** Moves time forward; going back would let expired codes come back to life, so it is refused. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance() takes a finite, non-negative number of ms, got ${ms}`);
    }
    this.#offset += ms;
  }

  /** Drops the offset: real time again, or back to `frozenAt` for a frozen clock. */
  reset(): void {
    this.#offset = 0;
  }

  /** True when time only moves through `advance()`. */
  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }
}
