import assert from "node:assert/strict";
import { test } from "node:test";
import { admittedCount, type CodeAttempt, predictCodeAttempts } from "./failed-codes.ts";
import { documentedLimits } from "./rate-limits.ts";

const bucket = documentedLimits.essentials.failedCodesPerUser as { burst: number; refillPerSecond: number };
const at = (atMs: number, right = false): CodeAttempt => ({ atMs, right });

test("the OTP brute-force iteration: 10 wrong, locked (the right code too), one more after 6 minutes, then in", () => {
  const attempts = [
    ...Array.from({ length: 11 }, (_, i) => at(i)),
    at(11, true),
    at(361_000),
    at(361_001),
    at(722_000, true),
  ];
  const outcomes = predictCodeAttempts(bucket, attempts);
  assert.deepEqual(outcomes, [...Array(10).fill("wrong"), "locked", "locked", "wrong", "locked", "accepted"]);
  assert.equal(admittedCount(outcomes, "locked"), 12);
});

test("what the lockout does and does not count", () => {
  const rows: Array<[string, CodeAttempt[], string[]]> = [
    [
      "a right code takes no token",
      [at(0, true), ...Array.from({ length: 10 }, () => at(1))],
      ["accepted", ...Array(10).fill("wrong")],
    ],
    [
      "locked attempts take no token either",
      [...Array(12).fill(at(0)), at(360_000)],
      [...Array(10).fill("wrong"), "locked", "locked", "wrong"],
    ],
    [
      "just short of the interval is still locked",
      [...Array(10).fill(at(0)), at(359_000, true)],
      [...Array(10).fill("wrong"), "locked"],
    ],
  ];
  for (const [name, attempts, expected] of rows)
    assert.deepEqual(predictCodeAttempts(bucket, attempts), expected, name);
});
