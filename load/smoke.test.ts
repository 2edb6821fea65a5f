/**
 * The real thing, where a k6 binary is found (K6_BIN or PATH): every bundled scenario runs on k6
 * against the mock (a free port on 127.0.0.1, one mock per run) with durations made for the smoke and
 * must exit 0; a run with an impossible threshold and a run against a mock that never locks out must
 * exit 99 (k6's code for failed thresholds); an exception is reported at its TypeScript line. No run
 * may print a k6 warning. The runs go a few at a time, each against its own mock, so that the whole
 * file takes about as long as the ramp. Without k6 every test is skipped, with the reason.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { MockConfig } from "../mock/config/config.ts";
import { startMockServer } from "../mock/http/server.ts";
import { scenarioNames } from "./lib/plan.ts";
import type { LoadSummary } from "./lib/summary.ts";
import { buildLoad } from "./tooling/build.ts";
import { findK6 } from "./tooling/find-k6.ts";
import { runK6 } from "./tooling/run-k6.ts";

const k6 = findK6();
const skip = k6
  ? false
  : "k6 not found (set K6_BIN or put k6 on PATH; `npm run load` prints how to install it)";
const dir = mkdtempSync(path.join(tmpdir(), "load-smoke-"));
const scripts = new Map<string, string>();
const mocks: Array<{ close(): Promise<void> }> = [];

/**
 * Short runs: a few seconds per time-based scenario (long enough for the over-limit one to empty the
 * bucket and be refused), one iteration per flow scenario; the ramp cannot be shorter than its six
 * 2-second stages.
 */
const durations: Record<string, string> = { ramp: "12s" };
const DEFAULT_DURATION = "5s";
/**
 * Runs at a time: each k6 process is mostly waiting on its arrival rate, and 3 keep the slowest
 * (the ramp, ~13 s) the critical path on 2 cores without crowding the in-process mocks.
 */
const CONCURRENCY = 3;
const RUN_TIMEOUT_MS = 180_000;

before(async () => {
  if (!k6) return;
  const built = await buildLoad([], dir);
  for (const file of built) scripts.set(path.basename(file, ".js"), file);
});
after(async () => {
  await Promise.all(mocks.map((m) => m.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function mockUrl(config: Partial<MockConfig> = {}): Promise<string> {
  const mock = await startMockServer({ port: 0, host: "127.0.0.1", config });
  mocks.push(mock);
  return mock.url;
}

let runs = 0;

/** Runs a scenario on k6; every run, whatever its exit code, must be free of k6 warnings. */
async function run(scenario: string, env: Record<string, string>) {
  const summaryPath = path.join(dir, `${scenario}-${++runs}.json`);
  const result = await runK6({
    k6: k6 as string,
    script: scripts.get(scenario) as string,
    env: { LOAD_DURATION: durations[scenario] ?? DEFAULT_DURATION, LOAD_SUMMARY_PATH: summaryPath, ...env },
    // No REST API server: runs side by side would fight over its port (6565) and warn.
    args: ["--address", ""],
    stdio: "pipe",
    timeoutMs: RUN_TIMEOUT_MS,
  });
  // k6 logs with logfmt on stderr: a warning (Babel, a source map it could not load, a deprecated
  // option) is a line with level=warning.
  const warnings = result.output.split("\n").filter((line) => /\blevel=warning\b/.test(line));
  assert.deepEqual(warnings, [], `k6 printed warnings:\n${result.output}`);
  let summary: LoadSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(summaryPath, "utf8")) as LoadSummary;
  } catch {
    summary = undefined;
  }
  return { ...result, summary };
}

describe("k6 against the mock", { concurrency: CONCURRENCY }, () => {
  for (const scenario of scenarioNames) {
    test(`${scenario} exits 0 with no k6 warning`, { skip, timeout: RUN_TIMEOUT_MS }, async () => {
      const r = await run(scenario, { LOAD_BASE_URL: await mockUrl() });
      assert.equal(r.code, 0, r.output);
      assert.equal(r.summary?.harness.passed, true, r.output);
      if (scenario === "challenge-over-limit")
        assert.match(r.output, /rate-limit accuracy: admitted \d+ vs envelope/);
      // The flow scenarios judged against the bucket replayed on their requests' times: exactly as predicted.
      if (scenario === "otp-brute-force" || scenario === "push-polling")
        assert.match(r.output, /rate-limit accuracy: admitted \d+ of \d+ vs predicted \d+ .* = 100\.00% /);
    });
  }

  test("an impossible threshold (LOAD_P95_MS=0) exits 99", { skip, timeout: RUN_TIMEOUT_MS }, async () => {
    // Any request at all misses p95<0: two seconds of the under-limit rate are plenty.
    const r = await run("challenge-under-limit", {
      LOAD_BASE_URL: await mockUrl(),
      LOAD_P95_MS: "0",
      LOAD_DURATION: "2s",
    });
    assert.equal(r.code, 99, r.output);
    assert.deepEqual(r.summary?.harness.failedThresholds, [
      "http_req_duration{scenario:main,name:challenge}: p(95)<0",
    ]);
  });

  test("a mock that never locks out fails wrong-codes with 99", {
    skip,
    timeout: RUN_TIMEOUT_MS,
  }, async () => {
    const url = await mockUrl({
      faults: { latencyMs: 0, errorRate: {}, deviations: ["lockout-never-triggers"] },
    });
    const r = await run("wrong-codes", { LOAD_BASE_URL: url });
    assert.equal(r.code, 99, r.output);
  });

  test("an exception names the TypeScript file and line (the source map beside the bundle)", {
    skip,
    timeout: RUN_TIMEOUT_MS,
  }, async () => {
    // An invalid option throws in the init context, before any request: k6 exits 107 with the stack.
    const r = await run("challenge-under-limit", {
      LOAD_BASE_URL: "http://127.0.0.1:9",
      LOAD_PROFILE: "nope",
    });
    assert.equal(r.code, 107, r.output);
    assert.match(r.output, /LOAD_PROFILE/);
    assert.match(r.output, /load\/lib\/options\.ts:\d+:\d+/);
  });
});
