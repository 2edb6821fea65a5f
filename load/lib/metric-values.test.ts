import assert from "node:assert/strict";
import { test } from "node:test";
import { metricValue } from "./metric-values.ts";

test("a metric's value, or the fallback where the run has none or no finite one", () => {
  const data = { metrics: { a: { values: { count: 3, rate: Number.NaN } }, b: undefined } };
  const rows: Array<[string, string, number | undefined, number]> = [
    ["a", "count", undefined, 3],
    ["a", "rate", undefined, 0],
    ["a", "p(95)", Number.NaN, Number.NaN],
    ["b", "count", 7, 7],
    ["missing", "count", undefined, 0],
  ];
  for (const [metric, value, fallback, expected] of rows) {
    assert.deepEqual(metricValue(data, metric, value, fallback), expected, `${metric} ${value}`);
  }
});
