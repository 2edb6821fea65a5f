import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLoadArgs, UsageError } from "./args.ts";

test("flags become LOAD_* variables; what follows -- goes to k6", () => {
  assert.deepEqual(parseLoadArgs(["ramp", "--target", "tenant", "--duration=1m", "--", "--http-debug"]), {
    scenario: "ramp",
    env: { LOAD_TARGET: "tenant", LOAD_DURATION: "1m" },
    k6Args: ["--http-debug"],
    runners: 1,
  });
  // --runners is the runner's own: k6 gets segments, not a variable.
  const shared = parseLoadArgs(["challenge-over-limit", "--runners", "3"]);
  assert.equal(shared.runners, 3);
  assert.deepEqual(shared.env, {});
  assert.deepEqual(
    parseLoadArgs(["sms-per-user", "--vus", "2", "--iterations", "3", "--profile", "free"]).env,
    {
      LOAD_VUS: "2",
      LOAD_ITERATIONS: "3",
      LOAD_PROFILE: "free",
    },
  );
});

test("bad command lines are refused with the usage", () => {
  const rows: Array<[string[], RegExp]> = [
    [[], /name one scenario/],
    [["ramp", "wrong-codes"], /name one scenario/],
    [["nope"], /unknown scenario "nope"/],
    [["ramp", "--speed", "3"], /--speed: unknown option/],
    [["ramp", "--duration"], /--duration needs a value/],
    [["ramp", "--target", "prod"], /--target must be mock or tenant/],
    [["ramp", "--runners", "0"], /--runners/],
    [["ramp", "--runners", "1.5"], /--runners/],
  ];
  for (const [argv, message] of rows) {
    assert.throws(
      () => parseLoadArgs(argv),
      (e) => e instanceof UsageError && message.test(e.message) && /usage:/.test(e.message),
    );
  }
});
