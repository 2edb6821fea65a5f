/**
 * The conformance matrix: operation × check, from Playwright's JSON results and the suites'
 * findings. How a test maps to its cells is documented in reports/README.md ("The conformance
 * matrix"): annotations first, then tags, then the spec file and title.
 */
import type { JSONReport, JSONReportSpec, JSONReportSuite, JSONReportTest } from "@playwright/test/reporter";

const OPERATIONS = [
  "associateAuthenticator",
  "listAuthenticators",
  "deleteAuthenticator",
  "challenge",
  "token",
] as const;
export const CHECKS = ["status", "body", "headers", "errors", "security", "rate-limits"] as const;
export type Check = (typeof CHECKS)[number];
/** Row for tests whose operation cannot be told (whole flows without annotations). */
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
  /** First error line, for failed tests (masked and escaped by the page). */
  error?: string;
}

export interface FindingRow {
  test: string;
  project?: string;
  operation: string;
  status?: number | null;
  location: string;
  pointer: string;
  expected: string;
  actual: string;
  message: string;
}

export interface Cell {
  operation: string;
  check: Check;
  tests: TestRow[];
  findings: FindingRow[];
  state: "pass" | "fail" | "skip" | "none";
}

export interface Matrix {
  project: string;
  rows: string[];
  cells: Map<string, Cell>;
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
  const annotations = [
    ...(test.annotations ?? []),
    ...(test.results ?? []).flatMap((r) => r.annotations ?? []),
  ];
  const tags = spec.tags ?? [];
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
    operations: operationsOf(annotations, tags, spec.file, title),
    checks: checksOf(annotations, tags, spec.file, title),
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

type Annotation = { type: string; description?: string };

/** The values of annotations of a type plus `@<type>:<value>` tags. */
function declared(annotations: Annotation[], tags: string[], type: string): string[] {
  const fromAnnotations = annotations
    .filter((a) => a.type === type && a.description)
    .map((a) => a.description ?? "");
  const prefix = `@${type === "operation" ? "op" : type}:`;
  const fromTags = tags.map((t) => (t.startsWith("@") ? t : `@${t}`)).filter((t) => t.startsWith(prefix));
  return [
    ...new Set([...fromAnnotations, ...fromTags.map((t) => t.slice(prefix.length))].map((v) => v.trim())),
  ];
}

/** The operations a test exercises: declared, else guessed from its spec file or title. */
export function operationsOf(
  annotations: Annotation[],
  tags: string[],
  file: string,
  title: string,
): string[] {
  const explicit = declared(annotations, tags, "operation");
  if (explicit.length) return explicit;
  // Only the compound ids: "challenge" and "token" are ordinary words in flow titles.
  const inTitle = OPERATIONS.filter((op) => /[A-Z]/.test(op) && new RegExp(`\\b${op}\\b`).test(title));
  if (inTitle.length) return inTitle;
  const base = file.split(/[\\/]/).at(-1) ?? "";
  if (base.startsWith("associate")) return ["associateAuthenticator"];
  if (base.startsWith("authenticators")) {
    return /\bDELETE\b|\bdelet/i.test(title) ? ["deleteAuthenticator"] : ["listAuthenticators"];
  }
  if (base.startsWith("challenge")) return ["challenge"];
  if (base.startsWith("token")) return ["token"];
  if (/\/mfa\/associate\b/.test(title)) return ["associateAuthenticator"];
  if (/\/mfa\/challenge\b/.test(title)) return ["challenge"];
  if (/\/oauth\/token\b/.test(title)) return ["token"];
  return [FLOWS];
}

/** Title words that name a check, most specific first. */
const CHECK_WORDS: Array<[Check, RegExp]> = [
  ["rate-limits", /\b429\b|rate[ -]?limit|x-ratelimit|retry-after|too_many|bucket|lock ?out|brute/i],
  ["security", /foreign|another user|other user|tamper|expired|replay|single[ -]use|isolat|secur|forg/i],
  ["errors", /\berror|invalid|wrong|missing|malformed|unknown|bad |reject|refus|negative|\b4\d\d\b/i],
  ["headers", /header|content-type/i],
  ["body", /schema|body|shape|field/i],
];

/** The checks a test makes: declared, else from its spec file (security, rate limits) or title words. */
export function checksOf(annotations: Annotation[], tags: string[], file: string, title: string): Check[] {
  const explicit = declared(annotations, tags, "check").filter((c): c is Check =>
    (CHECKS as readonly string[]).includes(c),
  );
  if (explicit.length) return explicit;
  const base = file.split(/[\\/]/).at(-1) ?? "";
  if (base.startsWith("rate-limit")) return ["rate-limits"];
  if (base.startsWith("security")) return ["security"];
  return [CHECK_WORDS.find(([, re]) => re.test(title))?.[0] ?? "status"];
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

/** Builds one matrix per project: every operation row (plus flows when used) × every check. */
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
    ].filter((op) => !(OPERATIONS as readonly string[]).includes(op));
    const rows = [...OPERATIONS, ...extra.sort()];
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
    return { project, rows, cells };
  });
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
