/**
 * One verdict for a run split over several k6 runners (execution segments, as `npm run load --runners`
 * and the k6-operator run it): every runner's raw points (k6's `--out csv`, plain or gzip) are read
 * once, line by line, and merged: counters summed, rates recomputed over all points, trends'
 * percentiles exact from all points together, every threshold of the scenario judged on the whole
 * with k6's semantics, the rate-limit envelope judged on the merged admitted count, and the
 * per-second series of the whole run. Each runner's share is kept beside the merged figures.
 *
 * Memory: counters, rates and gauges are a few numbers per metric. A trend keeps each of its values
 * in a Float64Array (8 bytes a point; while an array grows, the old and the new one can both be alive:
 * at most 8 + 16 = 24 bytes a point for an instant), and a sub-metric named by a threshold keeps its
 * matching points again. The per-second chart keeps each main-phase http_req_duration point once more
 * in its second (8 bytes) until the end. Nothing else grows with the run: lines are read one at a time.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { rampKnee } from "../lib/knee.ts";
import { percentile } from "../lib/percentile.ts";
import { MAIN } from "../lib/plan.ts";
import { envelopeAccuracy } from "../lib/rate-limits.ts";
import {
  countedFigures,
  type EnvelopeSummary,
  type HarnessSummary,
  type K6Metric,
  type LoadSummary,
  replayEnvelope,
  type SeriesSummary,
} from "../lib/summary.ts";
import { epochMs, SERIES_METRICS, SETUP_OR_TEARDOWN, SecondTally, splitCsvLine } from "./series.ts";
import {
  aggregationAllowed,
  judge,
  type MetricType,
  type ParsedThreshold,
  parseMetricName,
  parseThreshold,
} from "./thresholds.ts";

/** What `npm run load --runners` writes beside a runner's points: its segment and k6's exit code. */
export interface RunnerInfo {
  /** 1-based position in the segment sequence. */
  index?: number;
  /** `--execution-segment`, e.g. "1/3:2/3". */
  segment?: string;
  /** k6's exit code for this runner (99: its own share crossed a threshold; ignored by the merge). */
  exitCode?: number;
}

/** One runner's share of the merged run. */
export interface RunnerShare extends RunnerInfo {
  /** The folder: as given to the merge; in a written summary, relative to the summary's folder. */
  dir: string;
  /** Points read (CSV lines past the header). */
  points: number;
  /** Lines that could not be read (a cut-off last line, a broken gzip end). */
  unreadableLines: number;
  /** Why reading stopped early, when it did (e.g. "unexpected end of file"). */
  readError?: string;
  /** http_reqs of this runner. */
  requests: number;
  /** `admitted` and `attempts` of this runner, where the scenario counts them. */
  admitted?: number;
  attempts?: number;
  /** This runner's p95 of http_req_duration, exact over its own points (ms). */
  p95?: number;
  /** What k6 said of this runner's share alone (its thresholds are the whole run's: not the verdict). */
  passedAlone?: boolean;
}

/** The merged summary: the shape of a single run's summary.json, plus each runner's share. */
export type MergedSummary = LoadSummary & { runners: RunnerShare[] };

export interface MergeResult {
  summary: MergedSummary;
  series: SeriesSummary;
  /** "metric: expression" of every merged threshold that failed. */
  failed: string[];
  /**
   * As k6: 0, or 99 when a merged threshold failed; 1 when there was nothing to judge (no runner
   * wrote a summary.json, so no threshold is known): a merge never passes on nothing.
   */
  exitCode: 0 | 1 | 99;
  /** What the reader should know (unreadable lines, thresholds that could not be judged, abortOnFail). */
  notes: string[];
}

/** Metric types of k6's built-in metrics, for a metric no runner's summary describes. */
const BUILTIN_TYPES: Record<string, MetricType> = {
  http_reqs: "counter",
  iterations: "counter",
  data_sent: "counter",
  data_received: "counter",
  dropped_iterations: "counter",
  http_req_failed: "rate",
  checks: "rate",
  vus: "gauge",
  vus_max: "gauge",
};

const DEFAULT_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)"];

/** A growable Float64Array: 8 bytes a value. */
class Values {
  private data = new Float64Array(1024);
  length = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private sorted = false;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sorted = false;
  }

  /** k6's percentile: rank p × (n − 1), interpolated between the two values around it; 0 when empty. */
  percentile(p: number): number {
    if (this.length === 0) return 0;
    if (!this.sorted) {
      this.data.subarray(0, this.length).sort(); // in place: no copy
      this.sorted = true;
    }
    return percentileOfSorted(this.data, this.length, p);
  }
}

/** The percentile `p` (0..1) of the first `n` sorted values, as k6 computes it (0 when empty): lib/percentile.ts. */
export function percentileOfSorted(sorted: ArrayLike<number>, n: number, p: number): number {
  return percentile(sorted, p, n) ?? 0;
}

/** What one metric (or sub-metric) has accumulated over every runner's points. */
class Sink {
  count = 0;
  sum = 0;
  passes = 0;
  last = 0;
  lastAt = Number.NEGATIVE_INFINITY;
  gaugeMin = Number.POSITIVE_INFINITY;
  gaugeMax = Number.NEGATIVE_INFINITY;
  readonly values?: Values;

  constructor(readonly type: MetricType) {
    if (type === "trend") this.values = new Values();
  }

  add(value: number, at: number): void {
    this.count++;
    this.sum += value;
    if (this.type === "rate" && value !== 0) this.passes++;
    else if (this.type === "trend") this.values?.push(value);
    else if (this.type === "gauge") {
      if (at >= this.lastAt) {
        this.last = value;
        this.lastAt = at;
      }
      this.gaugeMin = Math.min(this.gaugeMin, value);
      this.gaugeMax = Math.max(this.gaugeMax, value);
    }
  }

  /** The summary values k6 prints for this type; trends get `stats` (and any p(N) asked for). */
  summaryValues(durationSeconds: number, stats: string[]): Record<string, number> {
    switch (this.type) {
      case "counter":
        return { count: this.sum, rate: durationSeconds > 0 ? this.sum / durationSeconds : 0 };
      case "rate":
        return {
          rate: this.count > 0 ? this.passes / this.count : 0,
          passes: this.passes,
          fails: this.count - this.passes,
        };
      case "gauge":
        return this.count > 0
          ? { value: this.last, min: this.gaugeMin, max: this.gaugeMax }
          : { value: 0, min: 0, max: 0 };
      case "trend": {
        const v = this.values as Values;
        const out: Record<string, number> = {};
        for (const stat of stats) {
          if (stat === "avg") out.avg = v.length > 0 ? v.sum / v.length : 0;
          else if (stat === "min") out.min = v.length > 0 ? v.min : 0;
          else if (stat === "max") out.max = v.length > 0 ? v.max : 0;
          else if (stat === "med") out.med = v.percentile(0.5);
          else if (stat === "count") out.count = v.length;
          else {
            const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
            if (m) out[stat] = v.percentile(Number(m[1]) / 100);
          }
        }
        return out;
      }
    }
  }
}

interface SubMetric {
  key: string;
  tags: Array<[string, string]>;
  sink: Sink;
}

/** A runner folder's files: the summary k6 wrote, the points, the runner's own note. */
function runnerFiles(dir: string): { summary?: LoadSummary; points?: string; info: RunnerInfo } {
  const read = (name: string): unknown => {
    try {
      return JSON.parse(readFileSync(path.join(dir, name), "utf8"));
    } catch {
      return undefined;
    }
  };
  const points = ["points.csv", "points.csv.gz"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const summary = read("summary.json") as LoadSummary | undefined;
  return {
    ...(summary?.metrics ? { summary } : {}),
    ...(points ? { points } : {}),
    info: (read("runner.json") as RunnerInfo | undefined) ?? {},
  };
}

/** The lines of a points file, gunzipped when it is gzip; a read error ends the lines and is reported. */
async function* linesOf(file: string, onError: (error: Error) => void): AsyncGenerator<string> {
  let input: Readable = createReadStream(file);
  if (file.endsWith(".gz")) {
    const gunzip = createGunzip();
    input.on("error", (e) => gunzip.destroy(e));
    input = input.pipe(gunzip);
  }
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) yield line;
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
  } finally {
    input.destroy();
  }
}

/** Splits a CSV line; the quick path when nothing is quoted. */
function fieldsOf(line: string): string[] {
  return line.includes('"') ? splitCsvLine(line) : line.split(",");
}

/**
 * The first main-phase point of each file (setup and teardown left out), so that the merged
 * per-second series starts at the run's first point whichever runner made it.
 */
async function seriesOrigin(files: string[]): Promise<number | undefined> {
  let origin: number | undefined;
  for (const file of files) {
    let header: Record<string, number> | undefined;
    let seen = 0;
    for await (const line of linesOf(file, () => {})) {
      if (!line) continue;
      const f = fieldsOf(line);
      if (!header) {
        header = Object.fromEntries(f.map((name, i) => [name, i]));
        continue;
      }
      if (!SERIES_METRICS.has(f[header.metric_name ?? 0] ?? "")) continue;
      if (SETUP_OR_TEARDOWN.test(f[header.group ?? -1] ?? "")) continue;
      const ms = epochMs(Number(f[header.timestamp ?? 1]));
      if (Number.isFinite(ms)) origin = origin === undefined ? ms : Math.min(origin, ms);
      // k6 flushes in batches slightly out of order: the earliest of the first few hundred points.
      if (++seen >= 500) break;
    }
  }
  return origin;
}

/** The thresholds of every runner's summary (they are the same script's): metric → expressions. */
function thresholdsOf(summaries: LoadSummary[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of summaries) {
    for (const [name, metric] of Object.entries(s.metrics)) {
      for (const expr of Object.keys(metric.thresholds ?? {})) {
        const set = out.get(name) ?? new Set<string>();
        set.add(expr);
        out.set(name, set);
      }
    }
  }
  return out;
}

/** Merges the runners' folders (each with points.csv[.gz], and summary.json where k6 got that far). */
export async function mergeRunners(dirs: string[]): Promise<MergeResult> {
  const notes: string[] = [];
  const runners = dirs.map((dir) => ({ dir, ...runnerFiles(dir) }));
  const summaries = runners.flatMap((r) => (r.summary ? [r.summary] : []));
  const first = summaries[0];

  // Metric types and contents from the summaries; the trend statistics the script asked for.
  const types = new Map<string, { type: MetricType; contains?: string }>();
  for (const s of summaries) {
    for (const [name, m] of Object.entries(s.metrics)) {
      const { base, tags } = parseMetricName(name);
      if (tags.length === 0 && !types.has(base)) {
        types.set(base, { type: m.type, ...(m.contains ? { contains: m.contains } : {}) });
      }
    }
  }
  const trendStats = trendStatsOf(summaries);
  const thresholds = thresholdsOf(summaries);

  const sinks = new Map<string, Sink>();
  const subs = new Map<string, SubMetric[]>();
  const sinkOf = (base: string): Sink => {
    let sink = sinks.get(base);
    if (!sink) {
      sink = new Sink(types.get(base)?.type ?? BUILTIN_TYPES[base] ?? "trend");
      sinks.set(base, sink);
    }
    return sink;
  };
  for (const key of thresholds.keys()) {
    const { base, tags } = parseMetricName(key);
    if (tags.length === 0) continue;
    const list = subs.get(base) ?? [];
    list.push({ key, tags, sink: new Sink(types.get(base)?.type ?? BUILTIN_TYPES[base] ?? "trend") });
    subs.set(base, list);
  }

  const files = runners.flatMap((r) => (r.points ? [r.points] : []));
  const origin = await seriesOrigin(files);
  const tally = new SecondTally();
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;
  const shares: RunnerShare[] = [];

  for (const runner of runners) {
    const share: RunnerShare = {
      dir: runner.dir,
      ...runner.info,
      points: 0,
      unreadableLines: 0,
      requests: 0,
    };
    if (runner.summary?.harness) share.passedAlone = runner.summary.harness.passed;
    const own = { admitted: 0, attempts: 0, hasAdmitted: false, hasAttempts: false, durations: new Values() };
    if (!runner.points) notes.push(`${runner.dir}: no points file (points.csv or points.csv.gz)`);
    else {
      let header: Record<string, number> | undefined;
      let width = 0;
      for await (const line of linesOf(runner.points, (e) => {
        share.readError = e.message;
      })) {
        if (!line) continue;
        const f = fieldsOf(line);
        if (!header) {
          header = Object.fromEntries(f.map((name, i) => [name, i]));
          width = f.length;
          continue;
        }
        const metric = f[header.metric_name ?? 0] ?? "";
        const stamp = Number(f[header.timestamp ?? 1]);
        const rawValue = f[header.metric_value ?? 2] ?? "";
        const value = Number(rawValue);
        // A line cut short (the runner was killed mid-write) has fewer fields or no number.
        if (
          f.length < width ||
          !metric ||
          rawValue === "" ||
          !Number.isFinite(value) ||
          !Number.isFinite(stamp)
        ) {
          share.unreadableLines++;
          continue;
        }
        share.points++;
        const at = epochMs(stamp);
        sinkOf(metric).add(value, at);
        const tagged = subs.get(metric);
        if (tagged) {
          const tagOf = tagReader(f, header);
          for (const sub of tagged) if (sub.tags.every(([k, v]) => tagOf(k) === v)) sub.sink.add(value, at);
        }
        if (metric === "http_reqs") share.requests += value;
        else if (metric === "admitted") {
          own.admitted += value;
          own.hasAdmitted = true;
        } else if (metric === "attempts") {
          own.attempts += value;
          own.hasAttempts = true;
        } else if (metric === "http_req_duration") own.durations.push(value);
        if (!SERIES_METRICS.has(metric) || origin === undefined) continue;
        if (SETUP_OR_TEARDOWN.test(f[header.group ?? -1] ?? "")) continue;
        firstAt = Math.min(firstAt, at);
        lastAt = Math.max(lastAt, at);
        const sec = Math.max(0, Math.floor((at - origin) / 1000));
        // Runners are read one after another, so no second is closed before the last file is in.
        tally.add(
          sec,
          metric,
          value,
          Number(f[header.status ?? -1] || 0),
          f[header.expected_response ?? -1] ?? "",
        );
      }
      if (share.readError) notes.push(`${runner.dir}: the points end early (${share.readError})`);
      if (share.unreadableLines > 0) {
        notes.push(`${runner.dir}: ${share.unreadableLines} unreadable line(s) left out (a cut-off file)`);
      }
    }
    if (own.hasAdmitted) share.admitted = own.admitted;
    if (own.hasAttempts) share.attempts = own.attempts;
    if (own.durations.length > 0) share.p95 = round(own.durations.percentile(0.95));
    shares.push(share);
  }

  // k6's rates are per second of the test run: the longest runner's run (they start together).
  const durations = summaries.map((s) => s.state?.testRunDurationMs ?? 0).filter((d) => d > 0);
  const durationMs =
    durations.length > 0 ? Math.max(...durations) : Number.isFinite(lastAt) ? lastAt - firstAt : 0;
  const durationSeconds = durationMs / 1000;

  const metrics: Record<string, K6Metric> = {};
  const failed: string[] = [];
  const build = (key: string, sink: Sink, contains?: string): void => {
    const exprs = [...(thresholds.get(key) ?? [])];
    const parsed = exprs.flatMap((e): ParsedThreshold[] => {
      try {
        return [parseThreshold(e)];
      } catch (error) {
        notes.push(`${key}: ${(error as Error).message}; not judged`);
        return [];
      }
    });
    // A threshold's aggregation is computed even where summaryTrendStats leaves it out.
    const asked = sink.type === "trend" ? parsed.map((t) => t.aggregation) : [];
    const values = sink.summaryValues(durationSeconds, [...new Set([...trendStats, ...asked])]);
    const metric: K6Metric = { type: sink.type, ...(contains ? { contains } : {}), values };
    if (parsed.length > 0) {
      metric.thresholds = {};
      for (const t of parsed) {
        if (!aggregationAllowed(sink.type, t.aggregation)) {
          notes.push(`${key}: ${t.source} does not apply to a ${sink.type}; k6 would refuse it`);
        }
        const ok = judge(t, sink.type, values, sink.count === 0, (p) => sink.values?.percentile(p) ?? 0);
        metric.thresholds[t.source] = { ok };
        if (!ok) failed.push(`${key}: ${t.source}`);
      }
    }
    metrics[key] = metric;
  };
  // A metric with a threshold and no point at all is still judged (k6 judges it on zeros).
  for (const key of thresholds.keys()) if (!key.includes("{")) sinkOf(key);
  for (const [name, sink] of [...sinks].sort(([a], [b]) => a.localeCompare(b))) {
    build(name, sink, types.get(name)?.contains);
    for (const sub of subs.get(name) ?? []) build(sub.key, sub.sink, types.get(name)?.contains);
  }
  for (const [base, list] of subs) {
    if (sinks.has(base)) continue;
    for (const sub of list) build(sub.key, sub.sink, types.get(base)?.contains);
  }
  failed.sort();

  const series = tally.result(origin);
  const envelope = first?.envelope ? mergedEnvelope(first.envelope, metrics) : undefined;
  // The ramp's steps judged again on every runner's points (a runner's own knee saw 1/N of each rate).
  const knee = first?.harness.knee
    ? rampKnee(
        first.harness.knee.stages.map((s) => s.rate),
        { metrics },
        MAIN,
      )
    : undefined;
  const harness: HarnessSummary = {
    ...(first?.harness ?? {
      version: 1,
      scenario: "unknown",
      target: "unknown",
      host: "",
      profile: "",
      figures: {},
    }),
    passed: failed.length === 0 && summaries.length > 0,
    failedThresholds: failed,
    finishedAt: new Date().toISOString(),
    schema: {
      checked:
        (metrics.schema_conformance?.values.passes ?? 0) + (metrics.schema_conformance?.values.fails ?? 0),
      conforming: metrics.schema_conformance?.values.passes ?? 0,
      findings: metrics.schema_findings?.values.count ?? 0,
    },
    runners: runners.length,
  };
  if (knee) harness.knee = knee;
  // Runner 1's own envelope never stands for the run's: the merged one, or none.
  if (envelope) harness.envelope = envelope;
  else delete harness.envelope;
  // Counts of the whole run, where runner 1's summary had its own.
  if (first?.harness.counted) {
    harness.figures = { ...harness.figures, ...countedFigures({ metrics }, first.harness.counted).figures };
  }
  const summary: MergedSummary = {
    metrics,
    state: { testRunDurationMs: durationMs },
    ...(first?.options ? { options: first.options } : {}),
    harness,
    ...(envelope ? { envelope } : {}),
    runners: shares,
  };
  if (summaries.length === 0) {
    notes.push("no runner wrote a summary.json: no threshold to judge, so no verdict (exit 1)");
  }
  const exitCode = failed.length > 0 ? 99 : summaries.length === 0 ? 1 : 0;
  return { summary, series, failed, exitCode, notes };
}

/** Reads a tag of a CSV line: its own column, else `extra_tags` (k=v&k=v). */
function tagReader(f: string[], header: Record<string, number>): (key: string) => string | undefined {
  return (key) => {
    const col = header[key];
    if (col !== undefined && key !== "extra_tags" && key !== "metadata") return f[col] ?? "";
    const extra = f[header.extra_tags ?? -1] ?? "";
    for (const pair of extra.split("&")) {
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq) === key) return pair.slice(eq + 1);
    }
    return undefined;
  };
}

/** The trend statistics the runners' summaries hold (the script's summaryTrendStats). */
function trendStatsOf(summaries: LoadSummary[]): string[] {
  for (const s of summaries) {
    const trend = Object.values(s.metrics).find(
      (m) => m.type === "trend" && Object.keys(m.values).length > 0,
    );
    if (trend) return Object.keys(trend.values);
  }
  return DEFAULT_TREND_STATS;
}

/**
 * The envelope judged again on the merged counts: the global bucket over the whole run's first and
 * last request; a replayed one (per user or mfa_token) on its summed counters.
 */
function mergedEnvelope(e: EnvelopeSummary, metrics: Record<string, K6Metric>): EnvelopeSummary | undefined {
  if (e.basis === "replay") {
    // A summary written before the counters were named cannot be judged again.
    if (e.counters === undefined) return undefined;
    const bucket = { burst: e.burst, refillPerSecond: e.refillPerSecond };
    return replayEnvelope(
      { metrics },
      {
        prefix: e.counters,
        key: e.key,
        bucket,
        tolerancePercent: e.tolerancePercent,
      },
    );
  }
  const times = metrics.request_time?.values;
  const elapsedSeconds =
    times && times.max !== undefined ? Math.max(0, (times.max - (times.min ?? 0)) / 1000) : 0;
  const accuracy = envelopeAccuracy({
    bucket: { burst: e.burst, refillPerSecond: e.refillPerSecond },
    attempts: metrics.attempts?.values.count ?? 0,
    admitted: metrics.admitted?.values.count ?? 0,
    elapsedSeconds,
    tolerancePercent: e.tolerancePercent,
  });
  return {
    ...accuracy,
    key: e.key,
    burst: e.burst,
    refillPerSecond: e.refillPerSecond,
    limited: metrics.rate_limited?.values.count ?? 0,
    durationSeconds: accuracy.elapsedSeconds,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The lines printed after a merge: each runner's share, then the merged verdict's caveats. */
export function mergeText(result: MergeResult): string {
  const lines: string[] = [];
  const total = result.summary.metrics.http_reqs?.values.count ?? 0;
  for (const [i, r] of result.summary.runners.entries()) {
    const share = total > 0 ? ` (${((r.requests / total) * 100).toFixed(1)}%)` : "";
    const parts = [
      `runner ${r.index ?? i + 1}${r.segment ? ` [${r.segment}]` : ""}: ${r.requests} requests${share}`,
    ];
    if (r.admitted !== undefined) parts.push(`admitted ${r.admitted}`);
    if (r.p95 !== undefined) parts.push(`p95 ${r.p95} ms`);
    parts.push(`${r.points} points`);
    if (r.exitCode !== undefined) parts.push(`k6 exited ${r.exitCode}`);
    lines.push(parts.join(", "));
  }
  lines.push(
    `merged: ${result.summary.runners.length} runners; thresholds judged on all points together ` +
      "(abortOnFail cannot act after the fact: it is ignored here)",
  );
  for (const note of result.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

/** Writes the merged `summary.json` and `series.json` into `outDir` (the HTML page is the caller's). */
export function writeMerge(result: MergeResult, outDir: string): { summaryPath: string; seriesPath: string } {
  mkdirSync(outDir, { recursive: true });
  const summaryPath = path.join(outDir, "summary.json");
  const seriesPath = path.join(outDir, "series.json");
  writeFileSync(summaryPath, `${JSON.stringify(result.summary, null, 2)}\n`);
  writeFileSync(seriesPath, `${JSON.stringify(result.series)}\n`);
  return { summaryPath, seriesPath };
}
