/**
 * The metrics a flow scenario judges a limit by, request by request: what the target admitted, what
 * the bucket replayed on the same instants predicts (load/lib/token-bucket.ts), and whether each answer
 * was the predicted one; then the accuracy figure for the summary. Created in the init context, as k6
 * requires of metrics.
 */
import { Counter, Rate } from "k6/metrics";
import type { Bucket } from "../rate-limits.ts";
import { type EnvelopeSummary, type K6SummaryData, replayEnvelope } from "../summary.ts";

/** Counters `<prefix>_attempts`, `_admitted`, `_limited`, `_predicted`, and the Rate `<prefix>_as_predicted`. */
export class ReplayMetrics {
  readonly #prefix: string;
  readonly #attempts: Counter;
  readonly #admitted: Counter;
  readonly #limited: Counter;
  readonly #predicted: Counter;
  readonly #asPredicted: Rate;
  // The continuous envelope needs each bucket's time span; k6 metrics are the only way out of the VUs.
  readonly #elapsedMs: Counter;
  readonly #keys: Counter;

  constructor(prefix: string) {
    this.#prefix = prefix;
    this.#attempts = new Counter(`${prefix}_attempts`);
    this.#admitted = new Counter(`${prefix}_admitted`);
    this.#limited = new Counter(`${prefix}_limited`);
    this.#predicted = new Counter(`${prefix}_predicted`);
    this.#asPredicted = new Rate(`${prefix}_as_predicted`);
    this.#elapsedMs = new Counter(`${prefix}_elapsed_ms`);
    this.#keys = new Counter(`${prefix}_buckets`);
  }

  /** Records one bucket's requests: at which instants, whether each was admitted and whether predicted so. */
  record(
    requests: Array<{ atMs: number; admitted: boolean; predictedAdmitted: boolean; asPredicted: boolean }>,
  ): void {
    if (requests.length === 0) return;
    this.#keys.add(1);
    const first = requests[0] as { atMs: number };
    const last = requests[requests.length - 1] as { atMs: number };
    this.#elapsedMs.add(Math.max(0, last.atMs - first.atMs));
    // Every counter gets a sample, 0 included: k6 never fails a threshold on a metric without one,
    // so a target that never refuses must still be seen to refuse 0 times.
    const count = (f: (r: (typeof requests)[number]) => boolean) => requests.filter(f).length;
    this.#attempts.add(requests.length);
    this.#admitted.add(count((r) => r.admitted));
    this.#limited.add(count((r) => !r.admitted));
    this.#predicted.add(count((r) => r.predictedAdmitted));
    for (const r of requests) this.#asPredicted.add(r.asPredicted);
  }

  /** The summary's envelope block: admitted against the replay's prediction, and the continuous envelope. */
  envelope(data: K6SummaryData, bucket: Bucket, key: string, tolerancePercent: number): EnvelopeSummary {
    return replayEnvelope(data, { prefix: this.#prefix, key, bucket, tolerancePercent });
  }
}
