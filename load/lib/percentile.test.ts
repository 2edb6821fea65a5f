import assert from "node:assert/strict";
import { test } from "node:test";
import { percentile } from "./percentile.ts";

test("percentiles interpolate between ranks, as k6's p(N) does", () => {
  // [values, p, expected, why]
  const rows: Array<[number[], number, number, string]> = [
    [[10, 30], 0.5, 20, "halfway between two values"],
    [[10, 20, 30, 40, 50], 0.95, 48, "rank 3.8: 40 + 0.8 × 10"],
    [[1, 2, 3, 4], 0.5, 2.5, "an even count's median"],
    [[0, 10], 0.95, 9.5, "two values"],
    [[4], 0.95, 4, "one value is every percentile"],
    [[1, 2, 3], 0, 1, "p 0 is the minimum"],
    [[1, 2, 3], 1, 3, "p 1 is the maximum"],
    [[5, 5, 5, 9], 0.5, 5, "ties"],
  ];
  for (const [values, p, expected, why] of rows) {
    assert.ok(Math.abs((percentile(values, p) ?? Number.NaN) - expected) < 1e-9, `${why}: ${values} p=${p}`);
  }
});

test("no values: undefined, so a caller decides what an empty trend shows", () => {
  assert.equal(percentile([], 0.5), undefined);
  assert.equal(percentile(new Float64Array(8), 0.5, 0), undefined);
});

test("n reads only the filled part of a buffer", () => {
  const buffer = new Float64Array([1, 2, 3, 0, 0, 0]);
  assert.equal(percentile(buffer, 1, 3), 3);
});

test("a p off the 0..1 scale is refused, not read as a rank", () => {
  for (const p of [95, 50, -0.1, 1.01, Number.NaN]) {
    assert.throws(() => percentile([1, 2, 3], p), RangeError, String(p));
  }
});
