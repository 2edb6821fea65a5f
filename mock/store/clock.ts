/**
 * The mock's notion of time. Every expiry and every rate-limit refill reads this clock, so tests and
 * the control API (`POST /__mock/clock`) move time forward instead of sleeping.
 */
/**
 * The most the clock may be moved ahead in total: 100 years. Far beyond any lifetime the mock
 * knows (a year at most), and far inside what a Date can hold (about 275,000 years), so `nowIso()`
 * always answers (docs/behaviour.md#clock-bounds).
 */
export const MAX_OFFSET_MS = 100 * 365 * 86_400_000;

/** An advance that would take the clock's total offset past MAX_OFFSET_MS; the message names the cap. */
export class ClockOffsetError extends RangeError {
  override readonly name = "ClockOffsetError";
}

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

  /**
   * Moves time forward; going back would let expired codes come back to life, so it is refused. The
   * total offset is capped at MAX_OFFSET_MS: past it, a ClockOffsetError and the clock is unchanged.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance() takes a finite, non-negative number of ms, got ${ms}`);
    }
    if (this.#offset + ms > MAX_OFFSET_MS) {
      const left = Math.floor((MAX_OFFSET_MS - this.#offset) / 1000);
      throw new ClockOffsetError(
        `the clock may be moved at most ${MAX_OFFSET_MS / 1000} seconds (100 years) ahead in total; ` +
          `${left} seconds are left; POST /__mock/reset brings it back`,
      );
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
