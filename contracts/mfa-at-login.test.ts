import assert from "node:assert/strict";
import { test } from "node:test";
import { ASSUMPTION_DOC, firstRefreshAnsweredTokens } from "./mfa-at-login.ts";

test("a token answer to the first refresh names the Action seeing the login's MFA and the mock's assumption", () => {
  for (const status of [200, 201]) {
    const message = firstRefreshAnsweredTokens(status) ?? "";
    assert.match(message, new RegExp(`answered tokens \\(${status}\\)`));
    assert.match(message, /not 403 mfa_required/);
    assert.match(message, /event\.authentication\.methods lists mfa/);
    assert.match(message, /the Action saw the login's MFA/);
    assert.ok(message.includes(ASSUMPTION_DOC), message);
    assert.match(message, /assumption does not hold here/);
  }
});

test("any other answer is left to the caller's own expectation", () => {
  const rows: Array<[string, number]> = [
    ["mfa_required, as assumed", 403],
    ["invalid_grant", 400],
    ["too many requests", 429],
    ["a redirect", 302],
    ["a server error", 500],
  ];
  for (const [name, status] of rows) assert.equal(firstRefreshAnsweredTokens(status), undefined, name);
});
