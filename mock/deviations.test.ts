import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMockApp } from "./app.ts";
import { ConfigError } from "./config/errors.ts";
import type { Faults } from "./config/schema.ts";
import {
  checkDeviationNames,
  type DeviationName,
  deviationNames,
  deviations,
  isDeviationName,
  UnknownDeviationError,
} from "./deviations.ts";

describe("deviation names", () => {
  it("are unique, kebab-case, and each says what it breaks", () => {
    assert.equal(new Set(deviationNames).size, deviationNames.length);
    for (const d of deviations) {
      assert.match(d.name, /^[a-z0-9]+(-[a-z0-9_]+)*$/, d.name);
      assert.ok(d.breaks.length > 20, d.name);
    }
  });

  it("a misspelt name fails the type-check, in the handlers and in a configuration", () => {
    const rt = createMockApp({ signingThreads: 0 }).runtime;
    // The point of the literal union: these lines compile only because the errors are expected;
    // tsc fails the build if either name stops being an error (a name typed as plain string again).
    // @ts-expect-error "no-retry-afterr" is not a DeviationName
    assert.equal(rt.deviates("no-retry-afterr"), false);
    // @ts-expect-error nor is "Wrong-Content-Type"
    const faults: Partial<Faults> = { deviations: ["Wrong-Content-Type"] };
    assert.throws(() => createMockApp({ faults }), /faults\.deviations\[0\] must be a known deviation/);
    const spelt: DeviationName = "no-retry-after";
    assert.equal(rt.deviates(spelt), false);
  });

  const guesses: Array<[unknown, boolean]> = [
    ["no-retry-after", true],
    ["no-retry-afterr", false],
    ["", false],
    [" no-retry-after", false],
    [3, false],
    [undefined, false],
  ];
  for (const [value, is] of guesses) {
    it(`isDeviationName(${JSON.stringify(value)}) is ${is}`, () => {
      assert.equal(isDeviationName(value), is);
    });
  }

  it("an unknown name is a ConfigError naming where it came from", () => {
    assert.throws(
      () => checkDeviationNames(["made-up"], "CONTRACTS_MOCK_DEVIATIONS"),
      (e: unknown) =>
        e instanceof UnknownDeviationError &&
        e instanceof ConfigError &&
        e.option === "CONTRACTS_MOCK_DEVIATIONS" &&
        e.message.startsWith('CONTRACTS_MOCK_DEVIATIONS: unknown deviation "made-up"'),
    );
  });
});
