/**
 * Polling for a push (`mfa-oob` with the push's oob_code and no binding code) as Auth0 describes it
 * (docs/behaviour.md#push, #factor-limits), and the schedule the push-polling scenario polls on. Two
 * limits meet there:
 * - every poll counts towards the `mfa-oob` exchange bucket of its mfa_token (12 burst, 12 a minute on
 *   essentials and enterprise; none on free): an empty bucket answers 429 `too_many_requests`, and
 *   such a poll is not seen by the push at all;
 * - a poll that passes the bucket within 5 seconds of the previous such poll of the same oob_code
 *   answers 429 `slow_down` with `retry-after` the seconds left, and counts as a poll from then on
 *   (a client that keeps polling fast keeps being told to slow down);
 * otherwise the push's state answers: `authorization_pending` before the tap, tokens once approved.
 * Pure module: no k6 and no Node imports.
 */
import type { Bucket } from "./rate-limits.ts";
import { BucketReplay } from "./token-bucket.ts";

/** The documented polling interval (Auth0's own sample polls every 5 seconds). */
export const POLL_INTERVAL_MS = 5000;

/**
 * The scenario's polling: every 1.8 s, 24 times, then (once the push is approved) one poll 6 s after
 * the last. Faster than the interval, so most polls are told to slow down, and past the exchange
 * bucket's burst, so some are rate limited; the polls the bucket refuses leave gaps long enough for
 * the interval, so a few are answered pending again. No poll falls within 400 ms of either limit's
 * boundary, so a poll sent a few milliseconds late is answered as planned.
 */
export const POLLING = { everyMs: 1800, polls: 24, finalAfterMs: 6000 } as const;

export type PollOutcome = "pending" | "slow_down" | "rate_limited" | "tokens" | "used";

export interface Poll {
  /** Epoch ms on the target's clock when the target answered the poll. */
  atMs: number;
  /** True once the user has approved the push. */
  approved: boolean;
}

export interface PollPrediction {
  outcome: PollOutcome;
  /** Seconds of `retry-after` on a 429 (slow_down or rate_limited). */
  retryAfter?: number;
}

/** The answer to each poll of one push on a fresh mfa_token; `exchange` null on a plan without that limit. */
export function predictPolls(exchange: Bucket | null, polls: readonly Poll[]): PollPrediction[] {
  const bucket = exchange ? new BucketReplay(exchange) : undefined;
  let lastPollAt: number | undefined;
  let used = false;
  return polls.map((p): PollPrediction => {
    if (bucket && !bucket.take(p.atMs)) {
      return { outcome: "rate_limited", retryAfter: bucket.secondsToToken(p.atMs) };
    }
    if (used) return { outcome: "used" };
    const last = lastPollAt;
    lastPollAt = p.atMs;
    if (last !== undefined && p.atMs - last < POLL_INTERVAL_MS) {
      return {
        outcome: "slow_down",
        retryAfter: Math.max(1, Math.ceil((POLL_INTERVAL_MS - (p.atMs - last)) / 1000)),
      };
    }
    if (!p.approved) return { outcome: "pending" };
    used = true;
    return { outcome: "tokens" };
  });
}

/** The planned offsets (ms from the first poll) of the fast polls and of the final one. */
export function pollOffsets(): { fast: number[]; final: number } {
  const fast = Array.from({ length: POLLING.polls }, (_, i) => i * POLLING.everyMs);
  return { fast, final: (fast[fast.length - 1] ?? 0) + POLLING.finalAfterMs };
}

/** The split of outcomes the plan predicts for one push: how many polls of each kind. */
export function plannedSplit(exchange: Bucket | null): Record<PollOutcome, number> {
  const { fast, final } = pollOffsets();
  const polls = [...fast.map((atMs) => ({ atMs, approved: false })), { atMs: final, approved: true }];
  return countOutcomes(predictPolls(exchange, polls).map((p) => p.outcome));
}

/** Counts of each outcome (every kind present, 0 when absent). */
export function countOutcomes(outcomes: readonly PollOutcome[]): Record<PollOutcome, number> {
  const counts: Record<PollOutcome, number> = {
    pending: 0,
    slow_down: 0,
    rate_limited: 0,
    tokens: 0,
    used: 0,
  };
  for (const o of outcomes) counts[o]++;
  return counts;
}
