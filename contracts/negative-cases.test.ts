import assert from "node:assert/strict";
import { test } from "node:test";
import { validateRequest } from "../openapi/validate.ts";
import { generatedRows } from "./negative-cases.ts";

const GRANT_OOB = "http://auth0.com/oauth/grant-type/mfa-oob";
const cases = [
  {
    op: "associateAuthenticator" as const,
    valid: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: "+14155550123" },
    required: ["authenticator_types"],
  },
  {
    op: "challenge" as const,
    valid: {
      client_id: "c",
      client_secret: "s",
      mfa_token: "t",
      challenge_type: "oob",
      authenticator_id: "sms|dev_AAAAAAAAAAAAAAAA",
    },
    required: ["client_id", "mfa_token"],
  },
  {
    op: "token" as const,
    variant: GRANT_OOB,
    valid: {
      grant_type: GRANT_OOB,
      client_id: "c",
      client_secret: "s",
      mfa_token: "t",
      oob_code: "o",
      binding_code: "123456",
    },
    required: ["client_id", "grant_type", "mfa_token", "oob_code"],
  },
];

for (const c of cases) {
  test(`${c.op}: the valid base body conforms, so each row's defect is its only one`, () => {
    assert.deepEqual(validateRequest(c.op, "application/json", c.valid), []);
  });

  test(`${c.op}: one row per required field of the description`, () => {
    const rows = generatedRows(c.op, c.variant);
    const dropped = rows.filter((r) => r.name.startsWith("required field")).map((r) => r.name.split(" ")[2]);
    assert.deepEqual(dropped, c.required);
    assert.ok(rows.some((r) => r.name === "empty body"));
    assert.ok(rows.some((r) => r.status === 415));
  });

  test(`${c.op}: every generated row is invalid by the description`, () => {
    for (const row of generatedRows(c.op, c.variant)) {
      const req = row.spoil(c.valid);
      const contentType = req.contentType ?? "application/json";
      const body = req.json ?? (req.body ? JSON.parse(req.body) : undefined);
      const findings = validateRequest(c.op, contentType, body);
      assert.ok(findings.length > 0, `${row.name} is not rejected by the description`);
    }
  });
}
