import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertSingleVuOnClockTarget,
  formatDuration,
  missingTenantSettings,
  OptionError,
  parseDuration,
  readLoadOptions,
} from "./options.ts";

const base = { LOAD_BASE_URL: "http://127.0.0.1:4010/" };

test("durations read as k6 writes them", () => {
  const rows: Array<[string, number]> = [
    ["30s", 30],
    ["1m30s", 90],
    ["500ms", 0.5],
    ["2h", 7200],
    ["45", 45],
    ["1.5s", 1.5],
  ];
  for (const [text, seconds] of rows) assert.equal(parseDuration(text), seconds, text);
  for (const bad of ["", "30x", "s30", "1m 30s", "abc"]) {
    assert.throws(() => parseDuration(bad, "LOAD_DURATION"), /LOAD_DURATION: .* is not a duration/, bad);
  }
});

test("durations format back for k6", () => {
  const rows: Array<[number, string]> = [
    [30, "30s"],
    [90, "1m30s"],
    [3600, "1h"],
    [0.5, "500ms"],
    [0, "0s"],
  ];
  for (const [seconds, text] of rows) assert.equal(formatDuration(seconds), text);
});

test("defaults fit the embedded mock", () => {
  const o = readLoadOptions(base);
  assert.equal(o.target, "mock");
  assert.equal(o.baseUrl, "http://127.0.0.1:4010");
  assert.equal(o.profile, "essentials");
  assert.equal(o.durationSeconds, 30);
  assert.equal(o.schemaSampleRate, 1);
  assert.equal(o.envelopeTolerancePercent, 2);
  assert.equal(o.lockoutStatus, 429);
  assert.equal(o.invalidGrantStatus, 403);
  assert.equal(o.approval, undefined);
  assert.equal(o.allowOverLimit, false);
});

test("the policy settings: the approval reference as written, the over-limit switch 1 or 0", () => {
  const o = readLoadOptions({ ...base, LOAD_AUTH0_APPROVAL: " 01234567 ", LOAD_ALLOW_OVER_LIMIT: "1" });
  assert.equal(o.approval, "01234567");
  assert.equal(o.allowOverLimit, true);
  assert.equal(readLoadOptions({ ...base, LOAD_ALLOW_OVER_LIMIT: "0" }).allowOverLimit, false);
});

test("a bad value is refused with the variable's name", () => {
  const rows: Array<[Record<string, string>, RegExp]> = [
    [{}, /LOAD_BASE_URL is required/],
    [{ ...base, LOAD_BASE_URL: "ftp://x" }, /LOAD_BASE_URL: .* must be an http/],
    [{ ...base, LOAD_TARGET: "prod" }, /LOAD_TARGET: "prod" must be mock or tenant/],
    [{ ...base, LOAD_PROFILE: "gold" }, /LOAD_PROFILE: "gold" must be one of/],
    [{ ...base, LOAD_DURATION: "0s" }, /LOAD_DURATION must be longer than 0/],
    [{ ...base, LOAD_VUS: "1.5" }, /LOAD_VUS: "1.5" must be a whole number/],
    [{ ...base, LOAD_SCHEMA_SAMPLE: "2" }, /LOAD_SCHEMA_SAMPLE: "2" must be a share/],
    [{ ...base, LOAD_LOCKOUT_STATUS: "200" }, /LOAD_LOCKOUT_STATUS: "200" must be an HTTP error status/],
    [{ ...base, LOAD_P95_MS: "-1" }, /LOAD_P95_MS/],
    [{ ...base, LOAD_ALLOW_OVER_LIMIT: "true" }, /LOAD_ALLOW_OVER_LIMIT: "true" must be 1/],
  ];
  for (const [env, message] of rows)
    assert.throws(
      () => readLoadOptions(env),
      (e) => e instanceof OptionError && message.test(e.message),
    );
});

test("the tenant target names what it lacks", () => {
  const o = readLoadOptions({ ...base, LOAD_TARGET: "tenant", LOAD_CLIENT_ID: "abc" });
  assert.deepEqual(missingTenantSettings(o), [
    "LOAD_TENANT_USERS (or LOAD_TENANT_USERS_JSON)",
    "LOAD_INBOX_URL",
    "LOAD_CLIENT_SECRET",
  ]);
});

test("clock-moving scenarios take one VU on the mock, any number elsewhere", () => {
  assert.throws(
    () => assertSingleVuOnClockTarget(readLoadOptions({ ...base, LOAD_VUS: "2" }), "x"),
    /LOAD_VUS/,
  );
  assert.doesNotThrow(() =>
    assertSingleVuOnClockTarget(readLoadOptions({ ...base, LOAD_TARGET: "tenant", LOAD_VUS: "2" }), "x"),
  );
});
