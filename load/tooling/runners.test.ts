/**
 * `npm run load --runners 3` on the real k6 against one embedded mock, where k6 is found (K6_BIN,
 * else PATH; skipped without it, with the reason): the merged run passes, its accuracy on the whole is
 * within ±2%, the merged p95 is the p95 of every runner's points together, and a threshold that fails
 * on the whole exits 99, and a ramp's knee is judged on every runner's steps together. Three runs of
 * about 15, 10 and 15 s.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { findK6 } from "./find-k6.ts";
import { percentileOfSorted } from "./merge.ts";
import { freePorts } from "./runners.ts";
import { splitCsvLine } from "./series.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
let k6: string | undefined;
try {
  k6 = findK6(process.env);
} catch {
  k6 = undefined;
}
const skip = k6 ? false : "k6 not found (set K6_BIN or put k6 on PATH)";
const dir = mkdtempSync(path.join(tmpdir(), "load-runners-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run load` with its own reports folder; resolves with the exit code and the output. */
function load(args: string[], env: Record<string, string>, reports: string) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/load.ts", ...args], {
      cwd: root,
      env: { ...process.env, K6_BIN: k6 ?? "", REPORTS_DIR: reports, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}

/** Every http_req_duration value of a runner's masked points file. */
function durations(file: string): number[] {
  const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter(Boolean);
  const header = splitCsvLine(lines[0] ?? "");
  const [metric, value] = [header.indexOf("metric_name"), header.indexOf("metric_value")];
  return lines.slice(1).flatMap((line) => {
    const f = splitCsvLine(line);
    return f[metric] === "http_req_duration" ? [Number(f[value])] : [];
  });
}

test("free ports differ", async () => {
  const ports = await freePorts(3);
  assert.equal(new Set(ports).size, 3);
  assert.ok(ports.every((p) => p > 0));
});

describe("three k6 runners against one mock, judged as one run", { skip }, () => {
  test("challenge-over-limit passes on the whole: accuracy within ±2%, p95 of all points", async () => {
    const reports = path.join(dir, "pass");
    const run = await load(["challenge-over-limit", "--runners", "3", "--duration", "10s"], {}, reports);
    assert.equal(run.code, 0, run.out);
    // Each runner alone is judged on whole-run bounds (and fails them); the merge is the verdict.
    const accuracy =
      /^rate-limit accuracy: admitted (\d+) vs envelope [\d.]+ .* = ([\d.]+)% \([+-][\d.]+%, within ±2%\)$/m.exec(
        run.out,
      );
    assert.ok(accuracy, run.out);
    const out = path.join(reports, "load", "challenge-over-limit");
    const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8")) as {
      harness: { runners: number; passed: boolean };
      envelope: { admitted: number; withinTolerance: boolean };
      metrics: Record<string, { values: Record<string, number> }>;
      runners: Array<{ admitted: number; segment: string }>;
    };
    assert.equal(summary.harness.runners, 3);
    assert.equal(summary.harness.passed, true);
    assert.equal(summary.envelope.withinTolerance, true);
    assert.equal(summary.envelope.admitted, Number(accuracy[1]));
    assert.deepEqual(
      summary.runners.map((r) => r.segment),
      ["0:1/3", "1/3:2/3", "2/3:1"],
    );
    assert.equal(
      summary.runners.reduce((a, r) => a + r.admitted, 0),
      summary.envelope.admitted,
      "the runners' admitted add up to the merged count",
    );
    const all = readdirSync(path.join(out, "runners"))
      .flatMap((r) => durations(path.join(out, "runners", r, "points.csv.gz")))
      .sort((a, b) => a - b);
    assert.ok(all.length > 300);
    assert.equal(
      summary.metrics.http_req_duration?.values["p(95)"],
      percentileOfSorted(all, all.length, 0.95),
    );
  });

  test("a threshold that fails on the whole run exits 99", async () => {
    // LOAD_P95_MS=0: the main request's p(95)<0 cannot hold, whichever runner's points it reads.
    const run = await load(
      ["challenge-over-limit", "--runners", "3", "--duration", "3s"],
      { LOAD_P95_MS: "0" },
      path.join(dir, "fail"),
    );
    assert.equal(run.code, 99, run.out);
    assert.match(
      run.out,
      /^threshold failed: http_req_duration\{scenario:main,name:challenge\}: p\(95\)<0$/m,
    );
  });

  test("ramp: each step's requests are every runner's, and the knee is judged on them", async () => {
    const reports = path.join(dir, "ramp");
    const run = await load(["ramp", "--runners", "2", "--duration", "12s"], {}, reports);
    assert.equal(run.code, 0, run.out);
    type Knee = { found: { stage: number } | null; stages: Array<{ rate: number; requests: number }> };
    const read = (...parts: string[]) =>
      JSON.parse(readFileSync(path.join(reports, "load", "ramp", ...parts, "summary.json"), "utf8")) as {
        harness: { knee: Knee };
      };
    const merged = read().harness.knee;
    const shares = ["1", "2"].map((r) => read("runners", r).harness.knee);
    assert.equal(merged.stages.length, 6);
    merged.stages.forEach((stage, i) => {
      const sum = shares.reduce((a, k) => a + (k.stages[i]?.requests ?? 0), 0);
      assert.equal(stage.requests, sum, `step ${i + 1}: the merged count is the runners' sum`);
      assert.equal(stage.rate, shares[0]?.stages[i]?.rate);
    });
    assert.ok((merged.stages[5]?.requests ?? 0) > (shares[0]?.stages[5]?.requests ?? 0));
    // Each runner prints its share without a verdict or a knee; the one knee line is the merged one.
    for (const r of [1, 2]) {
      assert.match(
        run.out,
        new RegExp(`^\\[runner ${r}/2\\] ramp against .*: runner ${r} of 2, its share only`, "m"),
      );
    }
    const lines = run.out.match(/^.*knee: .*$/gm) ?? [];
    assert.equal(lines.length, 1, run.out);
    const top = merged.stages[5]?.rate;
    const expected = merged.found
      ? new RegExp(`^knee: stage ${merged.found.stage + 1} at`)
      : new RegExp(`^knee: none up to ${top}/s`);
    assert.match(lines[0] ?? "", expected, run.out);
  });
});
