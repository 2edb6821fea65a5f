/**
 * Every scenario's logic against the real mock, in the simulated k6 runtime (load/sim): a faithful
 * mock passes every threshold, an impossible threshold makes the run exit 99, and a mock with a
 * deviation the scenario is about fails it. Real k6 runs are in smoke.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MockConfig } from "../mock/config/config.ts";
import type { DeviationName } from "../mock/deviations.ts";
import { type ScenarioName, scenarioNames } from "./lib/plan.ts";
import type { LoadSummary } from "./lib/summary.ts";
import { simulate } from "./sim/run.ts";

const short = {
  LOAD_DURATION: "4s",
  LOAD_ITERATIONS: "2",
  LOAD_SUMMARY_PATH: "summary.json",
  LOAD_SECRETS_PATH: "secrets.json",
};

function deviation(name: DeviationName): Partial<MockConfig> {
  return { faults: { latencyMs: 0, errorRate: {}, deviations: [name] } };
}

describe("against a faithful mock", () => {
  for (const scenario of scenarioNames) {
    test(`${scenario} passes every threshold`, async () => {
      const run = await simulate(scenario, short);
      assert.deepEqual(run.iterationErrors, []);
      assert.deepEqual(run.failedThresholds, []);
      assert.equal(run.exitCode, 0);
      const summary = JSON.parse(run.outputs["summary.json"] ?? "{}") as LoadSummary;
      assert.equal(summary.harness.scenario, scenario);
      assert.equal(summary.harness.passed, true);
      assert.ok(summary.harness.schema.checked > 0, "responses were checked against the description");
      assert.equal(summary.harness.schema.findings, 0);
    });
  }
});

test("an impossible threshold (LOAD_P95_MS=0) exits 99", async () => {
  const run = await simulate("challenge-under-limit", { ...short, LOAD_P95_MS: "0" });
  assert.equal(run.exitCode, 99);
  assert.deepEqual(run.failedThresholds, ["http_req_duration{scenario:main,name:challenge}: p(95)<0"]);
});

test("challenge-over-limit reports the envelope accuracy", async () => {
  const run = await simulate("challenge-over-limit", { ...short, LOAD_DURATION: "6s" });
  const summary = JSON.parse(run.outputs["summary.json"] ?? "{}") as LoadSummary;
  const e = summary.envelope;
  assert.ok(e, "the summary has an envelope");
  assert.equal(e.burst, 25);
  assert.equal(e.refillPerSecond, 25);
  assert.equal(e.attempts, 300);
  assert.ok(e.withinTolerance, `accuracy ${e.accuracyPercent}%`);
  assert.ok(e.limited > 0);
  assert.match(
    run.outputs.stdout ?? "",
    /rate-limit accuracy: admitted \d+ vs envelope [\d.]+ .* = [\d.]+% /,
  );
});

test("ramp reports a knee past the global limit", async () => {
  const run = await simulate("ramp", { ...short, LOAD_DURATION: "12s" });
  const summary = JSON.parse(run.outputs["summary.json"] ?? "{}") as LoadSummary;
  const knee = summary.harness.knee;
  assert.ok(knee?.found, "a knee was found");
  assert.ok(knee.found.rate > 25, `knee at ${knee.found.rate}/s`);
  assert.equal(knee.stages.length, 6);
  // Past the limit the errors are 429s, counted as the report's 429 column reads them.
  const limited = summary.metrics.rate_limited?.values.count ?? 0;
  const errors = knee.stages.reduce((a, s) => a + s.errors, 0);
  assert.ok(limited > 0 && limited <= errors, `${limited} 429s of ${errors} errors`);
});

test("otp-brute-force: exactly the failed-code burst, one more per refill, judged against the replay", async () => {
  const run = await simulate("otp-brute-force", short);
  const summary = JSON.parse(run.outputs["summary.json"] ?? "{}") as LoadSummary;
  const e = summary.envelope;
  assert.ok(e, "the summary has an envelope");
  assert.deepEqual([e.key, e.keys, e.burst, e.basis], ["failed-codes-per-user", 2, 10, "replay"]);
  // Per user: 15 codes, 12 let through (10 wrong, 1 wrong after the refill, the right one at the end).
  assert.deepEqual([e.attempts, e.admitted, e.expected, e.limited], [30, 24, 24, 6]);
  assert.equal(e.accuracyPercent, 100);
  assert.match(
    run.outputs.stdout ?? "",
    /rate-limit accuracy: admitted 24 of 30 vs predicted 24 .* = 100\.00% /,
  );
});

test("push-polling: the predicted split of pending, slow_down and rate-limited polls, then tokens", async () => {
  const run = await simulate("push-polling", short);
  const summary = JSON.parse(run.outputs["summary.json"] ?? "{}") as LoadSummary;
  const f = summary.harness.figures;
  assert.deepEqual(
    [f.pending, f.slowDown, f.rateLimited],
    [f.plannedPending, f.plannedSlowDown, f.plannedRateLimited],
  );
  assert.deepEqual([f.pending, f.slowDown, f.rateLimited], [6, 34, 8]);
  const e = summary.envelope;
  assert.deepEqual([e?.key, e?.keys, e?.admitted, e?.expected], ["oob-exchange-per-mfa-token", 2, 42, 42]);
  // Without the exchange bucket (free) only the interval holds, and there is no envelope.
  const free = await simulate("push-polling", { ...short, LOAD_PROFILE: "free" });
  assert.deepEqual(free.failedThresholds, []);
  assert.equal((JSON.parse(free.outputs["summary.json"] ?? "{}") as LoadSummary).envelope, undefined);
});

test("push-polling catches a target that never says slow_down", async () => {
  // The polls the mock answers slow_down come back as authorization_pending (400).
  const run = await simulate("push-polling", short, {}, (_req, res) =>
    res.status === 429 && res.body.includes('"slow_down"')
      ? {
          ...res,
          status: 400,
          body: JSON.stringify({
            error: "authorization_pending",
            error_description: "Authorization pending: please repeat the request in a few seconds.",
          }),
        }
      : res,
  );
  assert.equal(run.exitCode, 99);
  for (const t of ["polls_as_predicted: rate==1", "polls_slow_down: count==34", "polls_pending: count==6"])
    assert.ok(run.failedThresholds.includes(t), run.failedThresholds.join("; "));
});

const catches: Array<[string, DeviationName, string]> = [
  ["challenge-over-limit", "no-retry-after", "rate_limit_headers_ok: rate==1"],
  ["challenge-under-limit", "missing-ratelimit-headers", "rate_limit_headers_ok: rate==1"],
  ["wrong-codes", "lockout-never-triggers", "lockout_enforced: rate==1"],
  ["otp-brute-force", "lockout-never-triggers", "otp_as_predicted: rate==1"],
  ["otp-brute-force", "lockout-never-triggers", "otp_limited: count==6"],
  ["push-polling", "no-retry-after", "poll_refusals_documented: rate==1"],
];
describe("a deviating mock fails the scenario about it", () => {
  for (const [scenario, name, threshold] of catches) {
    test(`${scenario} catches ${name} (${threshold})`, async () => {
      const run = await simulate(scenario, short, deviation(name));
      assert.equal(run.exitCode, 99);
      assert.ok(run.failedThresholds.includes(threshold), run.failedThresholds.join("; "));
    });
  }
});

test("the summary file carries no secret the setup used", async () => {
  const run = await simulate("sms-per-user", short);
  const secrets = JSON.parse(run.outputs["secrets.json"] ?? "[]") as Array<{ kind: string; value: string }>;
  assert.ok(secrets.some((s) => s.kind === "mfa_token"));
  assert.ok(secrets.some((s) => s.kind === "phone"));
  assert.ok(secrets.some((s) => s.kind === "client_secret"));
  for (const output of ["summary.json", "stdout"]) {
    for (const { value } of secrets)
      assert.ok(!(run.outputs[output] ?? "").includes(value), `${output} leaks a secret`);
  }
});

test("the tenant target without its settings stops in setup, naming what is missing", async () => {
  const run = await simulate("wrong-codes", {
    ...short,
    LOAD_TARGET: "tenant",
    LOAD_BASE_URL: "https://t.example",
    LOAD_ALLOW_HOST: "t.example",
    LOAD_SMS_BUDGET: "10",
    LOAD_AUTH0_APPROVAL: "ticket-0001",
  });
  assert.equal(run.exitCode, 107);
  assert.match(
    run.iterationErrors[0] ?? "",
    /tenant target is not configured: set LOAD_TENANT_USERS .*LOAD_INBOX_URL/,
  );
});

test("a non-loopback target is refused in the init context, before any request", async () => {
  const approved = { LOAD_ALLOW_HOST: "t.example", LOAD_AUTH0_APPROVAL: "ticket-0001" };
  const rows: Array<[ScenarioName, Record<string, string>, RegExp]> = [
    ["wrong-codes", {}, /refusing to start: t\.example is not loopback: set LOAD_ALLOW_HOST=t\.example/],
    [
      "wrong-codes",
      { LOAD_ALLOW_HOST: "t.example" },
      /refusing to start: Auth0's load-testing policy requires .* approval/,
    ],
    [
      "challenge-over-limit",
      { ...approved, LOAD_SMS_BUDGET: "100000" },
      /refusing to start: .* over the essentials profile's published limit .* Auth0's load-testing policy/,
    ],
    [
      "wrong-codes",
      { ...approved, LOAD_SMS_BUDGET: "1" },
      /plans up to \d+ messages, over LOAD_SMS_BUDGET=1/,
    ],
  ];
  for (const [scenario, env, message] of rows) {
    const run = await simulate(scenario, {
      ...short,
      LOAD_TARGET: "tenant",
      LOAD_BASE_URL: "https://t.example",
      ...env,
    });
    assert.equal(run.exitCode, 107);
    assert.equal(run.requests, 0);
    assert.match(run.iterationErrors[0] ?? "", message);
  }
});

describe("against a mock whose control API is guarded (--control-token)", () => {
  const token = "a-control-token-of-32-characters";
  // An arrival-rate scenario (reset, config, users, profile) and a flow scenario that reads the outbox
  // and moves the clock: every control call of the setup and the iterations.
  for (const scenario of ["challenge-under-limit", "wrong-codes"] as const) {
    test(`${scenario} passes with LOAD_CONTROL_TOKEN`, async () => {
      const run = await simulate(scenario, { ...short, LOAD_CONTROL_TOKEN: token }, { controlToken: token });
      assert.deepEqual(run.iterationErrors, []);
      assert.equal(run.exitCode, 0);
    });
  }

  test("without it, the setup stops (107) naming LOAD_CONTROL_TOKEN", async () => {
    const run = await simulate("challenge-under-limit", short, { controlToken: token });
    assert.equal(run.exitCode, 107);
    assert.match(run.iterationErrors.join("\n"), /answered 401 .*LOAD_CONTROL_TOKEN/);
  });
});
