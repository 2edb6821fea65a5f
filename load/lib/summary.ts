/**
 * The summary every scenario writes from `handleSummary`: k6's own summary data (metrics, thresholds,
 * state), without the setup data (it holds credentials), plus what the harness adds: which scenario
 * and target, whether every threshold held, the rate-limit envelope and the ramp's knee.
 * Also the short text printed at the end of a run, and the list of secrets a run used.
 * Pure module: no k6 and no Node imports.
 */

import type { Knee, StageResult } from "./knee.ts";
import { type MetricValues, metricValue } from "./metric-values.ts";
import { type Bucket, type EnvelopeAccuracy, predictedAccuracy } from "./rate-limits.ts";

export { type MetricValues, metricValue };

export interface K6Metric {
  type: "counter" | "rate" | "trend" | "gauge";
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** The part of k6's handleSummary data the harness reads. */
export interface K6SummaryData {
  metrics: Record<string, K6Metric>;
  state?: { testRunDurationMs?: number };
  root_group?: unknown;
  options?: unknown;
  setup_data?: unknown;
}

export interface EnvelopeSummary extends EnvelopeAccuracy {
  /**
   * Which bucket: "global" (per tenant) for the challenge scenarios, "failed-codes-per-user" and
   * "oob-exchange-per-mfa-token" for the OTP and push flows.
   */
  key: string;
  /** How many buckets of that kind the run filled (one per user or mfa_token); 1 when absent. */
  keys?: number;
  burst: number;
  refillPerSecond: number;
  /** Requests refused with the rate-limit answer. */
  limited: number;
  /** Same as elapsedSeconds; the name the report reads. */
  durationSeconds: number;
  /**
   * A replayed envelope's counters, `<counters>_attempts`, `_admitted`, ...: what the merge of
   * several runners judges it on again.
   */
  counters?: string;
}

export interface HarnessSummary {
  /** Shape version of the `harness` block. */
  version: 1;
  scenario: string;
  target: string;
  /** host[:port] of the target, never credentials. */
  host: string;
  profile: string;
  /** True when every threshold held (k6 exits 99 otherwise). */
  passed: boolean;
  failedThresholds: string[];
  finishedAt: string;
  /** Responses checked against the description, and how many conformed. */
  schema: { checked: number; conforming: number; findings: number };
  envelope?: EnvelopeSummary;
  /** Ramp only: per-stage results and the first stage past the knee (null when every stage held). */
  knee?: { found: Knee | null; stages: StageResult[] };
  /** Scenario-specific figures (counts of refusals seen, etc.). */
  figures: Record<string, number>;
  /**
   * The figures that are a counter's count (figure → metric): a merge of several runners takes them
   * from the merged metric, where the other figures (the plan's) are every runner's alike.
   */
  counted?: Record<string, string>;
  /** Reference of Auth0's written approval of the test (LOAD_AUTH0_APPROVAL), when one was given. */
  approval?: string;
  /** How many k6 runners (execution segments) the run was split over, when more than one (merged). */
  runners?: number;
}

/** One second of a run (setup and teardown left out), from k6's points: `t` is seconds since the first point. */
export interface SeriesPoint {
  t: number;
  /** HTTP requests answered in this second (k6's http_reqs). */
  requests: number;
  /** Answers with status 429. */
  limited: number;
  /** Failed requests other than 429: k6's `expected_response` false (else status 0 or 400 and up). */
  errors: number;
  /** Percentiles of http_req_duration in ms; absent in a second without requests. */
  p50?: number;
  p95?: number;
  /** The scenario's `admitted` counter in this second, when it has one (the over-limit scenario). */
  admitted?: number;
}

/** `series.json` beside the summary: the run per second, aggregated from k6's CSV points. */
export interface SeriesSummary {
  version: 1;
  /** Epoch ms of the first point (t = 0). */
  startMs: number;
  points: SeriesPoint[];
}

export type LoadSummary = Omit<K6SummaryData, "setup_data"> & {
  harness: HarnessSummary;
  envelope?: EnvelopeSummary;
};

/**
 * The envelope of a limit judged by replay (the flow scenarios, load/lib/k6/replay-metrics.ts), from
 * its counters `<prefix>_attempts`, `_admitted`, `_limited`, `_predicted`, `_elapsed_ms` and
 * `_buckets`: one run's, or the sums of several runners'. Sums judge the same: each counter is a
 * sum over buckets (one per user or mfa_token), whichever runner recorded them; each runner's
 * replay predicts its own buckets right because no two runners drive the same user.
 */
export function replayEnvelope(
  data: { metrics: MetricValues },
  spec: { prefix: string; key: string; bucket: Bucket; tolerancePercent: number },
): EnvelopeSummary {
  const value = (name: string) => metricValue(data, `${spec.prefix}_${name}`, "count");
  const keys = value("buckets");
  const accuracy = predictedAccuracy({
    bucket: spec.bucket,
    attempts: value("attempts"),
    admitted: value("admitted"),
    predicted: value("predicted"),
    keys,
    elapsedSeconds: value("elapsed_ms") / 1000,
    tolerancePercent: spec.tolerancePercent,
  });
  return {
    ...accuracy,
    key: spec.key,
    keys,
    burst: spec.bucket.burst,
    refillPerSecond: spec.bucket.refillPerSecond,
    limited: value("limited"),
    durationSeconds: accuracy.elapsedSeconds,
    counters: spec.prefix,
  };
}

/** The `figures` and `counted` of figures that are counters' counts (figure → metric). */
export function countedFigures(
  data: { metrics: MetricValues },
  counted: Record<string, string>,
): { figures: Record<string, number>; counted: Record<string, string> } {
  const figures: Record<string, number> = {};
  for (const [figure, metric] of Object.entries(counted))
    figures[figure] = metricValue(data, metric, "count");
  return { figures, counted };
}

/** Thresholds that failed, as "metric: expression". */
export function failedThresholds(data: K6SummaryData): string[] {
  const failed: string[] = [];
  for (const name of Object.keys(data.metrics).sort()) {
    const thresholds = data.metrics[name]?.thresholds ?? {};
    for (const expr of Object.keys(thresholds))
      if (thresholds[expr]?.ok === false) failed.push(`${name}: ${expr}`);
  }
  return failed;
}

/** Builds the summary file: k6's data minus the setup data, plus the harness block. */
export function buildSummary(
  data: K6SummaryData,
  info: Pick<HarnessSummary, "scenario" | "target" | "host" | "profile" | "finishedAt"> &
    Partial<Pick<HarnessSummary, "envelope" | "knee" | "figures" | "counted">>,
): LoadSummary {
  const { setup_data: _secrets, ...k6 } = data;
  const failed = failedThresholds(data);
  const checked =
    metricValue(data, "schema_conformance", "passes") + metricValue(data, "schema_conformance", "fails");
  const harness: HarnessSummary = {
    version: 1,
    ...info,
    passed: failed.length === 0,
    failedThresholds: failed,
    schema: {
      checked,
      conforming: metricValue(data, "schema_conformance", "passes"),
      findings: metricValue(data, "schema_findings", "count"),
    },
    figures: info.figures ?? {},
  };
  return info.envelope ? { ...k6, harness, envelope: info.envelope } : { ...k6, harness };
}

/** The rate-limit accuracy line, e.g. "admitted 776 of envelope 775.0 (100.1%, +0.13%, tolerance ±2%)". */
export function accuracyLine(e: EnvelopeAccuracy): string {
  const sign = e.deviationPercent >= 0 ? "+" : "";
  const verdict = e.withinTolerance ? "within" : "OUTSIDE";
  if (e.basis === "replay") {
    return (
      `rate-limit accuracy: admitted ${e.admitted} of ${e.attempts} vs predicted ${e.expected} ` +
      `(the bucket replayed on the requests' times; envelope ${e.envelope.toFixed(1)} over ${e.elapsedSeconds.toFixed(2)} s) ` +
      `= ${e.accuracyPercent.toFixed(2)}% (${sign}${e.deviationPercent.toFixed(2)}%, ${verdict} ±${e.tolerancePercent}%)`
    );
  }
  const note = e.burstExhausted ? "" : " (the run never emptied the bucket: run longer to test the refill)";
  return (
    `rate-limit accuracy: admitted ${e.admitted} vs envelope ${e.expected.toFixed(1)} ` +
    `(burst + rate × ${e.elapsedSeconds.toFixed(2)} s) = ${e.accuracyPercent.toFixed(2)}% ` +
    `(${sign}${e.deviationPercent.toFixed(2)}%, ${verdict} ±${e.tolerancePercent}%)${note}`
  );
}

/**
 * The text printed at the end of a run. For one runner's share of a split run (`share`: its 0-based
 * position and how many runners) only its requests and schema checks: its thresholds are the whole
 * run's, and its envelope, knee and counted figures are one share's, so only the merge's verdict
 * and figures say something of the run.
 */
export function summaryText(summary: LoadSummary, share?: { index: number; count: number }): string {
  const h = summary.harness;
  const verdict = share
    ? `runner ${share.index + 1} of ${share.count}, its share only (the merge judges the whole run)`
    : h.passed
      ? "PASSED"
      : "FAILED";
  const lines = [`${h.scenario} against ${h.target} (${h.host}, profile ${h.profile}): ${verdict}`];
  const reqs = summary.metrics.http_reqs?.values;
  const dur = summary.metrics.http_req_duration?.values;
  if (reqs && dur) {
    lines.push(
      `requests: ${reqs.count ?? 0} (${(reqs.rate ?? 0).toFixed(1)}/s, setup included), p95 ${(dur["p(95)"] ?? 0).toFixed(1)} ms, max ${(dur.max ?? 0).toFixed(1)} ms`,
    );
  }
  lines.push(
    `schema: ${h.schema.conforming}/${h.schema.checked} responses conform, ${h.schema.findings} findings`,
  );
  if (share) return `${lines.join("\n")}\n`;
  if (summary.envelope) lines.push(accuracyLine(summary.envelope));
  if (h.knee) {
    const k = h.knee.found;
    const top = h.knee.stages[h.knee.stages.length - 1]?.rate ?? 0;
    lines.push(
      k
        ? `knee: stage ${k.stage + 1} at ${k.rate}/s (${k.reason}); last rate that held: ${k.lastGoodRate ?? "none"}/s`
        : `knee: none up to ${top}/s (every stage held)`,
    );
  }
  // The scenario's own figures (its plan's, and counts it keeps), on one line that says what they are.
  const figures = Object.entries(h.figures).map(([name, value]) => `${name} ${value}`);
  if (figures.length > 0) lines.push(`figures: ${figures.join(", ")}`);
  for (const f of h.failedThresholds) lines.push(`threshold failed: ${f}`);
  return `${lines.join("\n")}\n`;
}

/** Every secret value in the setup data (credentials, tokens, phone numbers), for the leak check. */
export function setupSecrets(setupData: unknown): Array<{ kind: string; value: string }> {
  const out: Array<{ kind: string; value: string }> = [];
  const kinds: Record<string, string> = {
    clientSecret: "client_secret",
    mfaToken: "mfa_token",
    password: "password",
    phone: "phone",
    inboxToken: "secret",
    otpSecret: "otp_secret",
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const item of v) walk(item);
    else if (typeof v === "object" && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const kind = kinds[k];
        if (kind && typeof child === "string" && child !== "") out.push({ kind, value: child });
        else walk(child);
      }
    }
  };
  walk(setupData);
  return out;
}
