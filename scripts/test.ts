/**
 * `npm test`: every check the project has, in one run, ending with the line `N passed, N failed`.
 *
 * Each stage runs even when an earlier one failed, so a nightly run reports everything at once.
 * Counts come from the JUnit files the test runners write; a stage without tests of its own
 * (generated-code drift, lint, type-check, leak scan) counts as one test.
 * `npm test -- --only unit,contracts` runs a subset (stage names below).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isEntryPoint } from "../cli/entry.ts";
import { OptionError, readCommandLine } from "../cli/options.ts";
import { reportDir as contractsReportDir } from "../contracts/findings.ts";
import { compactSecrets, reportsDir } from "../redaction/secrets.ts";
import { countTests } from "../report/junit.ts";

interface Stage {
  name: string;
  command: string[];
  /** JUnit file the stage writes; absent: the stage is one test, passed when it exits 0. */
  junit?: string;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const stages: Stage[] = [
  { name: "generated", command: [npm, "run", "--silent", "check:generated"] },
  { name: "lint", command: [npm, "run", "--silent", "lint"] },
  { name: "typecheck", command: [npm, "run", "--silent", "typecheck"] },
  // Every stage writes under the reports folder ($REPORTS_DIR, else reports/), its JUnit too.
  {
    name: "unit",
    command: [npm, "run", "--silent", "test:unit"],
    junit: path.join(reportsDir(), "junit", "unit.xml"),
  },
  {
    name: "contracts",
    command: [npm, "run", "--silent", "test:contracts"],
    junit: path.join(contractsReportDir(), "junit.xml"),
  },
  // The flow suites again with every mock serving HTTPS, trusted through its CA as an app trusts it.
  {
    name: "contracts-tls",
    command: [npm, "run", "--silent", "test:contracts:tls"],
    junit: path.join(reportsDir(), "contracts-tls", "junit.xml"),
  },
  // After contracts: its drift check compares with the mock project's observations written there.
  {
    name: "tenant-on-mock",
    command: [npm, "run", "--silent", "test:tenant-on-mock"],
    junit: path.join(reportsDir(), "tenant", "junit.xml"),
  },
  // Last: it scans what every stage above wrote under reports/.
  { name: "leaks", command: [npm, "run", "--silent", "check:leaks"] },
];

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts the test cases of a JUnit file: failed (failure or error), skipped, or passed. */
export function countJUnit(xml: string): Counts {
  const t = countTests(xml);
  return {
    passed: t.tests - t.failures - t.errors - t.skipped,
    failed: t.failures + t.errors,
    skipped: t.skipped,
  };
}

/** `--only`: stage names, each one known. */
function stageNames(text: string, where: string): string[] {
  const names = text.split(",").filter(Boolean);
  if (names.length === 0 || names.some((n) => !stages.some((s) => s.name === n))) {
    throw new OptionError(
      `${where} takes a comma-separated list of: ${stages.map((s) => s.name).join(", ")}`,
      where,
    );
  }
  return names;
}

const command = {
  usage: "Usage: npm test -- [options]",
  options: { only: { type: "string", value: "<stage,...>", parse: stageNames, description: "run a subset" } },
} as const;

function selectedStages(argv: string[]): Stage[] {
  const names = readCommandLine(command, { argv }).values.only;
  return names ? stages.filter((s) => names.includes(s.name)) : stages;
}

function main(): number {
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const stage of selectedStages(process.argv.slice(2))) {
    console.log(`\n── ${stage.name}: ${stage.command.slice(1).join(" ")}`);
    if (stage.junit) rmSync(stage.junit, { force: true });
    const started = Date.now();
    const [cmd, ...args] = stage.command as [string, ...string[]];
    const { status } = spawnSync(cmd, args, { stdio: "inherit" });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let counts: Counts;
    if (stage.junit) {
      let xml = "";
      try {
        xml = readFileSync(stage.junit, "utf8");
      } catch {
        // No JUnit file: the runner died before it could write one.
      }
      counts = countJUnit(xml);
      // A runner that failed but reported no failing case (crash, config error, zero tests) is a failure.
      if (status !== 0 && counts.failed === 0) counts.failed = 1;
      if (status === 0 && counts.passed + counts.failed + counts.skipped === 0) counts.failed = 1;
    } else {
      counts = status === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    lines.push(
      `${counts.failed ? "✗" : "✓"} ${stage.name.padEnd(14)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds}s)`,
    );
  }
  // Nothing records any more: prune the registry's old days and repeated values.
  compactSecrets();
  const summary = `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
  console.log(`\n${lines.join("\n")}\n`);
  mkdirSync(reportsDir(), { recursive: true });
  writeFileSync(path.join(reportsDir(), "test-summary.txt"), `${summary}\n`);
  console.log(summary);
  return total.failed === 0 ? 0 : 1;
}

if (isEntryPoint(import.meta.url)) process.exit(main());
