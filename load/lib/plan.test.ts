import assert from "node:assert/strict";
import { test } from "node:test";
import { readLoadOptions } from "./options.ts";
import {
  checkSmsBudget,
  MESSAGES_PER_USER,
  planScenario,
  rampStages,
  type scenarioNames,
  totalSeconds,
} from "./plan.ts";

const mock = (env: Record<string, string> = {}) =>
  readLoadOptions({ LOAD_BASE_URL: "http://127.0.0.1:1", ...env });
const tenant = (env: Record<string, string> = {}) => mock({ LOAD_TARGET: "tenant", ...env });

test("the challenge scenarios run at 80% and 2× the global limit", () => {
  const under = planScenario("challenge-under-limit", mock({ LOAD_DURATION: "10s" }));
  assert.equal(under.rate, 20);
  assert.equal(under.attempts, 200);
  const over = planScenario(
    "challenge-over-limit",
    mock({ LOAD_DURATION: "10s", LOAD_PROFILE: "enterprise" }),
  );
  assert.equal(over.rate, 200);
  assert.equal(over.attempts, 2000);
});

test("no user is sent more than the per-user share", () => {
  for (const scenario of ["challenge-under-limit", "challenge-over-limit", "ramp"] as const) {
    const plan = planScenario(scenario, mock({ LOAD_DURATION: "37s" }));
    assert.ok(plan.users * MESSAGES_PER_USER >= plan.attempts, scenario);
  }
});

test("planned messages: attempts plus enrolments on the mock, attempts alone on a pre-enrolled tenant pool", () => {
  const rows: Array<[(typeof scenarioNames)[number], Record<string, string>, number, number]> = [
    // scenario, env, messages on the mock, messages on a tenant
    ["challenge-under-limit", { LOAD_DURATION: "10s" }, 200 + 25, 200],
    ["challenge-over-limit", { LOAD_DURATION: "10s" }, 500 + 63, 500],
    ["token-exchange-per-mfa-token", { LOAD_ITERATIONS: "3" }, 3 + 3, 3],
    ["sms-per-user", { LOAD_ITERATIONS: "2" }, 26 + 2, 26],
    ["wrong-codes", { LOAD_ITERATIONS: "1" }, 2 + 1, 2],
    // an authenticator app's codes, enrolled without a message
    ["otp-brute-force", { LOAD_ITERATIONS: "3" }, 0, 0],
  ];
  for (const [scenario, env, onMock, onTenant] of rows) {
    assert.equal(planScenario(scenario, mock(env)).messages, onMock, `${scenario} on the mock`);
    assert.equal(planScenario(scenario, tenant(env)).messages, onTenant, `${scenario} on a tenant`);
  }
});

test("a profile without the limit a scenario tests is refused", () => {
  assert.throws(() => planScenario("challenge-over-limit", mock({ LOAD_PROFILE: "off" })), /no global limit/);
  assert.throws(
    () => planScenario("token-exchange-per-mfa-token", mock({ LOAD_PROFILE: "free" })),
    /no per-mfa_token/,
  );
  assert.throws(() => planScenario("wrong-codes", mock({ LOAD_PROFILE: "off" })), /no per-user limits/);
  assert.equal(planScenario("ramp", mock({ LOAD_PROFILE: "off" })).stages.at(-1)?.rate, 200);
});

test("the OTP and push scenarios: their bucket, their users, and where they run", () => {
  const otp = planScenario("otp-brute-force", mock({ LOAD_ITERATIONS: "2" }));
  assert.deepEqual([otp.bucket?.burst, otp.users, otp.messages], [10, 2, 0]);
  assert.throws(() => planScenario("otp-brute-force", mock({ LOAD_PROFILE: "off" })), /no per-user limits/);
  const push = planScenario("push-polling", mock());
  assert.deepEqual([push.bucket?.burst, push.users, push.messages], [12, 1, 0]);
  // The polling interval holds without an exchange bucket (free) and without any limit (off).
  assert.equal(planScenario("push-polling", mock({ LOAD_PROFILE: "free" })).bucket, null);
  assert.equal(planScenario("push-polling", mock({ LOAD_PROFILE: "off" })).bucket, null);
  assert.throws(
    () => planScenario("push-polling", tenant()),
    /mock only: a tenant's push goes to a real phone/,
  );
});

test("ramp steps climb from a quarter of the limit to twice it", () => {
  const stages = rampStages(25, 30);
  assert.deepEqual(
    stages.map((s) => s.rate),
    [6, 15, 24, 33, 41, 50],
  );
  assert.equal(totalSeconds(stages), 30);
  assert.ok(
    rampStages(25, 3).every((s) => s.seconds >= 2),
    "a step lasts at least 2 s",
  );
});

test("the SMS budget gates every non-loopback run before anything is sent", () => {
  const plan = planScenario("challenge-under-limit", tenant({ LOAD_DURATION: "10s" }));
  const rows: Array<[boolean, number | undefined, boolean, RegExp]> = [
    [true, undefined, true, /loopback/],
    [false, undefined, false, /LOAD_SMS_BUDGET is required/],
    [false, 199, false, /plans up to 200 messages, over LOAD_SMS_BUDGET=199/],
    [false, 200, true, /200 planned messages within LOAD_SMS_BUDGET=200/],
  ];
  for (const [loopback, budget, ok, message] of rows) {
    const d = checkSmsBudget(plan, loopback, budget);
    assert.equal(d.ok, ok);
    assert.match(d.message, message);
  }
});
