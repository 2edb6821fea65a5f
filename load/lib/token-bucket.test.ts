import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "../../mock/limits/rate-limit.ts";
import { Clock } from "../../mock/store/clock.ts";
import { BucketReplay, replayBucket } from "./token-bucket.ts";

const failedCodes = { burst: 10, refillPerSecond: 1 / 360 };
const exchange = { burst: 12, refillPerSecond: 12 / 60 };

test("a full bucket admits its burst at once, then one more per refill interval", () => {
  const rows: Array<[string, { burst: number; refillPerSecond: number }, number[], boolean[]]> = [
    ["burst, then refused", failedCodes, Array(11).fill(0), [...Array(10).fill(true), false]],
    [
      "one token 360 s after the first take",
      failedCodes,
      [...Array(10).fill(0), 359_999, 360_000],
      [...Array(10).fill(true), false, true],
    ],
    [
      "two intervals give two tokens",
      failedCodes,
      [...Array(10).fill(0), 720_000, 720_000, 720_000],
      [...Array(10).fill(true), true, true, false],
    ],
    [
      "a refused request takes nothing",
      exchange,
      [...Array(13).fill(0), 5000, 5000],
      [...Array(12).fill(true), false, true, false],
    ],
  ];
  for (const [name, bucket, times, expected] of rows)
    assert.deepEqual(replayBucket(bucket, times), expected, name);
});

test("secondsToToken is the retry-after of an empty bucket, 0 with a token left", () => {
  const replay = new BucketReplay(exchange);
  for (let i = 0; i < 12; i++) replay.take(0);
  assert.equal(replay.secondsToToken(0), 5);
  assert.equal(replay.secondsToToken(1200), 4);
  assert.equal(replay.secondsToToken(5000), 0);
  assert.throws(() => new BucketReplay({ burst: 0, refillPerSecond: 1 }), /burst >= 1/);
});

test("the replay admits what the mock's limiter admits, on irregular schedules", () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const bucket of [failedCodes, exchange, { burst: 25, refillPerSecond: 25 }]) {
    for (let round = 0; round < 20; round++) {
      const clock = new Clock({ frozenAt: 0 });
      const limiter = new RateLimiter(clock);
      const spec = { name: "b", ...bucket };
      const times: number[] = [];
      const admitted: boolean[] = [];
      const step = 1000 / bucket.refillPerSecond;
      for (let i = 0; i < 60; i++) {
        clock.advance(Math.floor(random() * step * 0.7));
        times.push(clock.now());
        admitted.push(limiter.take(spec, "k").allowed);
      }
      assert.deepEqual(replayBucket(bucket, times), admitted, `${JSON.stringify(bucket)} round ${round}`);
    }
  }
});
