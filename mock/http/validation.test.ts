import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateRequest } from "../../openapi/validate.ts";
import { checkRequest, type OperationId } from "./validation.ts";

const JSON_TYPE = "application/json";
const FORM = "application/x-www-form-urlencoded";
const client = { client_id: "abc", client_secret: "s" };
const oob = "http://auth0.com/oauth/grant-type/mfa-oob";

const bodies: Array<[OperationId, object]> = [
  ["challenge", { ...client, mfa_token: "t" }],
  ["challenge", { ...client, mfa_token: "t", challenge_type: "oob" }],
  ["challenge", { ...client, mfa_token: "t", challenge_type: "push" }],
  ["challenge", { ...client, mfa_token: 5 }],
  ["challenge", { client_secret: "s", mfa_token: "t" }],
  ["token", { ...client, grant_type: oob, mfa_token: "t", oob_code: "o", binding_code: "123456" }],
  ["token", { ...client, grant_type: oob, mfa_token: "t" }],
  ["token", { ...client, grant_type: "password", username: "u", password: "p" }],
  ["token", { ...client, grant_type: "nonsense" }],
  ["token", { grant_type: oob }],
  [
    "associateAuthenticator",
    { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: "+15550001" },
  ],
  ["associateAuthenticator", { authenticator_types: "oob" }],
  ["listAuthenticators", { unexpected: "body" }],
  ["challenge", {}],
  ["token", {}],
];
const contentTypes = [
  JSON_TYPE,
  "Application/JSON; charset=utf-8",
  " application/json ;charset=utf-8",
  FORM,
  "text/plain",
  "; application/json",
  undefined,
];

describe("checkRequest", () => {
  it("accepts exactly the requests validateRequest finds nothing wrong with", () => {
    for (const [op, body] of bodies) {
      for (const type of contentTypes) {
        const empty = Object.keys(body).length === 0;
        const findings = validateRequest(op, empty ? (type ?? JSON_TYPE) : type, body);
        const reply = checkRequest(op, type, body);
        assert.equal(
          reply === undefined,
          findings.length === 0,
          `${op} ${String(type)} ${JSON.stringify(body)}: ${JSON.stringify(reply)} vs ${findings.length} findings`,
        );
      }
    }
  });
});
