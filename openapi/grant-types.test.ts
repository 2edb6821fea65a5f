import assert from "node:assert/strict";
import { test } from "node:test";
import { discriminatorValues } from "./generated/operations.ts";
import { GRANT } from "./grant-types.ts";

// The table is written by hand so that k6 bundles and the mock take plain strings; the description
// is the source of truth, so the two must name the same grants.
test("GRANT names exactly the description's MFA grant types, plus the Management API's client_credentials", () => {
  const described = discriminatorValues.grant_type ?? [];
  const { clientCredentials, ...mfa } = GRANT;
  assert.equal(clientCredentials, "client_credentials");
  assert.deepEqual(Object.values(mfa).sort(), [...described].sort());
});

test("every value is distinct, so a name maps back to one grant", () => {
  const values = Object.values(GRANT);
  assert.equal(new Set(values).size, values.length);
});
