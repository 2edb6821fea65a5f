import assert from "node:assert/strict";
import { test } from "node:test";
import { envelope } from "../load/lib/rate-limits.ts";
import { envelopeAccuracy, mainPhase, parseEnvelope, parseLoadSummary, parseSeries } from "./load.ts";

test("reads both k6 summary shapes", () => {
  const handleSummary = {
    state: { testRunDurationMs: 10_000 },
    metrics: {
      http_req_duration: {
        type: "trend",
        values: { avg: 2, med: 1.5, "p(95)": 4, max: 9 },
        thresholds: { "p(95)<5": { ok: true } },
      },
      http_reqs: { type: "counter", values: { count: 100, rate: 10 } },
      http_429: { type: "counter", values: { count: 30 } },
    },
  };
  const exported = {
    metrics: {
      http_req_duration: { avg: 2, med: 1.5, "p(95)": 4, max: 9, thresholds: { "p(95)<5": true } },
      http_reqs: { count: 100, rate: 10 },
      "http_reqs{status:429}": { count: 30 },
    },
  };
  for (const [name, raw, ok] of [
    ["handleSummary", handleSummary, true],
    ["--summary-export (true = failed)", exported, false],
  ] as const) {
    const r = parseLoadSummary("s", raw);
    assert.deepEqual(
      r.latency.map((l) => `${l.label}=${l.ms}`),
      ["avg=2", "p(50)=1.5", "p(95)=4", "max=9"],
      name,
    );
    assert.deepEqual(
      [r.requests, r.rps, r.durationSeconds, r.limited, r.admitted],
      [100, 10, 10, 30, 70],
      name,
    );
    assert.deepEqual(r.thresholds, [{ metric: "http_req_duration", expression: "p(95)<5", ok }], name);
  }
});

test("garbage in gives an empty result, not a crash", () => {
  for (const raw of [undefined, null, 42, "x", { metrics: { http_reqs: "no" } }]) {
    const r = parseLoadSummary("s", raw);
    assert.deepEqual([r.requests, r.latency.length, r.thresholds.length], [0, 0, 0]);
  }
});

test("envelope: burst + refill × elapsed, and accuracy", () => {
  // One envelope for the load runner and the report: negative elapsed time counts as none.
  assert.equal(envelope({ burst: 20, refillPerSecond: 5 }, 30), 170);
  assert.equal(envelope({ burst: 20, refillPerSecond: 5 }, -3), 20);
  const rows: Array<[string, unknown, number | undefined]> = [
    ["computed from totals", { burst: 20, refillPerSecond: 5, admitted: 85, durationSeconds: 30 }, 50],
    [
      "the runner's own figure wins",
      { burst: 20, refillPerSecond: 5, admitted: 85, durationSeconds: 30, accuracyPercent: 99.5 },
      99.5,
    ],
    ["no bucket", { admitted: 3 }, undefined],
  ];
  for (const [name, env, expected] of rows) {
    const r = parseLoadSummary("s", { metrics: {} }, env);
    assert.equal(envelopeAccuracy(r), expected, name);
  }
  assert.equal(
    parseEnvelope({ burst: 1, refillPerSecond: 1, timeline: [{ t: "x" }, { t: 1, admitted: 2 }] })?.timeline
      ?.length,
    1,
  );
});

test("reads the load runner's harness block", () => {
  const r = parseLoadSummary("ramp", {
    metrics: {},
    harness: {
      target: "mock",
      profile: "off",
      approval: "T-1234",
      passed: false,
      schema: { checked: 10, conforming: 9, findings: 1 },
      knee: { found: null, stages: [{ rate: 50, requests: 500, errors: 0, p95: 3 }, { nope: 1 }] },
    },
  });
  assert.deepEqual(r.harness, {
    target: "mock",
    profile: "off",
    approval: "T-1234",
    passed: false,
    schema: { checked: 10, conforming: 9, findings: 1 },
    stages: [{ rate: 50, requests: 500, errors: 0, p95: 3 }],
    knee: null,
  });
});

test("reads series.json leniently: malformed points dropped, missing counts are zero", () => {
  assert.deepEqual(parseSeries(undefined), []);
  assert.deepEqual(
    parseSeries({ points: [{ t: 0, requests: 5, p95: 9, admitted: 3 }, { requests: 1 }, null] }),
    [{ t: 0, requests: 5, limited: 0, errors: 0, p95: 9, admitted: 3 }],
  );
  const r = parseLoadSummary("x", {}, undefined, [], { points: [{ t: 0, requests: 1 }] });
  assert.equal(r.series?.length, 1);
  assert.equal(parseLoadSummary("x", {}).series, undefined);
});

test("the main phase's requests and rate come from the series, setup left out; k6's totals stay beside them", () => {
  // k6 counts setup's requests too: 2,821 over 31.1 s (90.7/s) for a 50/s plan of 1,500 in 30 s.
  const summary = { metrics: { http_reqs: { values: { count: 2821, rate: 90.7 } } } };
  const points = Array.from({ length: 30 }, (_, t) => ({ t: t + 2, requests: 50 }));
  const r = parseLoadSummary("x", summary, undefined, [], { points });
  assert.deepEqual([r.requests, r.rps], [2821, 90.7]);
  assert.deepEqual(r.main, { requests: 1500, rps: 50, seconds: 30 });
  // Quiet seconds inside the phase count: the rate is over the seconds from the first to the last.
  assert.deepEqual(
    mainPhase([
      { t: 0, requests: 10, limited: 0, errors: 0 },
      { t: 4, requests: 10, limited: 0, errors: 0 },
    ]),
    {
      requests: 20,
      rps: 4,
      seconds: 5,
    },
  );
  assert.equal(mainPhase([]), undefined);
  assert.equal(parseLoadSummary("x", summary).main, undefined);
});
