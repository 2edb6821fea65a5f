import assert from "node:assert/strict";
import { test } from "node:test";
import {
  admittedBounds,
  arrivalRate,
  documentedLimits,
  envelope,
  envelopeAccuracy,
  predictedAccuracy,
} from "./rate-limits.ts";

const essentials = { burst: 25, refillPerSecond: 25 };
const free = { burst: 300, refillPerSecond: 5 };

test("the envelope is burst + rate × elapsed, never below the burst", () => {
  assert.equal(envelope(essentials, 0), 25);
  assert.equal(envelope(essentials, 30), 775);
  assert.equal(envelope(free, 60), 600);
  assert.equal(envelope(essentials, -5), 25);
});

test("arrival rates round away from the limit", () => {
  const rows: Array<[string, { burst: number; refillPerSecond: number }, number, number]> = [
    ["80% of essentials", essentials, 0.8, 20],
    ["2× essentials", essentials, 2, 50],
    ["80% of free (5/s)", free, 0.8, 4],
    ["2× free", free, 2, 10],
    ["80% of 1/s is still 1", { burst: 1, refillPerSecond: 1 }, 0.8, 1],
    ["2× of 12/min rounds up", { burst: 12, refillPerSecond: 0.2 }, 2, 1],
  ];
  for (const [name, bucket, factor, expected] of rows)
    assert.equal(arrivalRate(bucket, factor), expected, name);
});

test("accuracy compares admitted with the envelope over the same time", () => {
  const exact = envelopeAccuracy({
    bucket: essentials,
    attempts: 1500,
    admitted: 775,
    elapsedSeconds: 30,
    tolerancePercent: 2,
  });
  assert.equal(exact.expected, 775);
  assert.equal(exact.accuracyPercent, 100);
  assert.equal(exact.withinTolerance, true);
  assert.equal(exact.burstExhausted, true);

  const generous = envelopeAccuracy({
    bucket: essentials,
    attempts: 1500,
    admitted: 800,
    elapsedSeconds: 30,
    tolerancePercent: 2,
  });
  assert.ok(Math.abs(generous.deviationPercent - 3.2258) < 0.001);
  assert.equal(generous.withinTolerance, false);

  const strict = envelopeAccuracy({
    bucket: essentials,
    attempts: 1500,
    admitted: 760,
    elapsedSeconds: 30,
    tolerancePercent: 2,
  });
  assert.ok(strict.deviationPercent < 0);
  assert.equal(strict.withinTolerance, true);
});

test("a run too short to empty the bucket expects every attempt to pass", () => {
  const a = envelopeAccuracy({
    bucket: free,
    attempts: 300,
    admitted: 300,
    elapsedSeconds: 30,
    tolerancePercent: 2,
  });
  assert.equal(a.expected, 300);
  assert.equal(a.burstExhausted, false);
  assert.equal(a.withinTolerance, true);
});

test("bounds known before the run follow the arrival schedule", () => {
  // 50/s for 10 s: 500 requests, the last at 9.98 s; envelope 25 + 25 × 9.98 = 274.5
  const b = admittedBounds(essentials, 50, 10, 2);
  assert.equal(b.attempts, 500);
  assert.ok(Math.abs(b.expected - 274.5) < 1e-9);
  assert.equal(b.min, 269);
  assert.equal(b.max, 280);
  assert.deepEqual(admittedBounds(free, 10, 5, 2), { attempts: 50, expected: 50, min: 49, max: 51 });
});

test("documented limits match Auth0's published numbers", () => {
  assert.deepEqual(documentedLimits.essentials.global, { burst: 25, refillPerSecond: 25 });
  assert.deepEqual(documentedLimits.enterprise.global, { burst: 100, refillPerSecond: 100 });
  assert.equal(documentedLimits.free.oobExchangePerMfaToken, null);
  assert.equal(documentedLimits.essentials.oobExchangePerMfaToken?.burst, 12);
  assert.equal(documentedLimits.essentials.messagesPerUser?.refillPerSecond, 1 / 3600);
  assert.equal(documentedLimits.essentials.failedCodesPerUser?.refillPerSecond, 1 / 360);
  assert.equal(documentedLimits.off.global, null);
});

test("a replayed prediction is the judge; the envelope sums the burst of every bucket", () => {
  const rows: Array<[string, number, number, boolean]> = [
    ["as predicted", 21, 100, true],
    ["one more than predicted", 22, 104.76, false],
    ["one fewer", 20, 95.24, false],
  ];
  for (const [name, admitted, percent, within] of rows) {
    const a = predictedAccuracy({
      bucket: { burst: 12, refillPerSecond: 0.2 },
      attempts: 25,
      admitted,
      predicted: 21,
      keys: 2,
      elapsedSeconds: 94.8,
      tolerancePercent: 2,
    });
    assert.equal(a.basis, "replay", name);
    assert.equal(a.envelope, 24 + 0.2 * 94.8, name);
    assert.equal(Math.round(a.accuracyPercent * 100) / 100, percent, name);
    assert.equal(a.withinTolerance, within, name);
  }
});
