import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { mockModules, mockSourceFingerprint } from "./fingerprint.ts";

const MOCK_DIR = path.dirname(fileURLToPath(import.meta.url));

describe("mock source fingerprint", () => {
  test("covers the modules of every sub-folder, not tests or benchmarks", () => {
    const names = mockModules(MOCK_DIR).map((f) => path.relative(MOCK_DIR, f).split(path.sep).join("/"));
    for (const expected of ["app.ts", "http/server.ts", "operations/token.ts", "tokens/signing-worker.mjs"])
      assert.ok(names.includes(expected), `${expected} is hashed`);
    assert.ok(!names.some((n) => n.endsWith(".test.ts")), "no test file is hashed");
    assert.ok(!names.some((n) => n.startsWith("bench/")), "no benchmark is hashed");
  });

  test("is 16 hex digits and stable", () => {
    assert.match(mockSourceFingerprint(), /^[0-9a-f]{16}$/);
    assert.equal(mockSourceFingerprint(), mockSourceFingerprint());
  });
});
