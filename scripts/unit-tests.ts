/**
 * Runs every unit test (`*.test.ts` beside the code) with Node's test runner under tsx.
 * Arguments are path prefixes that narrow the run: `npm run test:unit -- mock openapi`.
 * Writes JUnit to reports/junit/unit.xml so the combined report and CI can read it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const roots = [
  "openapi",
  "mock",
  "contracts",
  "tenant",
  "clients",
  "load",
  "report",
  "redaction",
  "cli",
  "scripts",
];
const skip = new Set(["node_modules", "generated", "dist"]);

/** Lists `*.test.ts` files below a folder, sorted, skipping generated and installed code. */
function findTests(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".test.ts") && !name.split(path.sep).some((part) => skip.has(part)))
    .map((name) => path.join(dir, name))
    .sort();
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap(findTests)
  .filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x)));
if (files.length === 0) {
  console.error(`no unit tests found${filters.length ? ` under ${filters.join(", ")}` : ""}`);
  process.exit(1);
}
mkdirSync("reports/junit", { recursive: true });
const junit = filters.length
  ? `reports/junit/unit-${filters.join("-").replace(/\W+/g, "_")}.xml`
  : "reports/junit/unit.xml";
const secretsDir = mkdtempSync(path.join(tmpdir(), "unit-secrets-"));
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=junit",
    `--test-reporter-destination=${junit}`,
    ...files,
  ],
  // What the tests record goes to a registry of their own, removed afterwards, not the user's cache.
  { stdio: "inherit", env: { ...process.env, HARNESS_SECRETS_DIR: secretsDir } },
);
rmSync(secretsDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
