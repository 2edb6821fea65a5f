import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { auth0PageAuthenticators, describedExamples, goodHeaders, response } from "./examples.ts";
import {
  type Finding,
  formatFinding,
  type OperationId,
  operationFor,
  type ResponseLike,
  validateRequest,
  validateResponse,
} from "./validate.ts";

/** Fails with every finding spelled out, so a red test says what the validator saw. */
function assertNoFindings(findings: Finding[], what: string): void {
  assert.deepEqual(findings, [], `${what}:\n  ${findings.map(formatFinding).join("\n  ")}`);
}

/** Copies an object with some fields replaced (undefined removes the field). */
function patch(value: object, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function withHeaders(res: ResponseLike, changes: Record<string, string | undefined>): ResponseLike {
  return { ...res, headers: patch(res.headers, changes) as Record<string, string> };
}

// Sample responses on Auth0's "Enroll and Challenge SMS and Voice Authenticators" page, verbatim.
const auth0Page = {
  associate: {
    authenticator_type: "oob",
    binding_method: "prompt",
    recovery_codes: ["N3BGPZZWJ85JLCNPZBDW6QXC"],
    oob_channel: "sms",
    oob_code: "ata6daXAiOi...",
  },
  token: {
    id_token: "eyJ...i",
    access_token: "eyJ...i",
    expires_in: 600,
    scope: "openid profile",
    token_type: "Bearer",
  },
  authenticators: auth0PageAuthenticators,
  // The page's curl bodies: confirm (form) and challenge (JSON).
  confirmForm:
    "grant_type=http%3A%2F%2Fauth0.com%2Foauth%2Fgrant-type%2Fmfa-oob&client_id={yourClientId}&client_secret=%7ByourClientSecret%7D&mfa_token=%7BmfaToken%7D&oob_code=%7BoobCode%7D&binding_code=%7BuserOtpCode%7D",
  challenge: {
    client_id: "{yourClientId}",
    client_secret: "{yourClientSecret}",
    challenge_type: "oob",
    authenticator_id: "sms|dev_NU1Ofuw3Cw0XCt5x",
    mfa_token: "{mfaToken}",
  },
  associateRequest: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: "+11...9" },
};

describe("the description's examples", () => {
  const examples = describedExamples();

  test("there is an example for every operation and many responses", () => {
    const ops = new Set(examples.map((e) => e.operation));
    assert.deepEqual([...ops].sort(), [
      "associateAuthenticator",
      "challenge",
      "deleteAuthenticator",
      "getUserInfo",
      "listAuthenticators",
      "postUserInfo",
      "token",
    ]);
    assert.ok(examples.length >= 40, `only ${examples.length} examples`);
  });

  for (const ex of examples) {
    const label = `${ex.operation} ${ex.kind} ${ex.status ?? ""} ${ex.contentType} ${ex.name}`;
    test(`${label} validates`, () => {
      const findings =
        ex.kind === "request"
          ? validateRequest(ex.operation, ex.contentType, ex.value)
          : validateResponse(ex.operation, {
              status: ex.status ?? 0,
              headers: goodHeaders(ex.status ?? 0, ex.contentType),
              body: ex.value,
            });
      assertNoFindings(findings, label);
    });
  }
});

describe("Auth0's sample responses and requests", () => {
  test("the associate response", () => {
    assertNoFindings(
      validateResponse(
        "associateAuthenticator",
        response("associateAuthenticator", 200, auth0Page.associate),
      ),
      "associate",
    );
  });
  test("the token response", () => {
    assertNoFindings(validateResponse("token", response("token", 200, auth0Page.token)), "token");
  });
  test("the authenticators list", () => {
    assertNoFindings(
      validateResponse("listAuthenticators", response("listAuthenticators", 200, auth0Page.authenticators)),
      "list",
    );
  });
  test("the confirm request (form) and the challenge request (JSON)", () => {
    const form = Object.fromEntries(new URLSearchParams(auth0Page.confirmForm));
    assertNoFindings(validateRequest("token", "application/x-www-form-urlencoded", form), "confirm");
    assertNoFindings(validateRequest("challenge", "application/json", auth0Page.challenge), "challenge");
    assertNoFindings(
      validateRequest("associateAuthenticator", "application/json", auth0Page.associateRequest),
      "associate",
    );
  });
  test("a delete answers 204 without a body, whatever its content type", () => {
    assertNoFindings(
      validateResponse("deleteAuthenticator", { status: 204, headers: goodHeaders(204), body: undefined }),
      "204",
    );
    const recorded = { status: 204, headers: goodHeaders(204, "application/json"), body: undefined };
    assertNoFindings(validateResponse("deleteAuthenticator", recorded), "204 recorded");
  });
});

const ok = {
  associate: {
    authenticator_type: "oob",
    binding_method: "prompt",
    oob_channel: "sms",
    oob_code: "Fe26.2*abc",
  },
  push: {
    authenticator_type: "oob",
    oob_channel: "auth0",
    oob_code: "Fe26.2*abc",
    barcode_uri: "otpauth://totp/T:u?enrollment_tx_id=x",
  },
  list: auth0Page.authenticators,
  challenge: { challenge_type: "oob", oob_code: "Fe26.2*abc", binding_method: "prompt" },
  token: { access_token: "eyJ.a.b", token_type: "Bearer", expires_in: 86400 },
  mfaRequired: {
    error: "mfa_required",
    error_description: "Multifactor authentication required",
    mfa_token: "Fe26.2*m",
  },
  error: (error: string) => ({ error, error_description: "text" }),
};
const list = (i: number, changes: Record<string, unknown>) =>
  ok.list.map((item, j) => (j === i ? patch(item, changes) : item));

interface Row {
  name: string;
  op: OperationId;
  res: ResponseLike;
  location: Finding["location"];
  pointer: string;
  /** A fragment of `expected`. */
  expected?: string;
}

// biome-ignore format: one row per line, so the table reads as a table
const rows: Row[] = [
  // associateAuthenticator
  { name: "missing oob_code", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.associate, { oob_code: undefined })), location: "body", pointer: "/oob_code", expected: "required" },
  { name: "oob_channel as an array", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.associate, { oob_channel: ["sms"] })), location: "body", pointer: "/oob_channel", expected: "string" },
  { name: "oob_channels (renamed field)", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.associate, { oob_channels: "sms" })), location: "body", pointer: "/oob_channels", expected: "no such property" },
  { name: "sms without binding_method", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.associate, { binding_method: undefined })), location: "body", pointer: "/binding_method", expected: "required" },
  { name: "push with binding_method", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.push, { binding_method: "prompt" })), location: "body", pointer: "/binding_method", expected: "absent" },
  { name: "lower-case recovery code", op: "associateAuthenticator", res: response("associateAuthenticator", 200, patch(ok.associate, { recovery_codes: ["n3bgpzzwj85jlcnpzbdw6qxc"] })), location: "body", pointer: "/recovery_codes/0", expected: "matching" },
  { name: "unknown error code on 403", op: "associateAuthenticator", res: response("associateAuthenticator", 403, ok.error("forbidden")), location: "body", pointer: "/error", expected: "access_denied" },
  { name: "201 instead of 200", op: "associateAuthenticator", res: response("associateAuthenticator", 201, ok.associate), location: "status", pointer: "", expected: "200" },
  { name: "application/json without charset", op: "associateAuthenticator", res: withHeaders(response("associateAuthenticator", 200, ok.associate), { "content-type": "application/json" }), location: "content-type", pointer: "content-type", expected: "charset=utf-8" },
  { name: "missing x-ratelimit-remaining", op: "associateAuthenticator", res: withHeaders(response("associateAuthenticator", 200, ok.associate), { "x-ratelimit-remaining": undefined }), location: "header", pointer: "x-ratelimit-remaining", expected: "integer" },
  // listAuthenticators
  { name: "item without active", op: "listAuthenticators", res: response("listAuthenticators", 200, list(1, { active: undefined })), location: "body", pointer: "/1/active", expected: "required" },
  { name: "active as a string", op: "listAuthenticators", res: response("listAuthenticators", 200, list(1, { active: "true" })), location: "body", pointer: "/1/active", expected: "boolean" },
  { name: "id without dev_", op: "listAuthenticators", res: response("listAuthenticators", 200, list(0, { id: "recovery-code|O4KYL4FtcLAVRsCl" })), location: "body", pointer: "/0/id", expected: "matching" },
  { name: "unmasked phone as name", op: "listAuthenticators", res: response("listAuthenticators", 200, list(1, { name: "+14155558730" })), location: "body", pointer: "/1/name", expected: "X+" },
  { name: "oob item without oob_channel", op: "listAuthenticators", res: response("listAuthenticators", 200, list(1, { oob_channel: undefined })), location: "body", pointer: "/1/oob_channel", expected: "required" },
  { name: "voice channel on an sms id", op: "listAuthenticators", res: response("listAuthenticators", 200, list(1, { oob_channel: "voice" })), location: "body", pointer: "/1/id", expected: "^voice" },
  { name: "an object instead of a list", op: "listAuthenticators", res: response("listAuthenticators", 200, { authenticators: ok.list }), location: "body", pointer: "", expected: "array" },
  { name: "unknown error code on 401", op: "listAuthenticators", res: response("listAuthenticators", 401, ok.error("unauthorized")), location: "body", pointer: "/error", expected: "invalid_grant" },
  { name: "404 is not documented", op: "listAuthenticators", res: response("listAuthenticators", 404, ok.error("not_found")), location: "status", pointer: "" },
  { name: "text/html", op: "listAuthenticators", res: withHeaders(response("listAuthenticators", 200, ok.list), { "content-type": "text/html" }), location: "content-type", pointer: "content-type" },
  { name: "missing x-ratelimit-reset", op: "listAuthenticators", res: withHeaders(response("listAuthenticators", 200, ok.list), { "x-ratelimit-reset": undefined }), location: "header", pointer: "x-ratelimit-reset" },
  { name: "x-ratelimit-reset in milliseconds", op: "listAuthenticators", res: withHeaders(response("listAuthenticators", 200, ok.list), { "x-ratelimit-reset": "1767225600000" }), location: "header", pointer: "x-ratelimit-reset", expected: "99999999999" },
  { name: "x-ratelimit-limit not an integer", op: "listAuthenticators", res: withHeaders(response("listAuthenticators", 200, ok.list), { "x-ratelimit-limit": "25.0" }), location: "header", pointer: "x-ratelimit-limit", expected: "integer" },
  // deleteAuthenticator
  { name: "204 with a body", op: "deleteAuthenticator", res: { status: 204, headers: goodHeaders(204), body: {} }, location: "body", pointer: "", expected: "no body" },
  { name: "200 instead of 204", op: "deleteAuthenticator", res: response("deleteAuthenticator", 200, {}), location: "status", pointer: "", expected: "204" },
  { name: "unknown error code on 404", op: "deleteAuthenticator", res: response("deleteAuthenticator", 404, ok.error("authenticator_not_found")), location: "body", pointer: "/error", expected: "not_found" },
  { name: "404 without error_description", op: "deleteAuthenticator", res: response("deleteAuthenticator", 404, { error: "not_found" }), location: "body", pointer: "/error_description", expected: "required" },
  { name: "Management API error shape", op: "deleteAuthenticator", res: response("deleteAuthenticator", 429, { statusCode: 429, error: "Too Many Requests", message: "x" }), location: "body", pointer: "/statusCode", expected: "no such property" },
  { name: "401 as text/plain", op: "deleteAuthenticator", res: withHeaders(response("deleteAuthenticator", 401, ok.error("invalid_grant")), { "content-type": "text/plain" }), location: "content-type", pointer: "content-type" },
  { name: "204 without x-ratelimit-limit", op: "deleteAuthenticator", res: withHeaders({ status: 204, headers: goodHeaders(204), body: undefined }, { "x-ratelimit-limit": undefined }), location: "header", pointer: "x-ratelimit-limit" },
  { name: "429 without retry-after", op: "deleteAuthenticator", res: withHeaders(response("deleteAuthenticator", 429, ok.error("too_many_requests")), { "retry-after": undefined }), location: "header", pointer: "retry-after" },
  { name: "retry-after as a decimal", op: "deleteAuthenticator", res: withHeaders(response("deleteAuthenticator", 429, ok.error("too_many_requests")), { "retry-after": "1.5" }), location: "header", pointer: "retry-after", expected: "integer" },
  // challenge
  { name: "oob without oob_code", op: "challenge", res: response("challenge", 200, patch(ok.challenge, { oob_code: undefined })), location: "body", pointer: "/oob_code", expected: "required" },
  { name: "otp with an oob_code", op: "challenge", res: response("challenge", 200, { challenge_type: "otp", oob_code: "Fe26.2*abc" }), location: "body", pointer: "/oob_code", expected: "no such property" },
  { name: "unknown challenge_type", op: "challenge", res: response("challenge", 200, patch(ok.challenge, { challenge_type: "sms" })), location: "body", pointer: "/challenge_type", expected: '"oob"' },
  { name: "unknown binding_method", op: "challenge", res: response("challenge", 200, patch(ok.challenge, { binding_method: "confirm" })), location: "body", pointer: "/binding_method", expected: "prompt" },
  { name: "oob_code as a number", op: "challenge", res: response("challenge", 200, patch(ok.challenge, { oob_code: 123456 })), location: "body", pointer: "/oob_code", expected: "string" },
  { name: "unknown error code on 400", op: "challenge", res: response("challenge", 400, ok.error("invalid_phone")), location: "body", pointer: "/error", expected: "invalid_request" },
  { name: "unknown error code on 429", op: "challenge", res: response("challenge", 429, ok.error("rate_limited")), location: "body", pointer: "/error", expected: "too_many_requests" },
  { name: "409 is not documented", op: "challenge", res: response("challenge", 409, ok.error("conflict")), location: "status", pointer: "" },
  { name: "missing content type", op: "challenge", res: withHeaders(response("challenge", 200, ok.challenge), { "content-type": undefined }), location: "content-type", pointer: "content-type" },
  { name: "429 without x-ratelimit-remaining", op: "challenge", res: withHeaders(response("challenge", 429, ok.error("too_many_requests")), { "x-ratelimit-remaining": undefined }), location: "header", pointer: "x-ratelimit-remaining" },
  // token
  { name: "expires_in as a string", op: "token", res: response("token", 200, patch(ok.token, { expires_in: "86400" })), location: "body", pointer: "/expires_in", expected: "integer" },
  { name: "expires_in as a decimal", op: "token", res: response("token", 200, patch(ok.token, { expires_in: 86400.5 })), location: "body", pointer: "/expires_in", expected: "integer" },
  { name: "missing token_type", op: "token", res: response("token", 200, patch(ok.token, { token_type: undefined })), location: "body", pointer: "/token_type", expected: "required" },
  { name: "lower-case token_type", op: "token", res: response("token", 200, patch(ok.token, { token_type: "bearer" })), location: "body", pointer: "/token_type", expected: "Bearer" },
  { name: "recovery_code with a dash", op: "token", res: response("token", 200, patch(ok.token, { recovery_code: "17EQHNZC2SZD-G7X4QXVX9SW" })), location: "body", pointer: "/recovery_code", expected: "matching" },
  { name: "mfa_required without mfa_token", op: "token", res: response("token", 403, patch(ok.mfaRequired, { mfa_token: undefined })), location: "body", pointer: "/mfa_token", expected: "required" },
  { name: "mfa_required as 401 (Auth0's OAS file)", op: "token", res: response("token", 401, ok.mfaRequired), location: "body", pointer: "/error", expected: "invalid_client" },
  { name: "unknown error code on 403", op: "token", res: response("token", 403, ok.error("invalid_otp")), location: "body", pointer: "/error", expected: "mfa_required" },
  { name: "unknown mfa_requirements type", op: "token", res: response("token", 403, patch(ok.mfaRequired, { mfa_requirements: { challenge: [{ type: "sms" }] } })), location: "body", pointer: "/mfa_requirements/challenge/0/type", expected: "phone" },
  { name: "unknown error code on 429", op: "token", res: response("token", 429, ok.error("too_many_attempts")), location: "body", pointer: "/error", expected: "slow_down" },
  { name: "charset=utf-8 on /oauth/token", op: "token", res: withHeaders(response("token", 200, ok.token), { "content-type": "application/json; charset=utf-8" }), location: "content-type", pointer: "content-type", expected: "application/json" },
  { name: "201 is not documented", op: "token", res: response("token", 201, ok.token), location: "status", pointer: "" },
  { name: "empty 200", op: "token", res: response("token", 200, undefined), location: "body", pointer: "" },
  { name: "missing x-ratelimit-limit", op: "token", res: withHeaders(response("token", 200, ok.token), { "x-ratelimit-limit": undefined }), location: "header", pointer: "x-ratelimit-limit" },
];

describe("wrong response shapes are findings", () => {
  for (const row of rows) {
    test(`${row.op}: ${row.name}`, () => {
      const findings = validateResponse(row.op, row.res);
      const hit = findings.find(
        (f) =>
          f.location === row.location &&
          f.pointer === row.pointer &&
          f.operation === row.op &&
          f.status === row.res.status &&
          (row.expected === undefined || f.expected.includes(row.expected)),
      );
      assert.ok(
        hit,
        `no ${row.location} finding at "${row.pointer}"; got:\n  ${findings.map(formatFinding).join("\n  ")}`,
      );
    });
  }

  test("an undocumented status is the only finding", () => {
    const findings = validateResponse("token", response("token", 418, ok.error("teapot")));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.location, "status");
    assert.equal(findings[0]?.actual, "418");
  });

  test("secrets and phone numbers are not echoed into findings", () => {
    const secret = "Fe26.2 secret with spaces";
    const findings = [
      ...validateResponse("token", response("token", 403, patch(ok.mfaRequired, { mfa_token: secret }))),
      ...validateResponse(
        "listAuthenticators",
        response("listAuthenticators", 200, list(1, { name: "+14155558730" })),
      ),
    ];
    assert.equal(findings.length, 2);
    for (const f of findings) {
      assert.ok(
        !formatFinding(f).includes(secret) && !formatFinding(f).includes("4155558730"),
        formatFinding(f),
      );
      assert.match(f.actual, /masked/);
    }
  });

  test("formatFinding is one line with operation, status, place, expected and actual", () => {
    const [f] = validateResponse("token", response("token", 200, patch(ok.token, { expires_in: "600" })));
    assert.ok(f);
    const line = formatFinding(f);
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /^token 200 body \/expires_in: expected integer, got string/);
  });
});

interface RequestRow {
  name: string;
  op: OperationId;
  contentType: string | undefined;
  body: unknown;
  location: Finding["location"];
  pointer: string;
  expected?: string;
}

const mfaOob = {
  grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
  client_id: "c",
  mfa_token: "t",
  oob_code: "o",
  binding_code: "123456",
};
// biome-ignore format: one row per line, so the table reads as a table
const requestRows: RequestRow[] = [
  { name: "associate without authenticator_types", op: "associateAuthenticator", contentType: "application/json", body: { oob_channels: ["sms"] }, location: "request", pointer: "/authenticator_types", expected: "required" },
  { name: "associate with oob_channels as a string", op: "associateAuthenticator", contentType: "application/json", body: { authenticator_types: ["oob"], oob_channels: "sms" }, location: "request", pointer: "/oob_channels", expected: "array" },
  { name: "associate with an unknown channel", op: "associateAuthenticator", contentType: "application/json", body: { authenticator_types: ["oob"], oob_channels: ["whatsapp"] }, location: "request", pointer: "/oob_channels/0", expected: "sms" },
  { name: "associate as a form", op: "associateAuthenticator", contentType: "application/x-www-form-urlencoded", body: { authenticator_types: "oob" }, location: "content-type", pointer: "content-type" },
  { name: "challenge form without mfa_token", op: "challenge", contentType: "application/x-www-form-urlencoded", body: { client_id: "c" }, location: "request", pointer: "/mfa_token", expected: "required" },
  { name: "challenge with challenge_type sms", op: "challenge", contentType: "application/json", body: { client_id: "c", mfa_token: "t", challenge_type: "sms" }, location: "request", pointer: "/challenge_type", expected: "matching" },
  { name: "challenge with a numeric client_id", op: "challenge", contentType: "application/json", body: { client_id: 7, mfa_token: "t" }, location: "request", pointer: "/client_id", expected: "string" },
  { name: "challenge as text/plain", op: "challenge", contentType: "text/plain", body: "x", location: "content-type", pointer: "content-type" },
  { name: "token with an unknown grant", op: "token", contentType: "application/json", body: { grant_type: "mfa-recover-code", client_id: "c" }, location: "request", pointer: "/grant_type", expected: "mfa-recovery-code" },
  { name: "token without grant_type", op: "token", contentType: "application/json", body: { client_id: "c" }, location: "request", pointer: "/grant_type", expected: "required" },
  { name: "mfa-oob without oob_code", op: "token", contentType: "application/x-www-form-urlencoded", body: patch(mfaOob, { oob_code: undefined }), location: "request", pointer: "/oob_code", expected: "required" },
  { name: "password-realm without realm", op: "token", contentType: "application/json", body: { grant_type: "http://auth0.com/oauth/grant-type/password-realm", client_id: "c", username: "u", password: "p" }, location: "request", pointer: "/realm", expected: "required" },
  { name: "token without a content type", op: "token", contentType: undefined, body: mfaOob, location: "content-type", pointer: "content-type" },
  { name: "a body on GET /mfa/authenticators", op: "listAuthenticators", contentType: "application/json", body: { a: 1 }, location: "request", pointer: "", expected: "no body" },
];

describe("wrong requests are findings", () => {
  for (const row of requestRows) {
    test(row.name, () => {
      const findings = validateRequest(row.op, row.contentType, row.body);
      const hit = findings.find(
        (f) =>
          f.location === row.location &&
          f.pointer === row.pointer &&
          f.status === undefined &&
          (row.expected === undefined || f.expected.includes(row.expected)),
      );
      assert.ok(
        hit,
        `no ${row.location} finding at "${row.pointer}"; got:\n  ${findings.map(formatFinding).join("\n  ")}`,
      );
    });
  }

  test("form and JSON bodies, with content-type parameters, are accepted", () => {
    assertNoFindings(
      validateRequest("token", "application/x-www-form-urlencoded; charset=UTF-8", mfaOob),
      "form",
    );
    assertNoFindings(validateRequest("token", "application/json; charset=utf-8", mfaOob), "json");
    assertNoFindings(
      validateRequest("listAuthenticators", "application/json", undefined),
      "GET without body",
    );
    assertNoFindings(validateRequest("deleteAuthenticator", undefined, {}), "DELETE with empty parsed body");
  });
});

describe("operationFor", () => {
  const cases: [string, string, OperationId | undefined][] = [
    ["POST", "/mfa/associate", "associateAuthenticator"],
    ["get", "/mfa/authenticators", "listAuthenticators"],
    ["GET", "/mfa/authenticators?x=1", "listAuthenticators"],
    ["DELETE", "/mfa/authenticators/push%7Cdev_BBTKYpxKHOXVBnql", "deleteAuthenticator"],
    ["DELETE", "/mfa/authenticators/sms|dev_NU1Ofuw3Cw0XCt5x", "deleteAuthenticator"],
    ["POST", "/mfa/challenge", "challenge"],
    ["POST", "https://tenant.example.org/oauth/token", "token"],
    ["GET", "/oauth/token", undefined],
    ["DELETE", "/mfa/authenticators", undefined],
    ["DELETE", "/mfa/authenticators/a/b", undefined],
    ["GET", "/__mock/health", undefined],
  ];
  for (const [method, path, expected] of cases) {
    test(`${method} ${path} → ${expected ?? "none"}`, () => {
      assert.equal(operationFor(method, path), expected);
    });
  }
});
