/**
 * The conformance matrix: operation × check, and factor × check below it, from Playwright's JSON
 * results and the suites' findings. Each contract test declares its cells with tags, `@op:<operationId>` and
 * `@check:<check>` (several of each allowed, on the test or its describe); nothing is guessed from
 * titles or files, so renaming a test cannot move it. A test tagged `@factor:<factor>` also counts in
 * that factor's row (sms, voice, otp, email, push: every factor has a row, tested or not), and so do
 * the findings of its responses. A test without both kinds of tag, or with an
 * operation or check the description does not have, is a problem that fails the run
 * (`matrixProblems`).
 */
import type { JSONReport, JSONReportSpec, JSONReportSuite, JSONReportTest } from "@playwright/test/reporter";
import type { FindingRecord } from "../contracts/findings.ts";
import {
  CHECKS,
  type Check,
  checksOf,
  FACTORS,
  type Factor,
  factorsOf,
  operationsOf,
  tagProblems,
} from "../contracts/tags.ts";
import { isOperationId, operationIds } from "../openapi/validate.ts";

export { CHECKS, type Check, FACTORS, type Factor };

/** Row for findings that name no operation. */
const FLOWS = "flows";

export type Outcome = "passed" | "failed" | "skipped" | "flaky";

export interface TestRow {
  id: string;
  project: string;
  file: string;
  title: string;
  outcome: Outcome;
  durationMs: number;
  operations: string[];
  checks: Check[];
  /** The factors the test exercises (`@factor:` tags); absent when it names none. */
  factors?: Factor[];
  /** Every tag of the test, with its `@` (the `@op:` and `@check:` ones included, known or not). */
  tags?: string[];
  /** First error line, for failed tests (masked and escaped by the page). */
  error?: string;
}

/** A finding as the suites record it (contracts/findings.ts), read leniently from findings.json. */
export type FindingRow = Omit<FindingRecord, "project" | "status" | "location"> & {
  project?: string;
  status?: number | null;
  location: string;
};

export interface Cell {
  /** The row: an operation id, or `factor:<factor>` for a factor's row (then `factor` is set). */
  operation: string;
  factor?: Factor;
  check: Check;
  tests: TestRow[];
  findings: FindingRow[];
  state: "pass" | "fail" | "skip" | "none";
}

export interface Matrix {
  project: string;
  rows: string[];
  /** The factor rows' keys (`factor:<factor>`), one per factor, below the operations. */
  factorRows: string[];
  cells: Map<string, Cell>;
}

/** A contract test the matrix cannot place: it fails the run. */
export interface MatrixProblem {
  kind: "untagged" | "unknown-tag";
  file: string;
  title: string;
  /** What is wrong and how to fix it, naming the test. */
  message: string;
}

/** The key of a cell in `Matrix.cells`, also its anchor on the page. */
export function cellId(project: string, operation: string, check: string): string {
  return `cell-${project}-${operation}-${check}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Flattens Playwright's nested suites into one row per test (per project). */
export function testRows(report: Pick<JSONReport, "suites">): TestRow[] {
  const rows: TestRow[] = [];
  const visit = (suite: JSONReportSuite, titles: string[]) => {
    const path = suite.title && suite.title !== suite.file ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) rows.push(toRow(spec, test, path));
    }
    for (const child of suite.suites ?? []) visit(child, path);
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return rows;
}

/** One Playwright test as a row of the matrix. */
function toRow(spec: JSONReportSpec, test: JSONReportTest, titles: string[]): TestRow {
  const title = [...titles, spec.title].join(" › ");
  // Playwright's JSON report drops the leading `@` of tags (describe tags are inherited).
  const tags = [...new Set((spec.tags ?? []).map((t) => (t.startsWith("@") ? t : `@${t}`)))];
  const last = test.results?.at(-1);
  const error = test.results
    ?.flatMap((r) => r.errors ?? [])
    .map((e) => e.message)
    .find(Boolean);
  return {
    id: spec.id,
    project: test.projectName || "default",
    file: spec.file,
    title,
    outcome: outcomeOf(test),
    durationMs: (test.results ?? []).reduce((sum, r) => sum + (r.duration ?? 0), 0),
    operations: operationsOf(tags),
    checks: checksOf(tags),
    ...(factorsOf(tags).length ? { factors: factorsOf(tags) } : {}),
    tags,
    ...(error && last ? { error: errorHead(error) } : {}),
  };
}

/** Maps Playwright's test status to what the matrix shows. */
function outcomeOf(test: JSONReportTest): Outcome {
  switch (test.status) {
    case "expected":
      return "passed";
    case "flaky":
      return "flaky";
    case "skipped":
      return "skipped";
    default:
      return "failed";
  }
}

/** The first lines of an error message (the assertion and expected/received), without ANSI colour codes. */
function errorHead(message: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters
  const plain = message.replace(/\u001b\[[0-9;]*m/g, "");
  const lines = plain.split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return lines.slice(0, 5).join("\n").slice(0, 600);
}

/** What keeps each test out of the matrix: no `@op:` or `@check:` tag, or one naming nothing known. */
export function matrixProblems(tests: readonly TestRow[]): MatrixProblem[] {
  const problems = new Map<string, MatrixProblem>();
  const add = (t: TestRow, kind: MatrixProblem["kind"], what: string) => {
    const message = `${t.file} › ${t.title}: ${what}`;
    problems.set(message, { kind, file: t.file, title: t.title, message });
  };
  for (const t of tests) {
    for (const p of tagProblems(t.tags ?? [])) add(t, p.kind, p.what);
  }
  // The same test in several projects is one problem.
  return [...problems.values()];
}

/** The cell a finding belongs to, from its location (and, for headers, which header). */
export function checkOfFinding(f: Pick<FindingRow, "location" | "pointer">): Check {
  switch (f.location) {
    case "status":
      return "status";
    case "body":
      return "body";
    case "request":
      return "errors";
    default:
      return /^(x-ratelimit|retry-after)/i.test(f.pointer) ? "rate-limits" : "headers";
  }
}

/** One matrix per project: the description's operations (and any other a finding names) × every check. */
export function buildMatrices(tests: TestRow[], findings: FindingRow[]): Matrix[] {
  const projects = [
    ...new Set([...tests.map((t) => t.project), ...findings.flatMap((f) => f.project ?? [])]),
  ];
  if (projects.length === 0) projects.push("default");
  return projects.map((project) => {
    const mine = tests.filter((t) => t.project === project);
    const myFindings = findings.filter((f) => (f.project ?? projects[0]) === project);
    const extra = [
      ...new Set([...mine.flatMap((t) => t.operations), ...myFindings.map((f) => f.operation)]),
    ].filter((op) => !isOperationId(op));
    const rows = [...operationIds, ...extra.sort()];
    const cells = new Map<string, Cell>();
    for (const operation of rows) {
      for (const check of CHECKS) {
        const cellTests = mine.filter((t) => t.operations.includes(operation) && t.checks.includes(check));
        const cellFindings = myFindings.filter(
          (f) => f.operation === operation && checkOfFinding(f) === check,
        );
        cells.set(cellId(project, operation, check), {
          operation,
          check,
          tests: cellTests,
          findings: cellFindings,
          state: stateOf(cellTests, cellFindings),
        });
      }
    }
    const factorRows: string[] = [];
    for (const factor of FACTORS) {
      const row = factorRow(factor);
      factorRows.push(row);
      const ofFactor = mine.filter((t) => t.factors?.includes(factor));
      // A finding names an operation, not a factor: it counts here through the test it was found in.
      const factorFindings = myFindings.filter((f) => ofFactor.some((t) => sameTest(t.title, f.test)));
      for (const check of CHECKS) {
        const cellTests = ofFactor.filter((t) => t.checks.includes(check));
        const cellFindings = factorFindings.filter((f) => checkOfFinding(f) === check);
        cells.set(cellId(project, row, check), {
          operation: row,
          factor,
          check,
          tests: cellTests,
          findings: cellFindings,
          state: stateOf(cellTests, cellFindings),
        });
      }
    }
    return { project, rows, factorRows, cells };
  });
}

/** The key of a factor's row, `factor:<factor>` (no operation id has a colon). */
export function factorRow(factor: Factor): string {
  return `factor:${factor}`;
}

/** True when a finding's test title names this test (one of them may carry its describe's titles). */
function sameTest(rowTitle: string, findingTest: string): boolean {
  return (
    rowTitle === findingTest ||
    rowTitle.endsWith(` › ${findingTest}`) ||
    findingTest.endsWith(` › ${rowTitle}`)
  );
}

/** Red on any failure or finding, amber when every test was skipped, green when something passed. */
function stateOf(tests: TestRow[], findings: FindingRow[]): Cell["state"] {
  if (findings.length || tests.some((t) => t.outcome === "failed")) return "fail";
  if (tests.length === 0) return "none";
  return tests.every((t) => t.outcome === "skipped") ? "skip" : "pass";
}

/** Parses findings.json leniently: anything that is not an array of objects yields no findings. */
export function parseFindings(json: unknown): FindingRow[] {
  if (!Array.isArray(json)) return [];
  return json
    .filter((f): f is Record<string, unknown> => typeof f === "object" && f !== null)
    .map((f) => ({
      test: String(f.test ?? ""),
      ...(typeof f.project === "string" ? { project: f.project } : {}),
      operation: String(f.operation ?? FLOWS),
      status: typeof f.status === "number" ? f.status : null,
      location: String(f.location ?? "body"),
      pointer: String(f.pointer ?? ""),
      expected: String(f.expected ?? ""),
      actual: String(f.actual ?? ""),
      message: String(f.message ?? ""),
    }));
}
