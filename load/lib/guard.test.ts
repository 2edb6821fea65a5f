import assert from "node:assert/strict";
import { test } from "node:test";
import { guardTarget, hostName, isLoopback } from "./guard.ts";
import { readLoadOptions } from "./options.ts";
import { planScenario } from "./plan.ts";

const plan = planScenario(
  "wrong-codes",
  readLoadOptions({ LOAD_BASE_URL: "https://t.example", LOAD_TARGET: "tenant" }),
);

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
    ["no budget", { LOAD_ALLOW_HOST: "t.example" }, false, /LOAD_SMS_BUDGET is required/],
    ["budget not a number", { LOAD_ALLOW_HOST: "t.example", LOAD_SMS_BUDGET: "lots" }, false, /whole number/],
    [
      "budget too small",
      { LOAD_ALLOW_HOST: "t.example", LOAD_SMS_BUDGET: "1" },
      false,
      /plans up to 2 messages/,
    ],
    [
      "one of several hosts, budget enough",
      { LOAD_ALLOW_HOST: "a.example, T.example", LOAD_SMS_BUDGET: "2" },
      true,
      /within/,
    ],
  ];
  for (const [name, env, ok, message] of rows) {
    const url = name === "loopback needs nothing" ? "http://127.0.0.1:1" : "https://t.example";
    const d = guardTarget(url, plan, env);
    assert.equal(d.ok, ok, name);
    assert.match(d.message, message, name);
  }
});
