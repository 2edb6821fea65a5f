/**
 * `npm run load:merge` as a user runs it on the folders `npm run load --runners` wrote: where the
 * merge goes by default, the runners' folders it records, and what it refuses (a file, nothing to
 * judge) instead of passing on nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(tmpdir(), "load-merge-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER =
  "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,extra_tags,metadata";

/** A runner's folder: one request's points and, unless `summary` is false, a summary with one threshold. */
function runnerFolder(folder: string, summary = true): void {
  mkdirSync(folder, { recursive: true });
  const at = 1_000_000_000_000;
  const point = (metric: string, value: number) =>
    `${metric},${at},${value.toFixed(6)},,,,true,,POST,challenge,,main,,200,,,,`;
  writeFileSync(
    path.join(folder, "points.csv"),
    `${[HEADER, point("http_reqs", 1), point("http_req_duration", 3)].join("\n")}\n`,
  );
  if (!summary) return;
  writeFileSync(
    path.join(folder, "summary.json"),
    JSON.stringify({
      metrics: {
        http_reqs: { type: "counter", values: { count: 1 }, thresholds: { "count>=1": { ok: true } } },
        http_req_duration: { type: "trend", values: { "p(95)": 3 } },
      },
      state: { testRunDurationMs: 1000 },
      harness: {
        version: 1,
        scenario: "challenge-over-limit",
        target: "mock",
        host: "127.0.0.1:1",
        profile: "essentials",
        passed: true,
        failedThresholds: [],
        finishedAt: "2026-01-01T00:00:00Z",
        schema: { checked: 0, conforming: 0, findings: 0 },
        figures: {},
      },
    }),
  );
}

function merge(args: string[]): { status: number; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/load-merge.ts", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

test("runners/<i> folders merge into the folder above runners/, which the summary's runner paths are relative to", () => {
  const run = path.join(dir, "run");
  const runners = ["1", "2"].map((i) => path.join(run, "runners", i));
  for (const r of runners) runnerFolder(r);
  const first = merge(runners);
  assert.equal(first.status, 0, first.out);
  const summary = JSON.parse(readFileSync(path.join(run, "summary.json"), "utf8")) as {
    runners: Array<{ dir: string }>;
    metrics: { http_reqs: { values: { count: number } } };
  };
  assert.deepEqual(
    summary.runners.map((r) => r.dir),
    ["runners/1", "runners/2"],
  );
  assert.equal(summary.metrics.http_reqs.values.count, 2);
  // Merging again finds the same two runners: the output is not among them.
  assert.equal(merge(runners).status, 0);
});

test("a file among the runners is refused (2), and runners without a summary are no verdict (1)", () => {
  const lone = path.join(dir, "lone");
  runnerFolder(path.join(lone, "a"));
  writeFileSync(path.join(lone, "summary.json"), "{}");
  const file = merge([path.join(lone, "a"), path.join(lone, "summary.json")]);
  assert.equal(file.status, 2, file.out);
  assert.match(file.out, /not a runner's folder: .*summary\.json/);

  const bare = path.join(dir, "bare", "x");
  runnerFolder(bare, false);
  const nothing = merge([bare]);
  assert.equal(nothing.status, 1, nothing.out);
  assert.match(nothing.out, /FAILED/);
  assert.match(nothing.out, /nothing to judge \(exit 1\)/);
  assert.doesNotMatch(nothing.out, /PASSED|every merged threshold held/);
});
