/**
 * The failed-code lockout as Auth0 describes it (docs/behaviour.md#per-user-limits, #factor-limits):
 * one bucket per user for every wrong 6-digit code (SMS, voice, email and OTP alike), 10 burst and one
 * more every 6 minutes. While it is empty every code is refused with the lockout answer, the right one
 * too; a wrong code otherwise takes a token. The OTP brute-force scenario replays its attempts through
 * this model and compares each answer. Pure module: no k6 and no Node imports.
 */
import type { Bucket } from "./rate-limits.ts";
import { BucketReplay } from "./token-bucket.ts";

/** A code sent at `atMs` (epoch ms on the target's clock); `right` when it is the valid one. */
export interface CodeAttempt {
  atMs: number;
  right: boolean;
}

/** What the target should answer: wrong (refused, counted), locked (lockout answer) or accepted. */
export type CodeOutcome = "wrong" | "locked" | "accepted";

/** The answer to each attempt, in order, for a user whose bucket is full before the first. */
export function predictCodeAttempts(bucket: Bucket, attempts: readonly CodeAttempt[]): CodeOutcome[] {
  const replay = new BucketReplay(bucket);
  return attempts.map((a) => {
    // The lockout is checked before the code is compared, so even the right code is refused.
    if (!replay.has(a.atMs)) return "locked";
    if (a.right) return "accepted";
    replay.take(a.atMs);
    return "wrong";
  });
}

/** How many of `outcomes` the limiter let through (anything but the lockout). */
export function admittedCount(outcomes: readonly string[], refused: string): number {
  return outcomes.filter((o) => o !== refused).length;
}
