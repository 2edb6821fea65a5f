import assert from "node:assert/strict";
import { test } from "node:test";
import { findingLine, isSampled } from "./schema-sample.ts";

test("sampling checks the configured share, evenly", () => {
  const picked = (rate: number) =>
    Array.from({ length: 100 }, (_, i) => i + 1).filter((n) => isSampled(rate, n));
  assert.equal(picked(1).length, 100);
  assert.equal(picked(0).length, 0);
  assert.deepEqual(picked(0.25).slice(0, 3), [4, 8, 12]);
  assert.equal(picked(0.25).length, 25);
  assert.equal(picked(0.1).length, 10);
});

test("a finding line names where and what was expected, never the actual value", () => {
  const line = findingLine({
    operation: "challenge",
    status: 200,
    location: "body",
    pointer: "/oob_code",
    expected: "string",
    actual: "Fe26.2*secret-token",
    message: "must be string",
  });
  assert.equal(line, "challenge 200: body /oob_code: expected string");
  assert.ok(!line.includes("secret"));
  assert.equal(
    findingLine({
      operation: "token",
      location: "header",
      pointer: "retry-after",
      expected: "integer",
      actual: "",
      message: "",
    }),
    "token: header retry-after: expected integer",
  );
});
