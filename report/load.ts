/**
 * Load results per scenario from k6's summary JSON (`handleSummary` data, or the older
 * `--summary-export` shape) and an optional envelope file (see reports/README.md "Load results").
 */

import type { Knee, StageResult } from "../load/lib/knee.ts";
import { envelope } from "../load/lib/rate-limits.ts";
import type { EnvelopeSummary, HarnessSummary, SeriesPoint } from "../load/lib/summary.ts";

/**
 * A scenario's rate-limit envelope as the report reads it: the `envelope` block of the summary (see
 * load/lib/summary.ts) or an envelope file, where only the bucket is required, plus a timeline.
 */
export type Envelope = Pick<EnvelopeSummary, "burst" | "refillPerSecond"> &
  Partial<
    Pick<
      EnvelopeSummary,
      | "key"
      | "accuracyPercent"
      | "tolerancePercent"
      | "withinTolerance"
      | "attempts"
      | "admitted"
      | "limited"
      | "expected"
      | "durationSeconds"
    >
  > & {
    /** Counts per interval; `t` in seconds from the start, at the end of the interval. */
    timeline?: Array<{ t: number; admitted: number; limited: number }>;
  };

export interface Threshold {
  metric: string;
  expression: string;
  ok: boolean;
}

/** The summary's `harness` block (load/lib/summary.ts) as the report reads it: every field optional. */
export type Harness = Partial<
  Pick<
    HarnessSummary,
    "target" | "host" | "profile" | "passed" | "schema" | "finishedAt" | "figures" | "approval" | "runners"
  >
> & {
  /** Ramp: per-stage rate, p95 and errors, and the first stage past the knee. */
  stages?: StageResult[];
  knee?: Knee | null;
};

export interface LoadResult {
  scenario: string;
  harness?: Harness;
  /** Latency of http_req_duration in ms, by label (avg, p(50), p(90), p(95), p(99), max). */
  latency: Array<{ label: string; ms: number }>;
  /** k6's http_reqs: every request of the run, setup's included, and their rate over the whole run. */
  requests: number;
  rps: number;
  /**
   * The scenario's main phase, from the series (k6's points, setup and teardown left out): its
   * requests and their rate over the seconds it spanned; what the plan's rate is to be compared with.
   */
  main?: { requests: number; rps: number; seconds: number };
  durationSeconds: number;
  failedShare?: number;
  checksPassed?: number;
  checksFailed?: number;
  limited?: number;
  admitted?: number;
  envelope?: Envelope;
  /** The run per second, from series.json (k6's points), when it was recorded. */
  series?: SeriesPoint[];
  /** A run split over several k6 runners: each runner's share (the figures above are the merge's). */
  runners?: RunnerShareView[];
  thresholds: Threshold[];
  /** Files of this scenario's folder, relative to the reports folder, for links. */
  files: string[];
}

/** One runner's share of a merged run, as the report shows it (load/tooling/merge.ts RunnerShare). */
export interface RunnerShareView {
  index: number;
  segment?: string;
  requests: number;
  admitted?: number;
  p95?: number;
  exitCode?: number;
}

type Values = Record<string, number>;

/** The values of a metric in either summary shape (`{values:{...}}` or flat). */
function valuesOf(metrics: Record<string, unknown>, name: string): Values | undefined {
  const m = metrics[name];
  if (!m || typeof m !== "object") return undefined;
  const v = (m as { values?: unknown }).values ?? m;
  return typeof v === "object" && v !== null ? (v as Values) : undefined;
}

/** A number, or undefined when it is not a finite number. */
function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

const LATENCY_KEYS: Array<[string, string]> = [
  ["avg", "avg"],
  ["p(50)", "med"],
  ["p(90)", "p(90)"],
  ["p(95)", "p(95)"],
  ["p(99)", "p(99)"],
  ["max", "max"],
];

/** Reads one scenario's summary (and envelope) into what the report draws. */
export function parseLoadSummary(
  scenario: string,
  summary: unknown,
  envelopeFile?: unknown,
  files: string[] = [],
  seriesFile?: unknown,
): LoadResult {
  const root = (typeof summary === "object" && summary !== null ? summary : {}) as Record<string, unknown>;
  const metrics = (root.metrics ?? {}) as Record<string, unknown>;
  const duration = valuesOf(metrics, "http_req_duration") ?? {};
  const latency = LATENCY_KEYS.flatMap(([label, key]) => {
    const ms = num(duration[key]) ?? (label === "p(50)" ? num(duration["p(50)"]) : undefined);
    return ms === undefined ? [] : [{ label, ms }];
  });
  const reqs = valuesOf(metrics, "http_reqs") ?? {};
  const state = (root.state ?? {}) as Record<string, unknown>;
  const requests = num(reqs.count) ?? 0;
  const rps = num(reqs.rate) ?? 0;
  const durationSeconds = (num(state.testRunDurationMs) ?? 0) / 1000 || (rps > 0 ? requests / rps : 0);
  const limited =
    counter(metrics, "http_429") ??
    counter(metrics, "rate_limited") ??
    counter(metrics, "http_reqs{status:429}");
  const admitted = counter(metrics, "admitted") ?? (limited !== undefined ? requests - limited : undefined);
  const failed = valuesOf(metrics, "http_req_failed");
  const checks = valuesOf(metrics, "checks");
  const env = parseEnvelope(envelopeFile ?? root.envelope);
  const harness = parseHarness(root.harness);
  const series = parseSeries(seriesFile);
  const main = mainPhase(series);
  const runners = parseRunners(root.runners);
  return {
    scenario,
    ...(harness ? { harness } : {}),
    latency,
    requests,
    rps,
    ...(main ? { main } : {}),
    durationSeconds,
    ...(failed && num(failed.rate ?? failed.value) !== undefined
      ? { failedShare: num(failed.rate ?? failed.value) }
      : {}),
    ...(checks && num(checks.passes) !== undefined
      ? { checksPassed: num(checks.passes), checksFailed: num(checks.fails) ?? 0 }
      : {}),
    ...(limited !== undefined ? { limited } : env?.limited !== undefined ? { limited: env.limited } : {}),
    ...(admitted !== undefined
      ? { admitted }
      : env?.admitted !== undefined
        ? { admitted: env.admitted }
        : {}),
    ...(env ? { envelope: env } : {}),
    ...(series.length ? { series } : {}),
    ...(runners.length ? { runners } : {}),
    thresholds: thresholdsOf(metrics),
    files,
  };
}

/** A counter's count, when the metric exists. */
function counter(metrics: Record<string, unknown>, name: string): number | undefined {
  const v = valuesOf(metrics, name);
  return v ? num(v.count) : undefined;
}

/** Every threshold with its verdict, in either summary shape. */
function thresholdsOf(metrics: Record<string, unknown>): Threshold[] {
  const out: Threshold[] = [];
  for (const [metric, m] of Object.entries(metrics)) {
    const t = (m as { thresholds?: unknown })?.thresholds;
    if (!t || typeof t !== "object") continue;
    for (const [expression, verdict] of Object.entries(t as Record<string, unknown>)) {
      // handleSummary: {ok: boolean}; --summary-export: true when the threshold FAILED.
      const ok =
        typeof verdict === "object" && verdict !== null
          ? (verdict as { ok?: boolean }).ok !== false
          : verdict !== true;
      out.push({ metric, expression, ok });
    }
  }
  return out;
}

/** Validates an envelope loosely: needs a burst and a refill rate, drops malformed timeline points. */
export function parseEnvelope(raw: unknown): Envelope | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  const burst = num(r.burst);
  const refillPerSecond = num(r.refillPerSecond);
  if (burst === undefined || refillPerSecond === undefined) return undefined;
  const timeline = Array.isArray(r.timeline)
    ? r.timeline.flatMap((p) => {
        const q = (p ?? {}) as Record<string, unknown>;
        const t = num(q.t);
        return t === undefined ? [] : [{ t, admitted: num(q.admitted) ?? 0, limited: num(q.limited) ?? 0 }];
      })
    : undefined;
  const attempts = num(r.attempts);
  const admitted = num(r.admitted);
  const limited = num(r.limited);
  const expected = num(r.expected);
  const durationSeconds = num(r.durationSeconds) ?? num(r.elapsedSeconds);
  const accuracyPercent = num(r.accuracyPercent);
  const tolerancePercent = num(r.tolerancePercent);
  return {
    burst,
    refillPerSecond,
    ...(typeof r.key === "string" ? { key: r.key } : {}),
    ...(accuracyPercent !== undefined ? { accuracyPercent } : {}),
    ...(tolerancePercent !== undefined ? { tolerancePercent } : {}),
    ...(typeof r.withinTolerance === "boolean" ? { withinTolerance: r.withinTolerance } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(admitted !== undefined ? { admitted } : {}),
    ...(limited !== undefined ? { limited } : {}),
    ...(expected !== undefined ? { expected } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(timeline?.length ? { timeline } : {}),
  };
}

/** The points of a series.json (load/lib/summary.ts SeriesSummary), leniently: malformed points are dropped. */
export function parseSeries(raw: unknown): SeriesPoint[] {
  const points = (raw as { points?: unknown } | undefined)?.points;
  if (!Array.isArray(points)) return [];
  return points.flatMap((p) => {
    const q = (p ?? {}) as Record<string, unknown>;
    const t = num(q.t);
    if (t === undefined) return [];
    const [p50, p95, admitted] = [num(q.p50), num(q.p95), num(q.admitted)];
    return [
      {
        t,
        requests: num(q.requests) ?? 0,
        limited: num(q.limited) ?? 0,
        errors: num(q.errors) ?? 0,
        ...(p50 !== undefined ? { p50 } : {}),
        ...(p95 !== undefined ? { p95 } : {}),
        ...(admitted !== undefined ? { admitted } : {}),
      },
    ];
  });
}

/**
 * The requests and rate the page shows for a scenario: its main phase where the run kept its points,
 * else k6's totals, setup's requests included (and said so).
 */
export function shownVolume(r: LoadResult): { requests: number; rps: number; setupIncluded: boolean } {
  return r.main
    ? { requests: r.main.requests, rps: r.main.rps, setupIncluded: false }
    : { requests: r.requests, rps: r.rps, setupIncluded: true };
}

/** The main phase's requests and rate from the series' seconds (first to last), or undefined without points. */
export function mainPhase(series: readonly SeriesPoint[]): LoadResult["main"] {
  if (series.length === 0) return undefined;
  let requests = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of series) {
    requests += p.requests;
    first = Math.min(first, p.t);
    last = Math.max(last, p.t);
  }
  const seconds = last - first + 1;
  return { requests, rps: Math.round((requests / seconds) * 10) / 10, seconds };
}

/** The `runners` list of a merged summary, leniently: entries without a request count are dropped. */
export function parseRunners(raw: unknown): RunnerShareView[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r, i) => {
    const q = (r ?? {}) as Record<string, unknown>;
    const requests = num(q.requests);
    if (requests === undefined) return [];
    const [admitted, p95, exitCode] = [num(q.admitted), num(q.p95), num(q.exitCode)];
    return [
      {
        index: num(q.index) ?? i + 1,
        requests,
        ...(typeof q.segment === "string" ? { segment: q.segment } : {}),
        ...(admitted !== undefined ? { admitted } : {}),
        ...(p95 !== undefined ? { p95 } : {}),
        ...(exitCode !== undefined ? { exitCode } : {}),
      },
    ];
  });
}

/** Reads the harness block leniently; unknown fields are ignored. */
function parseHarness(raw: unknown): Harness | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const h = raw as Record<string, unknown>;
  const str = (k: string) => (typeof h[k] === "string" ? { [k]: h[k] as string } : {});
  const schema = h.schema as Record<string, unknown> | undefined;
  const knee = (h.knee ?? undefined) as { found?: unknown; stages?: unknown } | undefined;
  const stages = Array.isArray(knee?.stages)
    ? knee.stages.flatMap((st) => {
        const q = (st ?? {}) as Record<string, unknown>;
        const rate = num(q.rate);
        if (rate === undefined) return [];
        const p95 = num(q.p95);
        return [
          {
            rate,
            requests: num(q.requests) ?? 0,
            errors: num(q.errors) ?? 0,
            ...(p95 !== undefined ? { p95 } : {}),
          },
        ];
      })
    : undefined;
  const found = knee?.found as Harness["knee"] | undefined;
  const figures = Object.entries((h.figures ?? {}) as Record<string, unknown>).flatMap(([k, v]) => {
    const n = num(v);
    return n === undefined ? [] : [[k, n] as const];
  });
  return {
    ...str("target"),
    ...str("host"),
    ...str("profile"),
    ...str("finishedAt"),
    ...str("approval"),
    ...(figures.length ? { figures: Object.fromEntries(figures) } : {}),
    ...(num(h.runners) !== undefined ? { runners: num(h.runners) } : {}),
    ...(typeof h.passed === "boolean" ? { passed: h.passed } : {}),
    ...(schema && num(schema.checked) !== undefined
      ? {
          schema: {
            checked: num(schema.checked) ?? 0,
            conforming: num(schema.conforming) ?? 0,
            findings: num(schema.findings) ?? 0,
          },
        }
      : {}),
    ...(stages?.length ? { stages } : {}),
    ...(knee && "found" in knee ? { knee: found && typeof found.rate === "number" ? found : null } : {}),
  };
}

/** Admitted requests as a percentage of the envelope over the run (100 = exactly the envelope). */
export function envelopeAccuracy(result: LoadResult): number | undefined {
  const env = result.envelope;
  if (env?.accuracyPercent !== undefined) return env.accuracyPercent;
  const admitted = env?.admitted ?? result.admitted;
  const seconds = env?.durationSeconds ?? result.durationSeconds;
  if (!env || admitted === undefined || seconds <= 0) return undefined;
  return (admitted / envelope(env, seconds)) * 100;
}
