import assert from "node:assert/strict";
import { test } from "node:test";
import { deviationNames } from "../../mock/deviations.ts";
import { deviationsFromEnv } from "./mock.ts";

test("CONTRACTS_MOCK_DEVIATIONS: comma-separated known names, blanks ignored", () => {
  const [a = "", b = ""] = deviationNames;
  assert.deepEqual(deviationsFromEnv({}), []);
  assert.deepEqual(deviationsFromEnv({ CONTRACTS_MOCK_DEVIATIONS: ` ${a}, ,${b} ` }), [a, b]);
});

test("CONTRACTS_MOCK_DEVIATIONS: an unknown name is refused where it is read, naming the variable and the known names", () => {
  assert.throws(
    () => deviationsFromEnv({ CONTRACTS_MOCK_DEVIATIONS: "wrong-content-type,no-such-deviation" }),
    /^UnknownDeviationError: CONTRACTS_MOCK_DEVIATIONS: unknown deviation "no-such-deviation"; known: .*wrong-content-type/,
  );
});
