/**
 * The merge of several runners' raw points: exact percentiles (against one sorted list of every
 * point), each threshold form k6 accepts, counters summed and rates recomputed, a runner with no
 * points, a cut-off file (plain and gzip), the envelope on the merged count, a replayed envelope on
 * the summed counters, the ramp's knee on every runner's points, exit code 99.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { mergeRunners, mergeText, percentileOfSorted } from "./merge.ts";
import { compare, judge, parseMetricName, parseThreshold, ThresholdError } from "./thresholds.ts";

const root = mkdtempSync(path.join(tmpdir(), "merge-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

const HEADER =
  "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,extra_tags,metadata";

/** One CSV line the way k6 writes it (unix_milli timestamps, six decimals). */
function point(
  metric: string,
  ms: number,
  value: number,
  tags: {
    status?: number;
    name?: string;
    scenario?: string;
    group?: string;
    expected?: boolean;
    /** k6's extra_tags column: "k=v&k=v". */
    extra?: string;
  } = {},
): string {
  const expected = tags.expected === undefined ? "" : String(tags.expected);
  return [
    metric,
    ms,
    value.toFixed(6),
    "",
    "",
    "",
    expected,
    tags.group ?? "",
    tags.name ? "POST" : "",
    tags.name ?? "",
    "",
    tags.scenario ?? "main",
    "",
    tags.status ?? "",
    "",
    "",
    tags.extra ?? "",
    "",
  ].join(",");
}

let folders = 0;
/** A runner folder with its points (and optionally a summary declaring types and thresholds). */
function runner(
  lines: string[],
  opts: { summary?: object; gzip?: boolean; raw?: Buffer | string; noPoints?: boolean } = {},
): string {
  const dir = path.join(root, `runner-${folders++}`);
  mkdirSync(dir, { recursive: true });
  const text = `${[HEADER, ...lines].join("\n")}\n`;
  if (!opts.noPoints) {
    if (opts.raw !== undefined)
      writeFileSync(path.join(dir, opts.gzip ? "points.csv.gz" : "points.csv"), opts.raw);
    else if (opts.gzip) writeFileSync(path.join(dir, "points.csv.gz"), gzipSync(text));
    else writeFileSync(path.join(dir, "points.csv"), text);
  }
  if (opts.summary) writeFileSync(path.join(dir, "summary.json"), JSON.stringify(opts.summary));
  return dir;
}

/** A summary as handleSummary writes it, reduced to what the merge reads. */
function summaryWith(
  thresholds: Record<string, string[]>,
  types: Record<string, "counter" | "rate" | "trend" | "gauge"> = {},
  durationMs = 10_000,
): object {
  const metrics: Record<string, object> = {
    http_req_duration: {
      type: "trend",
      values: { avg: 0, min: 0, med: 0, max: 0, "p(90)": 0, "p(95)": 0, "p(99)": 0 },
    },
    http_reqs: { type: "counter", values: { count: 0, rate: 0 } },
  };
  for (const [name, type] of Object.entries(types)) metrics[name] = { type, values: {} };
  for (const [name, exprs] of Object.entries(thresholds)) {
    const base = parseMetricName(name).base;
    metrics[name] = {
      type: types[base] ?? (metrics[base] as { type: string } | undefined)?.type ?? "counter",
      values: {},
      thresholds: Object.fromEntries(exprs.map((e) => [e, { ok: true }])),
    };
  }
  return {
    metrics,
    state: { testRunDurationMs: durationMs },
    harness: {
      version: 1,
      scenario: "challenge-over-limit",
      target: "mock",
      host: "127.0.0.1:1",
      profile: "essentials",
      passed: false,
      failedThresholds: [],
      finishedAt: "2026-01-01T00:00:00Z",
      schema: { checked: 0, conforming: 0, findings: 0 },
      figures: {},
    },
  };
}

/** A deterministic pseudo-random sequence (no Math.random: the test must be the same every time). */
function* lcg(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

describe("thresholds", () => {
  test("parses every aggregation and operator k6 accepts", () => {
    const rows: Array<[string, string, string, number, number?]> = [
      ["p(95)<500", "p(95)", "<", 500, 0.95],
      ["p(99.9) <= 1.5", "p(99.9)", "<=", 1.5, 0.999],
      ["avg>=10", "avg", ">=", 10],
      ["min > 0", "min", ">", 0],
      ["max<3e3", "max", "<", 3000],
      ["med==2", "med", "==", 2],
      ["rate>=0.99", "rate", ">=", 0.99],
      ["count==0", "count", "==", 0],
      ["count===0", "count", "===", 0],
      ["value!=-1", "value", "!=", -1],
    ];
    for (const [source, aggregation, operator, value, percentile] of rows) {
      const t = parseThreshold(source);
      assert.equal(t.aggregation, aggregation, source);
      assert.equal(t.operator, operator, source);
      assert.equal(t.value, value, source);
      if (percentile === undefined) assert.equal(t.percentile, undefined, source);
      else assert.ok(Math.abs((t.percentile ?? 0) - percentile) < 1e-12, source);
    }
  });

  test("refuses what k6 refuses", () => {
    // Each of these stops k6 at start; the merge must not quietly judge them as something else.
    for (const bad of ["p95<500", "rate=>1", "count", "avg<", "p(101)<1", "sum>3", "rate>=abc"]) {
      assert.throws(() => parseThreshold(bad), ThresholdError, bad);
    }
  });

  test("compares with each operator, NaN failing", () => {
    const rows: Array<[number, Parameters<typeof compare>[1], number, boolean]> = [
      [1, ">", 0, true],
      [0, ">", 0, false],
      [0, ">=", 0, true],
      [1, "<", 1, false],
      [1, "<=", 1, true],
      [2, "==", 2, true],
      [2, "===", 3, false],
      [2, "!=", 3, true],
      [Number.NaN, "<", 1, false],
    ];
    for (const [l, op, r, want] of rows) assert.equal(compare(l, op, r), want, `${l} ${op} ${r}`);
  });

  test("an empty rate is not judged, an empty counter or trend is judged on zeros (as k6 v0.48)", () => {
    assert.equal(judge(parseThreshold("rate==1"), "rate", { rate: 0 }, true), true);
    assert.equal(judge(parseThreshold("count>0"), "counter", { count: 0 }, true), false);
    assert.equal(judge(parseThreshold("p(95)<500"), "trend", { "p(95)": 0 }, true), true);
  });

  test("splits a sub-metric's tags", () => {
    assert.deepEqual(parseMetricName("http_req_duration{scenario:main,name:challenge}"), {
      base: "http_req_duration",
      tags: [
        ["scenario", "main"],
        ["name", "challenge"],
      ],
    });
    assert.deepEqual(parseMetricName("checks"), { base: "checks", tags: [] });
    assert.throws(() => parseMetricName("x{a}"), ThresholdError);
  });
});

describe("mergeRunners", () => {
  test("percentiles are exact: the same as one sorted list of every runner's points", async () => {
    const random = lcg(7);
    const all: number[] = [];
    const dirs = [0, 1, 2].map((r) => {
      const lines: string[] = [];
      // Uneven shares, as segments give: 300, 301, 299 points, values rounded as k6's CSV writes them.
      for (let i = 0; i < 300 + (r === 1 ? 1 : r === 2 ? -1 : 0); i++) {
        const v = Number(((random.next().value as number) * 100).toFixed(6));
        all.push(v);
        lines.push(point("http_req_duration", 1_000_000_000_000 + i * 10, v, { name: "challenge" }));
      }
      return runner(lines, {
        summary: summaryWith({ "http_req_duration{scenario:main,name:challenge}": ["p(95)<500"] }),
      });
    });
    const result = await mergeRunners(dirs);
    const sorted = [...all].sort((a, b) => a - b);
    const values = result.summary.metrics.http_req_duration?.values ?? {};
    for (const [stat, p] of [
      ["med", 0.5],
      ["p(90)", 0.9],
      ["p(95)", 0.95],
      ["p(99)", 0.99],
    ] as const) {
      assert.equal(values[stat], percentileOfSorted(sorted, sorted.length, p), stat);
    }
    assert.equal(values.min, sorted[0]);
    assert.equal(values.max, sorted.at(-1));
    assert.ok(Math.abs((values.avg ?? 0) - all.reduce((a, b) => a + b, 0) / all.length) < 1e-9);
    const sub = result.summary.metrics["http_req_duration{scenario:main,name:challenge}"];
    assert.equal(sub?.values["p(95)"], values["p(95)"], "every point carries the sub-metric's tags");
    assert.deepEqual(sub?.thresholds, { "p(95)<500": { ok: true } });
    assert.equal(result.exitCode, 0);
  });

  test("k6's percentile: rank p × (n − 1), interpolated", () => {
    assert.equal(percentileOfSorted([], 0, 0.95), 0);
    assert.equal(percentileOfSorted([4], 1, 0.95), 4);
    assert.equal(percentileOfSorted([1, 2, 3, 4], 4, 0.5), 2.5);
    assert.equal(percentileOfSorted([0, 10], 2, 0.95), 9.5);
  });

  test("counters are summed, rates recomputed over all points, the rate per second over the longest runner", async () => {
    const t0 = 1_000_000_000_000;
    const a = runner(
      [
        point("http_reqs", t0, 1, { status: 200, expected: true }),
        point("http_reqs", t0 + 1, 1, { status: 429, expected: false }),
        point("checks", t0, 1),
        point("checks", t0, 1),
      ],
      { summary: summaryWith({ checks: ["rate>=0.75"] }, { checks: "rate" }, 4_000) },
    );
    const b = runner(
      [
        point("http_reqs", t0 + 2, 1, { status: 200, expected: true }),
        point("http_reqs", t0 + 3, 1, { status: 200, expected: true }),
        point("checks", t0, 1),
        point("checks", t0, 0),
      ],
      { summary: summaryWith({ checks: ["rate>=0.75"] }, { checks: "rate" }, 8_000) },
    );
    const result = await mergeRunners([a, b]);
    assert.deepEqual(result.summary.metrics.http_reqs?.values, { count: 4, rate: 0.5 });
    assert.deepEqual(result.summary.metrics.checks?.values, { rate: 0.75, passes: 3, fails: 1 });
    assert.deepEqual(result.summary.metrics.checks?.thresholds, { "rate>=0.75": { ok: true } });
    assert.deepEqual(
      result.summary.runners.map((r) => r.requests),
      [2, 2],
    );
    assert.equal(result.summary.state?.testRunDurationMs, 8_000);
    // The per-second series sums the runners: 4 requests in the first second, one of them a 429.
    assert.deepEqual(result.series.points[0], { t: 0, requests: 4, limited: 1, errors: 0 });
  });

  test("each threshold form is judged on the whole, and a failed one exits 99", async () => {
    const t0 = 1_000_000_000_000;
    const thresholds: Record<string, string[]> = {
      iteration_errors: ["count==0"],
      admitted: ["count>=3", "count<=3"],
      rate_limited: ["count>0"],
      refusal_documented: ["rate==1"],
      http_req_duration: ["avg<20", "min>=1", "max<=30", "med==10", "p(95)<500"],
      "http_req_duration{name:challenge}": ["p(95)<25"],
      vus: ["value>0"],
    };
    const types = {
      iteration_errors: "counter",
      admitted: "counter",
      rate_limited: "counter",
      refusal_documented: "rate",
      vus: "gauge",
    } as const;
    // Two runners: neither alone has admitted 3 nor a 429; together they have.
    const a = runner(
      [
        point("admitted", t0, 1),
        point("admitted", t0, 1),
        point("http_req_duration", t0, 1, { name: "challenge" }),
        point("http_req_duration", t0, 10, { name: "inbox" }),
        point("vus", t0, 2),
      ],
      { summary: summaryWith(thresholds, types) },
    );
    const b = runner(
      [
        point("admitted", t0, 1),
        point("rate_limited", t0, 1),
        point("refusal_documented", t0, 1),
        point("http_req_duration", t0, 30, { name: "inbox" }),
        point("vus", t0 + 5, 3),
      ],
      { summary: summaryWith(thresholds, types) },
    );
    const passing = await mergeRunners([a, b]);
    assert.deepEqual(passing.failed, []);
    assert.equal(passing.exitCode, 0);
    assert.equal(passing.summary.harness.passed, true);
    assert.equal(passing.summary.harness.runners, 2);
    assert.equal(passing.summary.metrics.vus?.values.value, 3, "a gauge's last value by time");
    assert.equal(passing.summary.metrics["http_req_duration{name:challenge}"]?.values["p(95)"], 1);
    assert.equal(passing.summary.metrics.iteration_errors?.values.count, 0, "judged with no point");

    const c = runner([point("iteration_errors", t0, 1), point("http_req_duration", t0, 600)], {
      summary: summaryWith(thresholds, types),
    });
    const failing = await mergeRunners([a, b, c]);
    assert.equal(failing.exitCode, 99);
    assert.equal(failing.summary.harness.passed, false);
    // 1, 10, 30, 600 ms: avg 160.25, max 600, med 20, p95 514.5; admitted still 3 in all.
    assert.deepEqual(failing.failed, [
      "http_req_duration: avg<20",
      "http_req_duration: max<=30",
      "http_req_duration: med==10",
      "http_req_duration: p(95)<500",
      "iteration_errors: count==0",
    ]);
    assert.match(mergeText(failing), /abortOnFail .* ignored/);
  });

  test("a runner with no points (empty file, or none at all) counts for nothing and is named", async () => {
    const t0 = 1_000_000_000_000;
    const full = runner([point("http_reqs", t0, 1, { status: 200, expected: true })], {
      summary: summaryWith({ http_reqs: ["count==1"] }),
    });
    const empty = runner([]);
    const none = runner([], { noPoints: true });
    const result = await mergeRunners([full, empty, none]);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(
      result.summary.runners.map((r) => [r.points, r.requests]),
      [
        [1, 1],
        [0, 0],
        [0, 0],
      ],
    );
    assert.ok(result.notes.some((n) => n.startsWith(none) && /no points file/.test(n)));
  });

  test("a cut-off file: the complete lines count, the cut one is left out and reported", async () => {
    const t0 = 1_000_000_000_000;
    const lines = [1, 2, 3].map((i) => point("http_req_duration", t0 + i, i));
    const text = `${[HEADER, ...lines].join("\n")}\n${point("http_req_duration", t0 + 4, 4).slice(0, 30)}`;
    const plain = runner([], { raw: text });
    const result = await mergeRunners([plain]);
    assert.equal(result.summary.runners[0]?.points, 3);
    assert.equal(result.summary.runners[0]?.unreadableLines, 1);
    assert.equal(result.summary.metrics.http_req_duration?.values.max, 3);
    assert.ok(result.notes.some((n) => /1 unreadable line/.test(n)));

    // A gzip stream cut mid-way (the runner was killed): what was inflated counts, the end is reported.
    const big = Array.from({ length: 5000 }, (_, i) => point("http_req_duration", t0 + i, i % 97));
    const zipped = gzipSync(`${[HEADER, ...big].join("\n")}\n`);
    const cut = runner([], { gzip: true, raw: zipped.subarray(0, Math.floor(zipped.length * 0.6)) });
    const partial = await mergeRunners([cut]);
    const share = partial.summary.runners[0];
    assert.ok(share?.readError, "the early end is reported");
    assert.ok((share?.points ?? 0) > 0 && (share?.points ?? 0) < 5000, `${share?.points} points read`);
    assert.ok(partial.notes.some((n) => /end early/.test(n)));
  });

  test("the envelope is judged on the merged admitted count and the whole run's elapsed time", async () => {
    const t0 = 1_000_000_000_000;
    const make = (from: number, admitted: number, attempts: number) => {
      const lines = [
        point("request_time", t0 + from, t0 + from),
        point("request_time", t0 + from + 9_000, t0 + from + 9_000),
      ];
      for (let i = 0; i < admitted; i++) lines.push(point("admitted", t0 + from, 1));
      for (let i = 0; i < attempts; i++) lines.push(point("attempts", t0 + from, 1));
      const summary = {
        ...summaryWith({}, { admitted: "counter", attempts: "counter", request_time: "trend" }),
        envelope: { key: "global", burst: 10, refillPerSecond: 10, tolerancePercent: 2 },
      };
      return runner(lines, { summary });
    };
    // Together: 10 s from first to last request, so the envelope is 10 + 10 × 10 = 110.
    const result = await mergeRunners([make(0, 55, 100), make(1_000, 55, 100)]);
    const e = result.summary.envelope;
    assert.equal(e?.elapsedSeconds, 10);
    assert.equal(e?.admitted, 110);
    assert.equal(e?.attempts, 200);
    assert.equal(e?.expected, 110);
    assert.equal(e?.withinTolerance, true);
    assert.deepEqual(
      result.summary.runners.map((r) => r.admitted),
      [55, 55],
    );
  });

  test("a replayed envelope (per user) is judged on the runners' summed counters", async () => {
    const make = (c: Record<string, number>) => {
      const lines = Object.entries(c).map(([name, v]) => point(`otp_${name}`, 1_000_000_000_000, v));
      const types = Object.fromEntries(Object.keys(c).map((name) => [`otp_${name}`, "counter" as const]));
      const envelope = {
        basis: "replay",
        counters: "otp",
        key: "failed-codes-per-user",
        burst: 10,
        refillPerSecond: 1 / 300,
        tolerancePercent: 2,
        // This runner's own judgement, which the merge must not pass on.
        admitted: c.admitted,
      };
      const base = summaryWith({}, types) as { harness: object };
      // The summary carries the envelope twice, as buildSummary writes it: at the top and in harness.
      const summary = { ...base, harness: { ...base.harness, envelope }, envelope };
      return runner(lines, { summary });
    };
    // Two runners, disjoint users: 3 buckets and 2 buckets, 36 and 24 attempts.
    const one = { buckets: 3, attempts: 36, admitted: 33, limited: 3, predicted: 33, elapsed_ms: 2_160_000 };
    const two = { buckets: 2, attempts: 24, admitted: 23, limited: 1, predicted: 22, elapsed_ms: 1_440_000 };
    const merged = (await mergeRunners([make(one), make(two)])).summary;
    const e = merged.envelope;
    assert.deepEqual(merged.harness.envelope, e, "the harness block carries the merged envelope too");
    assert.equal(e?.basis, "replay");
    assert.equal(e?.keys, 5);
    assert.equal(e?.attempts, 60);
    assert.equal(e?.admitted, 56);
    assert.equal(e?.expected, 55);
    assert.equal(e?.limited, 4);
    assert.equal(e?.elapsedSeconds, 3600);
    // burst per bucket + refill over the buckets' summed spans.
    assert.equal(e?.envelope, 10 * 5 + 3600 / 300);
    assert.equal(e?.withinTolerance, true, `${e?.deviationPercent}% off`);
    // A summary that does not name its counters is not judged again (nothing to judge it on).
    const old = {
      basis: "replay",
      key: "failed-codes-per-user",
      burst: 10,
      refillPerSecond: 1,
      tolerancePercent: 2,
    };
    const oldBase = summaryWith({}) as { harness: object };
    const unnamed = runner([], {
      summary: { ...oldBase, harness: { ...oldBase.harness, envelope: old }, envelope: old },
    });
    const unjudged = (await mergeRunners([unnamed])).summary;
    assert.equal(unjudged.envelope, undefined);
    assert.equal(unjudged.harness.envelope, undefined, "not runner 1's envelope either");
  });

  test("the ramp's knee is found again on every runner's points, not taken from one runner", async () => {
    const t0 = 1_000_000_000_000;
    const thresholds: Record<string, string[]> = {};
    for (const step of [0, 1, 2]) {
      thresholds[`ramp_errors{step:${step}}`] = ["rate>=0"];
      thresholds[`http_req_duration{scenario:main,step:${step}}`] = ["max>=0"];
    }
    // Each runner's points: per step, `requests` answers of `ms` each, `errors` of them non-2xx.
    const make = (steps: Array<{ requests: number; errors: number; ms: number }>) => {
      const lines: string[] = [];
      steps.forEach(({ requests, errors, ms }, step) => {
        for (let i = 0; i < requests; i++) {
          const at = t0 + step * 10_000 + i;
          lines.push(point("http_req_duration", at, ms, { extra: `step=${step}` }));
          lines.push(point("ramp_errors", at, i < errors ? 1 : 0, { extra: `step=${step}` }));
        }
      });
      const base = summaryWith(thresholds, { ramp_errors: "rate" }) as { harness: object };
      // What the runner saw alone: every step held (its own share).
      const stages = [
        { rate: 10, requests: 0, errors: 0 },
        { rate: 20, requests: 0, errors: 0 },
        { rate: 30, requests: 0, errors: 0 },
      ];
      const summary = {
        ...base,
        harness: { ...base.harness, scenario: "ramp", knee: { found: null, stages } },
      };
      return runner(lines, { summary });
    };
    const result = await mergeRunners([
      make([
        { requests: 50, errors: 0, ms: 4 },
        { requests: 100, errors: 0, ms: 5 },
      ]),
      make([
        { requests: 50, errors: 0, ms: 6 },
        { requests: 100, errors: 10, ms: 7 },
      ]),
    ]);
    const knee = result.summary.harness.knee;
    assert.deepEqual(
      knee?.stages.map((s) => [s.rate, s.requests, s.errors]),
      [
        [10, 100, 0],
        [20, 200, 10],
        [30, 0, 0],
      ],
    );
    assert.equal(knee?.stages[1]?.p95, 7);
    // A step no runner reached has no p95 (its merged sub-metric, without points, would say 0).
    assert.equal(knee?.stages[2]?.p95, undefined);
    assert.equal(knee?.found?.stage, 1);
    assert.equal(knee?.found?.lastGoodRate, 10);
    assert.match(knee?.found?.reason ?? "", /errors 5.0% > 1.0%/);
  });

  test("figures counted from a counter are the merged count; the plan's figures stay as written", async () => {
    const make = (pending: number) => {
      const lines = Array.from({ length: pending }, () => point("polls_pending", 1_000_000_000_000, 1));
      const base = summaryWith({}, { polls_pending: "counter" }) as { harness: object };
      const harness = {
        ...base.harness,
        figures: { pending, plannedPending: 6 },
        counted: { pending: "polls_pending" },
      };
      return runner(lines, { summary: { ...base, harness } });
    };
    const merged = await mergeRunners([make(2), make(4)]);
    assert.deepEqual(merged.summary.harness.figures, { pending: 6, plannedPending: 6 });
  });
});
