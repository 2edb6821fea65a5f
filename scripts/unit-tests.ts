/**
 * Runs every unit test (`*.test.ts` beside the code) with Node's test runner under tsx.
 * Arguments are path prefixes that narrow the run: `npm run test:unit -- mock openapi`.
 * Writes JUnit to `<reports>/junit/unit.xml` (a narrowed run: `unit-<filters>.xml`) so the combined
 * report and CI can read it.
 *
 * Two things tie the run to the reports folder (`$REPORTS_DIR`, else reports/):
 * - A run that includes any test under clients/ first empties `<reports>/clients/`, so the SDK flows
 *   there afterwards are this run's, never a renamed flow's or one a narrowed run left out.
 * - What the tests record in the secrets registry goes to a registry of their own (so the many tests
 *   that record for folders of their own leave nothing in the user's cache); afterwards the entries
 *   recorded for the reports folder itself (the SDK flows' tokens, codes and phone numbers) are copied
 *   into its registry, where `npm run check:leaks` and `npm run report` look.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isEntryPoint } from "../cli/entry.ts";
import { clearFlowFiles } from "../clients/steps.ts";
import { readSecretEntries, recordSecrets, reportsDir, type SecretKind } from "../redaction/secrets.ts";

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

/** The test files a run takes: every one, or those whose path starts with one of the filters. */
export function selectTests(filters: readonly string[], found: readonly string[] = roots.flatMap(findTests)) {
  return found.filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x)));
}

/** True when the run includes a test of clients/: the run then owns `<reports>/clients/`. */
export function runsClientTests(files: readonly string[]): boolean {
  return files.some((f) => f.split(/[\\/]/)[0] === "clients");
}

/**
 * Copies what the tests recorded for the reports folder `dir`, in the registries under `root` (the
 * run's own), into that folder's registry; answers how many values it copied.
 */
export function keepRecordedSecrets(root: string, dir: string): number {
  const byKind = new Map<string, string[]>();
  const entries = readSecretEntries({ dir, root });
  for (const { kind, value } of entries) byKind.set(kind, [...(byKind.get(kind) ?? []), value]);
  // The kinds were SecretKind when recorded; a foreign one is still a secret to look for.
  for (const [kind, values] of byKind) recordSecrets(values, kind as SecretKind, { dir });
  return entries.length;
}

function main(filters: string[]): number {
  const files = selectTests(filters);
  if (files.length === 0) {
    console.error(`no unit tests found${filters.length ? ` under ${filters.join(", ")}` : ""}`);
    return 1;
  }
  const reports = reportsDir();
  if (runsClientTests(files)) clearFlowFiles(reports);
  mkdirSync(path.join(reports, "junit"), { recursive: true });
  const junit = path.join(
    reports,
    "junit",
    filters.length ? `unit-${filters.join("-").replace(/\W+/g, "_")}.xml` : "unit.xml",
  );
  const secretsDir = mkdtempSync(path.join(tmpdir(), "unit-secrets-"));
  try {
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
      { stdio: "inherit", env: { ...process.env, HARNESS_SECRETS_DIR: secretsDir } },
    );
    keepRecordedSecrets(secretsDir, reports);
    return result.status ?? 1;
  } finally {
    rmSync(secretsDir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) process.exit(main(process.argv.slice(2)));
