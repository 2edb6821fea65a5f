import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldPointers, observeResponse } from "./observations.ts";

test("observeResponse keeps the shape and no values", () => {
  const o = observeResponse("tenant", "t", "challenge", 2, {
    status: 200,
    headers: { "content-type": "application/json", Date: "x", "x-ratelimit-limit": "10" },
    body: { oob_code: "Fe26.2*secret", challenge_type: "oob", list: [{ a: 1 }, { b: 2 }] },
  });
  assert.deepEqual(o, {
    project: "tenant",
    test: "t",
    step: "challenge#2",
    operation: "challenge",
    status: 200,
    fields: ["/challenge_type", "/list", "/list/-/a", "/list/-/b", "/oob_code"],
    headers: ["content-type", "x-ratelimit-limit"],
    contentType: "application/json",
  });
  assert.doesNotMatch(JSON.stringify(o), /secret/);
  assert.deepEqual(fieldPointers({ "a/b": { "c~": 1 } }), ["/a~1b", "/a~1b/c~0"]);
});
