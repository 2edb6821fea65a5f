/**
 * The real thing, where a k6 binary is found (K6_BIN or PATH): every bundled scenario runs on k6
 * against the mock (a free port on 127.0.0.1) with short durations and must exit 0; a run with an
 * impossible threshold and a run against a mock that never locks out must exit 99 (k6's code for
 * failed thresholds). Without k6 every test is skipped, with the reason.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { MockConfig } from "../mock/config.ts";
import { startMockServer } from "../mock/server.ts";
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

/** Short runs: a few seconds per time-based scenario, one iteration per flow scenario. */
const durations: Record<string, string> = { ramp: "12s" };
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

async function run(scenario: string, env: Record<string, string>) {
  const summaryPath = path.join(dir, `${scenario}-${Date.now()}.json`);
  const result = await runK6({
    k6: k6 as string,
    script: scripts.get(scenario) as string,
    env: { LOAD_DURATION: durations[scenario] ?? "5s", LOAD_SUMMARY_PATH: summaryPath, ...env },
    stdio: "pipe",
    timeoutMs: RUN_TIMEOUT_MS,
  });
  let summary: LoadSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(summaryPath, "utf8")) as LoadSummary;
  } catch {
    summary = undefined;
  }
  return { ...result, summary };
}

describe("k6 against the mock", () => {
  for (const scenario of scenarioNames) {
    test(`${scenario} exits 0`, { skip, timeout: RUN_TIMEOUT_MS }, async () => {
      const r = await run(scenario, { LOAD_BASE_URL: await mockUrl() });
      assert.equal(r.code, 0, r.output);
      assert.equal(r.summary?.harness.passed, true, r.output);
      if (scenario === "challenge-over-limit")
        assert.match(r.output, /rate-limit accuracy: admitted \d+ vs envelope/);
    });
  }

  test("an impossible threshold (LOAD_P95_MS=0) exits 99", { skip, timeout: RUN_TIMEOUT_MS }, async () => {
    const r = await run("challenge-under-limit", { LOAD_BASE_URL: await mockUrl(), LOAD_P95_MS: "0" });
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
});
