import assert from "node:assert/strict";
import { test } from "node:test";
import { envelopeAccuracy, predictedAccuracy } from "./rate-limits.ts";
import {
  accuracyLine,
  buildSummary,
  failedThresholds,
  type K6SummaryData,
  setupSecrets,
  summaryText,
} from "./summary.ts";

const data: K6SummaryData = {
  metrics: {
    http_reqs: { type: "counter", values: { count: 10, rate: 2 } },
    http_req_duration: { type: "trend", values: { "p(95)": 12.5, max: 20 } },
    schema_conformance: {
      type: "rate",
      values: { rate: 0.9, passes: 9, fails: 1 },
      thresholds: { "rate>=1": { ok: false } },
    },
    schema_findings: { type: "counter", values: { count: 2, rate: 0.1 } },
    admitted: { type: "counter", values: { count: 5 }, thresholds: { "count>=4": { ok: true } } },
  },
  state: { testRunDurationMs: 5000 },
  setup_data: {
    settings: { clientSecret: "s3cr3t-client" },
    users: [{ mfaToken: "tok-123456", phone: "+15550001234" }],
  },
};
const info = {
  scenario: "challenge-over-limit",
  target: "mock",
  host: "127.0.0.1:4010",
  profile: "essentials",
  finishedAt: "2026-01-01T00:00:00.000Z",
};

test("the summary keeps k6's data but never the setup data", () => {
  const s = buildSummary(data, info);
  assert.equal("setup_data" in s, false);
  assert.deepEqual(s.metrics, data.metrics);
  assert.equal(s.harness.passed, false);
  assert.deepEqual(s.harness.failedThresholds, ["schema_conformance: rate>=1"]);
  assert.deepEqual(s.harness.schema, { checked: 10, conforming: 9, findings: 2 });
  assert.ok(!JSON.stringify(s).includes("s3cr3t"));
});

test("failed thresholds are listed as metric: expression", () => {
  assert.deepEqual(failedThresholds(data), ["schema_conformance: rate>=1"]);
});

test("the accuracy line says admitted, envelope, percent and verdict", () => {
  const bucket = { burst: 25, refillPerSecond: 25 };
  const a = envelopeAccuracy({
    bucket,
    attempts: 500,
    admitted: 270,
    elapsedSeconds: 9.98,
    tolerancePercent: 2,
  });
  assert.equal(
    accuracyLine(a),
    "rate-limit accuracy: admitted 270 vs envelope 274.5 (burst + rate × 9.98 s) = 98.36% (-1.64%, within ±2%)",
  );
  const text = summaryText(
    buildSummary(data, {
      ...info,
      envelope: { ...a, key: "global", burst: 25, refillPerSecond: 25, limited: 230, durationSeconds: 9.98 },
    }),
  );
  assert.match(text, /^challenge-over-limit against mock \(127\.0\.0\.1:4010, profile essentials\): FAILED/);
  assert.match(text, /rate-limit accuracy: admitted 270/);
  assert.match(text, /threshold failed: schema_conformance: rate>=1/);
});

test("one runner's share of a split run prints its requests and schema checks: no verdict, nothing judged on the whole run", () => {
  const envelope = envelopeAccuracy({
    bucket: { burst: 25, refillPerSecond: 25 },
    attempts: 500,
    admitted: 90,
    elapsedSeconds: 9.98,
    tolerancePercent: 2,
  });
  const knee = { found: null, stages: [{ rate: 10, requests: 50, errors: 0, p95: 3 }] };
  const summary = buildSummary(data, {
    ...info,
    envelope: {
      ...envelope,
      key: "global",
      burst: 25,
      refillPerSecond: 25,
      limited: 410,
      durationSeconds: 9.98,
    },
    knee,
    figures: { rate: 50 },
  });
  const whole = summaryText(summary);
  for (const line of [/FAILED/, /rate-limit accuracy/, /knee: /, /threshold failed/, /^figures: rate 50$/m])
    assert.match(whole, line);
  const share = summaryText(summary, { index: 1, count: 3 });
  assert.match(share, /: runner 2 of 3, its share only \(the merge judges the whole run\)\n/);
  assert.match(share, /^requests: /m);
  assert.doesNotMatch(share, /FAILED|PASSED|threshold failed|rate-limit accuracy|knee: |figures/);
});

test("the accuracy line of a replayed bucket names the prediction and the envelope beside it", () => {
  const a = predictedAccuracy({
    bucket: { burst: 10, refillPerSecond: 1 / 360 },
    attempts: 15,
    admitted: 12,
    predicted: 12,
    keys: 1,
    elapsedSeconds: 722.4,
    tolerancePercent: 2,
  });
  assert.equal(
    accuracyLine(a),
    "rate-limit accuracy: admitted 12 of 15 vs predicted 12 (the bucket replayed on the requests' times; envelope 12.0 over 722.40 s) = 100.00% (+0.00%, within ±2%)",
  );
});

test("an OTP secret in the setup data is a secret of its own kind", () => {
  assert.deepEqual(setupSecrets({ users: [{ username: "u", otpSecret: "JBSWY3DPEHPK3PXP" }] }), [
    { kind: "otp_secret", value: "JBSWY3DPEHPK3PXP" },
  ]);
});

test("setup secrets are collected by kind", () => {
  assert.deepEqual(setupSecrets(data.setup_data), [
    { kind: "client_secret", value: "s3cr3t-client" },
    { kind: "mfa_token", value: "tok-123456" },
    { kind: "phone", value: "+15550001234" },
  ]);
});
