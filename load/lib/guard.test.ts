import assert from "node:assert/strict";
import { test } from "node:test";
import { isLoopback } from "../../mock/http/loopback.ts";
import { AUTH0_POLICY, guardTarget, hostName, overLimit, peakRate } from "./guard.ts";
import { readLoadOptions } from "./options.ts";
import { planScenario, type ScenarioName } from "./plan.ts";

const tenantPlan = (scenario: ScenarioName, env: Record<string, string> = {}) =>
  planScenario(
    scenario,
    readLoadOptions({ LOAD_BASE_URL: "https://t.example", LOAD_TARGET: "tenant", ...env }),
  );
const plan = tenantPlan("wrong-codes");
const approved = { LOAD_AUTH0_APPROVAL: "ticket 01234567" };

test("host names come out of URLs without port, user info or brackets", () => {
  const rows: Array<[string, string]> = [
    ["https://Tenant.EU.auth0.com/oauth/token", "tenant.eu.auth0.com"],
    ["http://127.0.0.1:4010", "127.0.0.1"],
    ["http://[::1]:9/x", "::1"],
    ["https://user:pw@host.example:8443?q", "host.example"],
  ];
  for (const [url, host] of rows) assert.equal(hostName(url), host, url);
});

test("loopback hosts", () => {
  for (const url of ["http://127.0.0.1:4010", "http://localhost", "http://[::1]:9", "http://127.8.0.1"]) {
    assert.equal(isLoopback(hostName(url)), true, url);
  }
  for (const url of [
    "https://t.example",
    "http://10.0.0.1",
    "http://128.0.0.1",
    "http://localhost.example",
  ]) {
    assert.equal(isLoopback(hostName(url)), false, url);
  }
});

test("a non-loopback run needs the host named and a budget that covers the plan", () => {
  const rows: Array<[string, Record<string, string>, boolean, RegExp]> = [
    ["loopback needs nothing", {}, true, /loopback/],
    ["host not named", { LOAD_SMS_BUDGET: "10" }, false, /set LOAD_ALLOW_HOST=t\.example/],
    [
      "another host named",
      { LOAD_ALLOW_HOST: "other.example", LOAD_SMS_BUDGET: "10" },
      false,
      /LOAD_ALLOW_HOST/,
    ],
    ["no budget", { ...approved, LOAD_ALLOW_HOST: "t.example" }, false, /LOAD_SMS_BUDGET is required/],
    [
      "budget not a number",
      { ...approved, LOAD_ALLOW_HOST: "t.example", LOAD_SMS_BUDGET: "lots" },
      false,
      /whole number/,
    ],
    [
      "budget too small",
      { ...approved, LOAD_ALLOW_HOST: "t.example", LOAD_SMS_BUDGET: "1" },
      false,
      /plans up to 2 messages/,
    ],
    [
      "one of several hosts, budget enough",
      { ...approved, LOAD_ALLOW_HOST: "a.example, T.example", LOAD_SMS_BUDGET: "2" },
      true,
      /within LOAD_SMS_BUDGET=2 \(approval ticket 01234567\)/,
    ],
  ];
  for (const [name, env, ok, message] of rows) {
    const url = name === "loopback needs nothing" ? "http://127.0.0.1:1" : "https://t.example";
    const d = guardTarget(url, plan, env);
    assert.equal(d.ok, ok, name);
    assert.match(d.message, message, name);
  }
});

test("planned rates against the profile's published limit", () => {
  const rows: Array<[ScenarioName, Record<string, string>, number, RegExp | undefined]> = [
    ["challenge-under-limit", {}, 20, undefined],
    [
      "challenge-over-limit",
      {},
      50,
      /plans up to 50 requests\/s, over the essentials profile's published limit of 25\/s/,
    ],
    [
      "ramp",
      { LOAD_PROFILE: "free" },
      10,
      /ramp plans up to 10 requests\/s, over the free profile's .* 5\/s/,
    ],
    ["ramp", { LOAD_PROFILE: "off" }, 200, /profile "off" publishes no limit/],
    ["sms-per-user", {}, 0, undefined],
  ];
  for (const [scenario, env, peak, reason] of rows) {
    const p = tenantPlan(scenario, env);
    assert.equal(peakRate(p), peak, scenario);
    if (reason) assert.match(overLimit(p) ?? "", reason, scenario);
    else assert.equal(overLimit(p), undefined, scenario);
  }
});

test("Auth0's policy: a non-loopback run needs the approval, and a rate within the limit unless allowed", () => {
  const host = { LOAD_ALLOW_HOST: "t.example", LOAD_SMS_BUDGET: "100000" };
  const rows: Array<[string, ScenarioName, Record<string, string>, boolean, RegExp]> = [
    ["no approval", "challenge-under-limit", host, false, /prior written approval .* LOAD_AUTH0_APPROVAL=/],
    [
      "a blank approval",
      "wrong-codes",
      { ...host, LOAD_AUTH0_APPROVAL: "  " },
      false,
      /LOAD_AUTH0_APPROVAL=/,
    ],
    [
      "approved, within the limit",
      "challenge-under-limit",
      { ...host, ...approved },
      true,
      /approval ticket/,
    ],
    [
      "over the limit",
      "challenge-over-limit",
      { ...host, ...approved },
      false,
      /over the essentials .* LOAD_ALLOW_OVER_LIMIT=1/,
    ],
    ["ramp above the limit", "ramp", { ...host, ...approved }, false, /Rate Limit Policy/],
    [
      "over-limit switch off",
      "ramp",
      { ...host, ...approved, LOAD_ALLOW_OVER_LIMIT: "0" },
      false,
      /LOAD_ALLOW_OVER_LIMIT=1/,
    ],
    [
      "over-limit switch mistyped",
      "ramp",
      { ...host, ...approved, LOAD_ALLOW_OVER_LIMIT: "yes" },
      false,
      /LOAD_ALLOW_OVER_LIMIT: "yes" must be 1/,
    ],
    [
      "over the limit, allowed",
      "challenge-over-limit",
      { ...host, ...approved, LOAD_ALLOW_OVER_LIMIT: "1" },
      true,
      /over the published limit: LOAD_ALLOW_OVER_LIMIT=1/,
    ],
  ];
  for (const [name, scenario, env, ok, message] of rows) {
    const d = guardTarget("https://t.example", tenantPlan(scenario), env);
    assert.equal(d.ok, ok, name);
    assert.match(d.message, message, name);
    if (!ok && !/LOAD_ALLOW_OVER_LIMIT: /.test(d.message))
      assert.ok(d.message.includes(AUTH0_POLICY), `${name} names the policy`);
  }
  // Loopback is the user's own machine: the policy does not apply, whatever the rate.
  assert.equal(guardTarget("http://127.0.0.1:1", tenantPlan("challenge-over-limit"), {}).ok, true);
});
