import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bodyProblems,
  isAnswer,
  lowerCaseHeaders,
  parseRateLimitHeaders,
  RATE_LIMITED,
  rateLimitHeaderProblems,
  TOO_MANY_SMS,
  waitBeforeNext,
} from "./answers.ts";

const sentAt = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const now = sentAt / 1000;
const h = (over: Record<string, string | undefined> = {}) => ({
  "x-ratelimit-limit": "25",
  "x-ratelimit-remaining": "0",
  "x-ratelimit-reset": String(now + 1),
  "retry-after": "1",
  ...over,
});

test("header invariants: one row per way to break them", () => {
  const rows: Array<[string, number, Record<string, string | undefined>, string[]]> = [
    ["a sound 429", 429, h(), []],
    [
      "a sound 200 needs no retry-after",
      200,
      h({ "retry-after": undefined, "x-ratelimit-remaining": "24" }),
      [],
    ],
    ["missing limit", 200, h({ "x-ratelimit-limit": undefined }), ["x-ratelimit-limit is missing"]],
    [
      "non-numeric reset",
      200,
      h({ "x-ratelimit-reset": "soon" }),
      ['x-ratelimit-reset is "soon", not a whole number'],
    ],
    [
      "remaining above limit",
      200,
      h({ "x-ratelimit-remaining": "26" }),
      ["x-ratelimit-remaining 26 exceeds x-ratelimit-limit 25"],
    ],
    ["429 without retry-after", 429, h({ "retry-after": undefined }), ["retry-after is missing on a 429"]],
    [
      "429 with retry-after 0",
      429,
      h({ "retry-after": "0" }),
      ['retry-after is "0", expected whole seconds >= 1'],
    ],
    [
      "429 with tokens left",
      429,
      h({ "x-ratelimit-remaining": "3" }),
      ["x-ratelimit-remaining is 3 on a 429, expected 0"],
    ],
    [
      "429 whose reset has passed",
      429,
      h({ "x-ratelimit-reset": String(now) }),
      [`x-ratelimit-reset ${now} is not in the future (request sent at ${now})`],
    ],
  ];
  for (const [name, status, headers, expected] of rows) {
    assert.deepEqual(rateLimitHeaderProblems(status, headers, sentAt), expected, name);
  }
});

test("a push's slow_down is refused for the interval, not an empty bucket: tokens may remain", () => {
  const headers = h({ "x-ratelimit-remaining": "3" });
  assert.deepEqual(rateLimitHeaderProblems(429, headers, sentAt, 0, true), []);
  // Everything else still holds for it.
  assert.deepEqual(rateLimitHeaderProblems(429, h({ "retry-after": undefined }), sentAt, 0, true), [
    "retry-after is missing on a 429",
  ]);
});

test("clock skew tolerance lets a slightly early reset pass", () => {
  assert.deepEqual(
    rateLimitHeaderProblems(429, h({ "x-ratelimit-reset": String(now) }), sentAt + 500, 1000),
    [],
  );
});

test("bodies are compared on error and description", () => {
  assert.equal(isAnswer({ ...RATE_LIMITED }, RATE_LIMITED), true);
  assert.equal(isAnswer({ ...TOO_MANY_SMS }, RATE_LIMITED), false);
  assert.deepEqual(
    bodyProblems({ error: "too_many_requests", error_description: "Slow down" }, RATE_LIMITED),
    ['error_description is "Slow down", expected "Rate limit exceeded."'],
  );
  assert.deepEqual(bodyProblems(undefined, RATE_LIMITED), [
    'body is not a JSON object, expected error "too_many_requests"',
  ]);
});

test("headers lower-cased as k6 reports them canonicalised", () => {
  assert.deepEqual(lowerCaseHeaders({ "X-Ratelimit-Limit": "25", "Retry-After": "1", Skip: undefined }), {
    "x-ratelimit-limit": "25",
    "retry-after": "1",
  });
});

test("a client honouring the headers waits only when nothing remains", () => {
  const parsed = parseRateLimitHeaders(h({ "x-ratelimit-reset": String(now + 60) }));
  assert.deepEqual(parsed, { limit: 25, remaining: 0, reset: now + 60, retryAfter: 1 });
  assert.equal(waitBeforeNext(parsed, sentAt), 60);
  assert.equal(waitBeforeNext({ limit: 25, remaining: 5, reset: now + 60 }, sentAt), 0);
  assert.equal(waitBeforeNext(parsed, sentAt + 120_000), 0);
  assert.equal(waitBeforeNext(undefined, sentAt), 0);
});
