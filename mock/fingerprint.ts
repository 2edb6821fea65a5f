/**
 * A digest of the mock's source (its modules and the generated validators its request checks use).
 * Observations recorded against the mock carry it, so the drift report can tell a tenant's change
 * from the mock's own: a baseline recorded by another version of the mock is stale.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MOCK_DIR = path.dirname(fileURLToPath(import.meta.url));
const VALIDATORS = path.join(MOCK_DIR, "..", "openapi", "generated", "validators.js");

/** 16 hex digits of SHA-256 over the mock's non-test modules and the validators, by name. */
export function mockSourceFingerprint(): string {
  const files = readdirSync(MOCK_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(MOCK_DIR, f));
  const hash = createHash("sha256");
  for (const file of [...files, VALIDATORS]) {
    hash.update(path.basename(file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}
