/**
 * k6's per-request points (`--out csv`) turned into what the report draws: one pass over the file,
 * line by line, that writes the masked points (gzip) among the reports and aggregates them per
 * second into `series.json`. Neither the run nor its latencies are ever held in memory whole.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { finished } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { percentile } from "../lib/percentile.ts";
import type { SeriesPoint, SeriesSummary } from "../lib/summary.ts";

/**
 * Seconds a second's latencies are kept after a later second appears: k6 flushes its points in
 * batches, slightly out of order, so a second is only closed once the points are well past it.
 */
const LAG_SECONDS = 10;

/** The fields of one CSV line; quoted fields (an error message with a comma) are unquoted. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** One second of a run: its requests by outcome and their durations (the merge sums runners into these too). */
export interface Second {
  requests: number;
  limited: number;
  errors: number;
  admitted: number;
  durations: number[];
  closed?: boolean;
  p50?: number;
  p95?: number;
}

/** The metrics a second tallies: requests (with their status), their durations and admitted requests. */
export const SERIES_METRICS: ReadonlySet<string> = new Set(["http_reqs", "http_req_duration", "admitted"]);

/**
 * A run's points tallied per second: what one runner's series (below) and the merge of several
 * runners (merge.ts) both build, so a second means the same in both.
 */
export class SecondTally {
  private readonly seconds = new Map<number, Second>();
  private hasAdmitted = false;

  /**
   * Adds one point of a series metric to second `sec`: an `http_reqs` point counts its `status` (and
   * k6's `expected` verdict, when the column is there) as limited or an error.
   */
  add(sec: number, metric: string, value: number, status: number, expected: string): void {
    let s = this.seconds.get(sec);
    if (!s) {
      s = { requests: 0, limited: 0, errors: 0, admitted: 0, durations: [] };
      this.seconds.set(sec, s);
    }
    if (metric === "admitted") {
      this.hasAdmitted = true;
      s.admitted += value;
    } else if (metric === "http_req_duration") {
      if (!s.closed) s.durations.push(value);
    } else {
      s.requests += value;
      if (status === 429) s.limited += value;
      // k6's own verdict (the one http_req_failed counts) when the column is there, else the status.
      else if (expected ? expected === "false" : status === 0 || status >= 400) s.errors += value;
    }
  }

  /** Closes every second before `sec` (its percentiles computed, its latencies let go). */
  closeBefore(sec: number): void {
    for (const [at, s] of this.seconds) if (at < sec) close(s);
  }

  /** The per-second series from second 0 to the last, gaps filled with zeros. */
  result(origin: number | undefined): SeriesSummary {
    if (this.seconds.size === 0 || origin === undefined) return { version: 1, startMs: 0, points: [] };
    const last = Math.max(...this.seconds.keys());
    const points: SeriesPoint[] = [];
    for (let sec = 0; sec <= last; sec++) {
      const s = this.seconds.get(sec);
      if (s) close(s);
      points.push({
        t: sec,
        requests: s?.requests ?? 0,
        limited: s?.limited ?? 0,
        errors: s?.errors ?? 0,
        ...(s?.p50 !== undefined ? { p50: round(s.p50) } : {}),
        ...(s?.p95 !== undefined ? { p95: round(s.p95) } : {}),
        ...(this.hasAdmitted ? { admitted: s?.admitted ?? 0 } : {}),
      });
    }
    return { version: 1, startMs: origin, points };
  }
}

/** Aggregates CSV points per second as they come; `result()` gives the series once every line is in. */
export class SeriesAggregator {
  private columns: Record<string, number> | undefined;
  private readonly tally = new SecondTally();
  private latest = Number.NEGATIVE_INFINITY;
  private origin: number | undefined;

  /** Takes one line of k6's CSV output (the first is its header). */
  add(line: string): void {
    if (!line) return;
    const fields = splitCsvLine(line);
    if (!this.columns) {
      this.columns = Object.fromEntries(fields.map((name, i) => [name, i]));
      return;
    }
    const col = (name: string) => fields[this.columns?.[name] ?? -1] ?? "";
    const metric = col("metric_name");
    if (!SERIES_METRICS.has(metric)) return;
    // The setup's enrolment and teardown are not the load the scenario measures.
    if (SETUP_OR_TEARDOWN.test(col("group"))) return;
    const stamp = Number(col("timestamp"));
    if (!Number.isFinite(stamp)) return;
    const ms = epochMs(stamp);
    // Seconds count from the first point, so the first second is a whole one (and the bucket's start).
    this.origin ??= ms;
    const sec = Math.max(0, Math.floor((ms - this.origin) / 1000));
    this.tally.add(
      sec,
      metric,
      Number(col("metric_value")),
      Number(col("status") || 0),
      col("expected_response"),
    );
    if (sec > this.latest) {
      this.latest = sec;
      this.tally.closeBefore(sec - LAG_SECONDS);
    }
  }

  /** The per-second series, from the first point to the last, gaps filled with zeros. */
  result(): SeriesSummary {
    return this.tally.result(this.origin);
  }
}

/** The group of k6's setup and teardown, whose requests are not the load a scenario measures. */
export const SETUP_OR_TEARDOWN = /^::(setup|teardown)/;

/** Epoch ms of a CSV timestamp: k6's unix_milli (what recordSeries asks k6 for) as is, its default unix seconds × 1000. */
export function epochMs(stamp: number): number {
  return stamp > 1e11 ? stamp : stamp * 1000;
}

/** Computes a second's percentiles and lets go of its latencies (a late point is then left out). */
function close(s: Second): void {
  if (s.closed) return;
  s.closed = true;
  if (s.durations.length === 0) return;
  const sorted = s.durations.sort((a, b) => a - b);
  const p50 = percentile(sorted, 0.5);
  const p95 = percentile(sorted, 0.95);
  if (p50 !== undefined) s.p50 = p50;
  if (p95 !== undefined) s.p95 = p95;
  s.durations = [];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Reads k6's raw CSV points once: writes each line masked to `pointsPath` (gzip), and the per-second
 * aggregate to `seriesPath`. Returns the series.
 */
export async function recordSeries(
  rawCsv: string,
  pointsPath: string,
  seriesPath: string,
  mask: (line: string) => string,
): Promise<SeriesSummary> {
  const agg = new SeriesAggregator();
  const gzip = createGzip();
  const out = gzip.pipe(createWriteStream(pointsPath));
  for await (const line of createInterface({ input: createReadStream(rawCsv), crlfDelay: Infinity })) {
    agg.add(line);
    if (!gzip.write(`${mask(line)}\n`)) await once(gzip, "drain");
  }
  gzip.end();
  await finished(out);
  const series = agg.result();
  writeFileSync(seriesPath, `${JSON.stringify(series)}\n`);
  return series;
}
