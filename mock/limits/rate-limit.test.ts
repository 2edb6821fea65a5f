import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock } from "../store/clock.ts";
import { type BucketSpec, RateLimiter, type Take } from "./rate-limit.ts";

// Half a second past a whole second, so that ceil() of the reset time is visible in the assertions.
const T0 = 1_700_000_000_500;
const perSecond3: BucketSpec = { name: "three-per-second", burst: 3, refillPerSecond: 1 };

function setup(maxKeys?: number) {
  const clock = new Clock({ frozenAt: T0 });
  return { clock, limiter: new RateLimiter(clock, maxKeys === undefined ? undefined : { maxKeys }) };
}

function takes(limiter: RateLimiter, spec: BucketSpec, key: string, n: number): Take[] {
  return Array.from({ length: n }, () => limiter.take(spec, key));
}

describe("RateLimiter: burst, refill and header values", () => {
  it("allows the burst, then refuses; remaining and reset follow each take", () => {
    const { limiter } = setup();
    const answers = takes(limiter, perSecond3, "k", 4);
    assert.deepEqual(answers, [
      { allowed: true, limit: 3, remaining: 2, resetEpochSeconds: 1_700_000_002, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 1, resetEpochSeconds: 1_700_000_003, retryAfterSeconds: 0 },
      { allowed: true, limit: 3, remaining: 0, resetEpochSeconds: 1_700_000_004, retryAfterSeconds: 0 },
      { allowed: false, limit: 3, remaining: 0, resetEpochSeconds: 1_700_000_004, retryAfterSeconds: 1 },
    ]);
  });

  it("refills continuously: a token appears exactly one interval later, not a millisecond before", () => {
    const { clock, limiter } = setup();
    takes(limiter, perSecond3, "k", 3);
    clock.advance(999);
    assert.equal(limiter.take(perSecond3, "k").allowed, false);
    clock.advance(1);
    assert.deepEqual(limiter.take(perSecond3, "k"), {
      allowed: true,
      limit: 3,
      remaining: 0,
      resetEpochSeconds: 1_700_000_005,
      retryAfterSeconds: 0,
    });
  });

  it("never refills beyond the burst", () => {
    const { clock, limiter } = setup();
    limiter.take(perSecond3, "k");
    clock.advance(3_600_000);
    assert.deepEqual(
      takes(limiter, perSecond3, "k", 4).map((t) => t.allowed),
      [true, true, true, false],
    );
  });

  it("a full bucket resets now (ceil of the current second)", () => {
    const { limiter } = setup();
    assert.equal(limiter.peek(perSecond3, "k").resetEpochSeconds, 1_700_000_001);
  });

  const retryRows: Array<{ name: string; spec: BucketSpec; advanceMs: number; retry: number }> = [
    {
      name: "1 per hour, right after the burst",
      spec: { name: "h", burst: 10, refillPerSecond: 1 / 3600 },
      advanceMs: 0,
      retry: 3600,
    },
    {
      name: "1 per hour, 30 min later",
      spec: { name: "h", burst: 10, refillPerSecond: 1 / 3600 },
      advanceMs: 1_800_000,
      retry: 1800,
    },
    {
      name: "1 per hour, 1 ms before",
      spec: { name: "h", burst: 10, refillPerSecond: 1 / 3600 },
      advanceMs: 3_599_999,
      retry: 1,
    },
    {
      name: "1 per 6 minutes",
      spec: { name: "f", burst: 10, refillPerSecond: 1 / 360 },
      advanceMs: 0,
      retry: 360,
    },
    {
      name: "12 per minute",
      spec: { name: "o", burst: 12, refillPerSecond: 12 / 60 },
      advanceMs: 0,
      retry: 5,
    },
    {
      name: "25 per second (40 ms rounds up to 1 s)",
      spec: { name: "g", burst: 25, refillPerSecond: 25 },
      advanceMs: 0,
      retry: 1,
    },
  ];
  for (const row of retryRows) {
    it(`retry-after: ${row.name} -> ${row.retry}s`, () => {
      const { clock, limiter } = setup();
      takes(limiter, row.spec, "k", row.spec.burst);
      clock.advance(row.advanceMs);
      const denied = limiter.take(row.spec, "k");
      assert.equal(denied.allowed, false);
      assert.equal(denied.retryAfterSeconds, row.retry);
      assert.equal(limiter.peek(row.spec, "k").retryAfterSeconds, row.retry);
      // Waiting exactly the advertised time is always enough.
      clock.advance(row.retry * 1000);
      assert.equal(limiter.take(row.spec, "k").allowed, true);
    });
  }

  it("x-ratelimit-reset is when the whole burst is back (1 per hour, 10 used)", () => {
    const { clock, limiter } = setup();
    const spec: BucketSpec = { name: "h", burst: 10, refillPerSecond: 1 / 3600 };
    const last = takes(limiter, spec, "k", 10).at(-1);
    assert.equal(last?.resetEpochSeconds, Math.ceil((T0 + 10 * 3_600_000) / 1000));
    clock.advance(10 * 3_600_000);
    assert.deepEqual(limiter.peek(spec, "k"), {
      allowed: true,
      limit: 10,
      remaining: 10,
      resetEpochSeconds: Math.ceil(clock.now() / 1000),
      retryAfterSeconds: 0,
    });
  });
});

describe("RateLimiter: peek, refund, cost, isolation", () => {
  it("peek does not consume and does not create a bucket", () => {
    const { limiter } = setup();
    assert.deepEqual(limiter.peek(perSecond3, "k"), {
      allowed: true,
      limit: 3,
      remaining: 3,
      resetEpochSeconds: 1_700_000_001,
      retryAfterSeconds: 0,
    });
    assert.equal(limiter.size(), 0);
    limiter.take(perSecond3, "k");
    assert.equal(limiter.peek(perSecond3, "k").remaining, 2);
    assert.equal(limiter.peek(perSecond3, "k").remaining, 2);
  });

  it("refund gives a token back, never beyond the burst, and drops a bucket that is full again", () => {
    const { limiter } = setup();
    takes(limiter, perSecond3, "k", 3);
    limiter.refund(perSecond3, "k");
    assert.equal(limiter.peek(perSecond3, "k").remaining, 1);
    limiter.refund(perSecond3, "k", 5);
    assert.equal(limiter.peek(perSecond3, "k").remaining, 3);
    assert.equal(limiter.size(), 0);
    limiter.refund(perSecond3, "unknown");
    assert.equal(limiter.size(), 0);
  });

  it("cost takes several tokens at once; a denied take consumes nothing", () => {
    const { limiter } = setup();
    assert.equal(limiter.take(perSecond3, "k", 2).remaining, 1);
    const denied = limiter.take(perSecond3, "k", 2);
    assert.deepEqual([denied.allowed, denied.remaining, denied.retryAfterSeconds], [false, 1, 1]);
    assert.equal(limiter.take(perSecond3, "k", 1).remaining, 0);
    assert.equal(limiter.take(perSecond3, "k", 0).allowed, true);
  });

  it("keys and spec names are separate buckets", () => {
    const { limiter } = setup();
    takes(limiter, perSecond3, "a", 3);
    assert.equal(limiter.take(perSecond3, "a").allowed, false);
    assert.equal(limiter.take(perSecond3, "b").allowed, true);
    assert.equal(limiter.take({ ...perSecond3, name: "other" }, "a").allowed, true);
    assert.equal(limiter.size(), 3);
    limiter.clear();
    assert.equal(limiter.size(), 0);
    assert.equal(limiter.take(perSecond3, "a").allowed, true);
  });

  const bad: Array<[string, () => unknown]> = [
    ["negative cost", () => setup().limiter.take(perSecond3, "k", -1)],
    ["NaN cost", () => setup().limiter.take(perSecond3, "k", Number.NaN)],
    ["zero refill", () => setup().limiter.take({ name: "z", burst: 1, refillPerSecond: 0 }, "k")],
    ["zero burst", () => setup().limiter.peek({ name: "z", burst: 0, refillPerSecond: 1 }, "k")],
    ["maxKeys 0", () => new RateLimiter(new Clock(), { maxKeys: 0 })],
  ];
  for (const [name, call] of bad) it(`throws RangeError on ${name}`, () => assert.throws(call, RangeError));
});

describe("RateLimiter: bounded memory", () => {
  it("at the cap, full buckets go first and busy buckets keep their state", () => {
    const { clock, limiter } = setup(4);
    limiter.take(perSecond3, "idle-1");
    limiter.take(perSecond3, "idle-2");
    clock.advance(1000); // idle-1 and idle-2 are full again
    takes(limiter, perSecond3, "busy-1", 3);
    takes(limiter, perSecond3, "busy-2", 3);
    assert.equal(limiter.size(), 4);
    limiter.take(perSecond3, "new");
    assert.equal(limiter.size(), 3);
    assert.equal(limiter.take(perSecond3, "busy-1").allowed, false);
    assert.equal(limiter.take(perSecond3, "busy-2").allowed, false);
  });

  it("when nothing is full, the buckets closest to full are dropped and the cap holds", () => {
    const { clock, limiter } = setup(8);
    limiter.take(perSecond3, "nearly-full");
    for (let i = 0; i < 7; i++) takes(limiter, perSecond3, `busy-${i}`, 3);
    clock.advance(1);
    limiter.take(perSecond3, "new");
    assert.equal(limiter.size(), 8);
    assert.equal(limiter.peek(perSecond3, "nearly-full").remaining, 3, "dropped, so full again");
    for (let i = 0; i < 7; i++) assert.equal(limiter.peek(perSecond3, `busy-${i}`).allowed, false);
  });

  it("never holds more than maxKeys, however many keys arrive", () => {
    const { clock, limiter } = setup(100);
    for (let i = 0; i < 5000; i++) {
      limiter.take(perSecond3, `k${i}`);
      if (i % 7 === 0) clock.advance(50);
      assert.ok(limiter.size() <= 100);
    }
  });

  it("sweep drops only full buckets", () => {
    const { clock, limiter } = setup();
    limiter.take(perSecond3, "a");
    takes(limiter, perSecond3, "b", 3);
    clock.advance(1000);
    assert.equal(limiter.sweep(), 1);
    assert.equal(limiter.size(), 1);
    assert.equal(limiter.peek(perSecond3, "b").remaining, 1);
  });
});
