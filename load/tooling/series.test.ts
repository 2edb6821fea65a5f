import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { percentile } from "../lib/percentile.ts";
import { recordSeries, SeriesAggregator, splitCsvLine } from "./series.ts";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "points.csv");
const dir = mkdtempSync(path.join(tmpdir(), "series-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a CSV line splits on commas outside quotes", () => {
  assert.deepEqual(splitCsvLine('a,"b, c",,"say ""hi"""'), ["a", "b, c", "", 'say "hi"']);
});

test("percentiles interpolate between ranks", () => {
  assert.equal(percentile([10, 30], 0.5), 20);
  assert.equal(percentile([10, 20, 30, 40, 50], 0.95), 48);
  assert.equal(percentile([], 0.5), undefined);
});

test("millisecond timestamps count seconds from the first point", () => {
  const agg = new SeriesAggregator();
  agg.add("metric_name,timestamp,metric_value,status");
  agg.add("http_reqs,1767607200900,1,200");
  agg.add("http_reqs,1767607201800,1,200");
  agg.add("http_reqs,1767607201950,1,429");
  const series = agg.result();
  assert.equal(series.startMs, 1767607200900);
  assert.deepEqual(
    series.points.map((p) => [p.t, p.requests, p.limited]),
    [
      [0, 2, 0],
      [1, 1, 1],
    ],
  );
});

test("points aggregate per second: requests, 429s, other errors, p50/p95, admitted; gaps are zeros, setup left out", async () => {
  const series = await recordSeries(
    fixture,
    path.join(dir, "points.csv.gz"),
    path.join(dir, "series.json"),
    (line) => line.replace("challenge", "masked"),
  );
  assert.equal(series.startMs, 1767607200000);
  assert.deepEqual(series.points, [
    { t: 0, requests: 3, limited: 0, errors: 0, p50: 20, p95: 29, admitted: 2 },
    { t: 1, requests: 2, limited: 1, errors: 1, p50: 5, p95: 5, admitted: 0 },
    { t: 2, requests: 0, limited: 0, errors: 0, admitted: 0 },
    { t: 3, requests: 2, limited: 0, errors: 1, p50: 100, p95: 100, admitted: 0 },
  ]);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "series.json"), "utf8")), series);
  // Every line is kept, through the mask.
  const points = gunzipSync(readFileSync(path.join(dir, "points.csv.gz"))).toString("utf8");
  assert.equal(points.split("\n").length, readFileSync(fixture, "utf8").split("\n").length);
  assert.doesNotMatch(points, /challenge/);
});

test("a second's latencies are released once the points are well past it", () => {
  const agg = new SeriesAggregator();
  agg.add("metric_name,timestamp,metric_value,status");
  agg.add("http_req_duration,100,10,200");
  agg.add("http_req_duration,120,50,200");
  agg.add("http_req_duration,100,999,200"); // too late: its second is closed
  agg.add("http_req_duration,99,999,200"); // before the first point: counted in the first second, also closed
  const [first] = agg.result().points;
  assert.equal(first?.p95, 10);
  assert.equal(agg.result().points.length, 21);
  assert.equal(new SeriesAggregator().result().points.length, 0);
});
