import assert from "node:assert/strict";
import { test } from "node:test";
import { envelopeAccuracy } from "../load/lib/rate-limits.ts";
import { buildSummary, type K6SummaryData } from "../load/lib/summary.ts";
import { renderLoadHtml } from "./load-page.ts";

const data: K6SummaryData = {
  metrics: {
    http_reqs: { type: "counter", values: { count: 500, rate: 50 } },
    http_req_duration: {
      type: "trend",
      values: { avg: 3, med: 2, "p(95)": 7.5, "p(99)": 9, max: 12 },
      thresholds: { "p(95)<5": { ok: false } },
    },
    schema_conformance: { type: "rate", values: { rate: 1, passes: 40, fails: 0 } },
  },
  state: { testRunDurationMs: 10_000 },
};

test("the page of one load run shows the verdict, thresholds, envelope, knee and figures", () => {
  const accuracy = envelopeAccuracy({
    bucket: { burst: 25, refillPerSecond: 25 },
    attempts: 500,
    admitted: 270,
    elapsedSeconds: 10,
    tolerancePercent: 2,
  });
  const html = renderLoadHtml(
    buildSummary(data, {
      scenario: "challenge-over-limit",
      target: "mock",
      host: "127.0.0.1:4010",
      profile: "essentials",
      finishedAt: "2026-01-01T00:00:00.000Z",
      envelope: {
        ...accuracy,
        key: "global",
        burst: 25,
        refillPerSecond: 25,
        limited: 230,
        durationSeconds: 10,
      },
      knee: {
        found: { stage: 1, rate: 100, lastGoodRate: 50, reason: "errors <b>9%</b>" },
        stages: [
          { rate: 50, requests: 250, errors: 0, p95: 3 },
          { rate: 100, requests: 250, errors: 22, p95: 8 },
        ],
      },
      figures: { refusedWith429: 230 },
    }),
  );
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /<title>Load: challenge-over-limit<\/title>/);
  for (const needle of [
    "FAILED",
    "thresholds failed",
    "http_req_duration: p(95)&lt;5",
    "40 responses schema-checked, 0 findings",
    "admitted of 500 attempts = 98.2% of it (within ±2%)",
    "Knee at 100 req/s (last good 50 req/s): errors &lt;b>9%&lt;/b>",
    "refusedWith429",
  ]) {
    assert.ok(html.includes(needle), `page lacks ${needle}`);
  }
  assert.ok(!/<script|<link|<img|@import|url\(/i.test(html), "the page loads nothing and runs nothing");
});

test("with a series, the page draws requests, errors and latency per second and admitted against the envelope", () => {
  const points = Array.from({ length: 10 }, (_, t) => ({
    t,
    requests: 50,
    limited: t < 1 ? 0 : 25,
    errors: t === 4 ? 2 : 0,
    p50: 2,
    p95: 6,
    admitted: t < 1 ? 50 : 25,
  }));
  const accuracy = envelopeAccuracy({
    bucket: { burst: 25, refillPerSecond: 25 },
    attempts: 500,
    admitted: 275,
    elapsedSeconds: 10,
    tolerancePercent: 2,
  });
  const summary = buildSummary(data, {
    scenario: "challenge-over-limit",
    target: "mock",
    host: "127.0.0.1:1",
    profile: "essentials",
    finishedAt: "2026-01-05T10:00:00.000Z",
    envelope: {
      ...accuracy,
      key: "global",
      burst: 25,
      refillPerSecond: 25,
      limited: 225,
      durationSeconds: 10,
    },
  });
  const html = renderLoadHtml(summary, { version: 1, startMs: 0, points });
  assert.match(html, /challenge-over-limit: requests per second/);
  assert.match(html, /challenge-over-limit: latency per second/);
  assert.match(html, /admitted requests against the token-bucket envelope, per second/);
  assert.match(html, /±2% tolerance/);
  assert.match(html, /other errors/);
  assert.doesNotMatch(renderLoadHtml(summary), /requests per second/);
});

test("a merged run's page says how many runners, shows each one's share and the merged verdict", () => {
  const summary = buildSummary(data, {
    scenario: "challenge-over-limit",
    target: "mock",
    host: "127.0.0.1:1",
    profile: "essentials",
    finishedAt: "2026-01-01T00:00:00Z",
  });
  summary.harness.runners = 3;
  const merged = {
    ...summary,
    runners: [
      { index: 1, segment: "0:1/3", requests: 167, admitted: 90, p95: 9.5, exitCode: 99 },
      { index: 2, segment: "1/3:2/3", requests: 166, admitted: 65, p95: 9.2, exitCode: 99 },
      { index: 3, segment: "2/3:1", requests: 167, admitted: 119, p95: 9.3, exitCode: 99 },
      { requests: "not a number" }, // dropped: the report reads leniently
    ],
  };
  const html = renderLoadHtml(merged);
  assert.match(html, /3 runners, judged as one run \(merged points\)/);
  assert.match(html, /3 runners: each one&#x27;s share|3 runners: each one's share/);
  assert.match(html, /<td>2\/3:1<\/td>/);
  assert.match(html, /33\.4%/);
  // The verdict is the merge's (this summary's p(95)<5 failed), whatever each runner said of its share.
  assert.match(html, /thresholds failed/);
});
