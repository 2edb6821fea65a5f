import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ManagementError, managementErrors, mgmtError } from "./errors.ts";

/** Every entry, the parameterised ones with a sample argument. */
const entries: Array<[string, ManagementError]> = Object.entries(managementErrors).map(([name, e]) => [
  name,
  typeof e === "function" ? e("sample") : e,
]);

describe("the Management API's error catalogue", () => {
  for (const [name, e] of entries) {
    test(`${name}: a 4xx in the Management API's envelope`, () => {
      assert.ok(e.status >= 400 && e.status < 500, `${name} is ${e.status}`);
      const reply = mgmtError(e);
      assert.equal(reply.status, e.status);
      assert.equal(reply.headers?.["content-type"], "application/json; charset=utf-8");
      const body = reply.body as Record<string, unknown>;
      assert.equal(body.statusCode, e.status);
      assert.equal(typeof body.error, "string");
      assert.equal(body.message, e.message);
      assert.equal(body.errorCode, e.errorCode);
      if (e.attributes) assert.deepEqual(body.attributes, { error: e.message });
      else assert.equal("attributes" in body, false);
    });
  }

  test("no answer is declared twice", () => {
    const keys = entries.map(([, e]) => `${e.status} ${e.errorCode ?? ""} ${e.message}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});
