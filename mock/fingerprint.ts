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

/**
 * 16 hex digits of SHA-256 over the mock's non-test modules in every sub-folder (benchmarks aside)
 * and the validators, each under its path relative to `mock/`, so a moved module changes it too.
 */
export function mockSourceFingerprint(): string {
  const files = mockModules(MOCK_DIR).sort();
  const hash = createHash("sha256");
  for (const file of [...files, VALIDATORS]) {
    hash.update(path.relative(MOCK_DIR, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The non-test `.ts` and `.mjs` modules under `dir`, recursively; `bench/` measures the mock, it is not the mock. */
export function mockModules(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith(".test.ts") && !f.startsWith(`bench${path.sep}`))
    .map((f) => path.join(dir, f));
}
