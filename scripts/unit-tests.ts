/**
 * Runs every unit test (`*.test.ts` beside the code) with Node's test runner under tsx.
 * Arguments are path prefixes that narrow the run: `npm run test:unit -- mock openapi`.
 * Writes JUnit to reports/junit/unit.xml so the combined report and CI can read it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

const roots = ["openapi", "mock", "contracts", "tenant", "load", "report", "redaction", "cli", "scripts"];
const skip = new Set(["node_modules", "generated", "dist"]);

/** Lists `*.test.ts` files below a folder, sorted, skipping generated and installed code. */
function findTests(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return skip.has(e.name) ? [] : findTests(p);
      return e.name.endsWith(".test.ts") ? [p] : [];
    })
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
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
