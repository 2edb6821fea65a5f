import assert from "node:assert/strict";
import { test } from "node:test";
import {
  countOutcomes,
  POLL_INTERVAL_MS,
  type Poll,
  plannedSplit,
  pollOffsets,
  predictPolls,
} from "./push-polling.ts";
import { documentedLimits } from "./rate-limits.ts";

const exchange = documentedLimits.essentials.oobExchangePerMfaToken;

test("the planned polling: 3 pending, 17 slow_down, 4 rate limited, then tokens", () => {
  assert.deepEqual(plannedSplit(exchange), {
    pending: 3,
    slow_down: 17,
    rate_limited: 4,
    tokens: 1,
    used: 0,
  });
  const { fast, final } = pollOffsets();
  const outcomes = predictPolls(
    exchange,
    fast.map((atMs) => ({ atMs, approved: false })),
  ).map((p) => p.outcome);
  assert.equal(outcomes.map((o) => o[0]).join(""), "psssssssssssssssssrrprrp");
  assert.equal(final - (fast.at(-1) ?? 0), 6000);
});

test("without an exchange bucket (free) only the interval holds: pending once, then slow_down", () => {
  assert.deepEqual(plannedSplit(documentedLimits.free.oobExchangePerMfaToken), {
    pending: 1,
    slow_down: 23,
    rate_limited: 0,
    tokens: 1,
    used: 0,
  });
});

test("no planned poll lies within 300 ms of a boundary: each one late by up to 300 ms is answered the same", () => {
  const { fast, final } = pollOffsets();
  const planned: Poll[] = [
    ...fast.map((atMs) => ({ atMs, approved: false })),
    { atMs: final, approved: true },
  ];
  const expected = predictPolls(exchange, planned).map((p) => p.outcome);
  for (let i = 0; i < planned.length; i++) {
    for (const late of [1, 150, 300]) {
      const shifted = planned.map((p, j) => (j === i ? { ...p, atMs: p.atMs + late } : p));
      assert.deepEqual(
        predictPolls(exchange, shifted).map((p) => p.outcome),
        expected,
        `poll ${i} late by ${late} ms`,
      );
    }
  }
});

test("the rules one by one", () => {
  const poll = (atMs: number, approved = false): Poll => ({ atMs, approved });
  const rows: Array<[string, Poll[], string[], Array<number | undefined>]> = [
    [
      "every 5 s: always pending",
      [poll(0), poll(POLL_INTERVAL_MS), poll(2 * POLL_INTERVAL_MS)],
      ["pending", "pending", "pending"],
      [undefined, undefined, undefined],
    ],
    [
      "a slow_down counts as a poll",
      [poll(0), poll(3000), poll(6000)],
      ["pending", "slow_down", "slow_down"],
      [undefined, 2, 2],
    ],
    [
      "approved: tokens, then used up",
      [poll(0, true), poll(5000, true)],
      ["tokens", "used"],
      [undefined, undefined],
    ],
    [
      "approved but too soon: slow_down first",
      [poll(0), poll(1000, true), poll(6000, true)],
      ["pending", "slow_down", "tokens"],
      [undefined, 4, undefined],
    ],
    [
      "past the burst: rate limited, retry-after to the next token",
      Array.from({ length: 13 }, () => poll(0)),
      [...Array(1).fill("pending"), ...Array(11).fill("slow_down"), "rate_limited"],
      [undefined, ...Array(11).fill(5), 5],
    ],
  ];
  for (const [name, polls, outcomes, retryAfter] of rows) {
    const predicted = predictPolls(exchange, polls);
    assert.deepEqual(
      predicted.map((p) => p.outcome),
      outcomes,
      name,
    );
    assert.deepEqual(
      predicted.map((p) => p.retryAfter),
      retryAfter,
      name,
    );
  }
  assert.deepEqual(countOutcomes(["pending", "pending", "tokens"]), {
    pending: 2,
    slow_down: 0,
    rate_limited: 0,
    tokens: 1,
    used: 0,
  });
});
