/**
 * Composes the run's outputs from what the stages left under the reports folder:
 * `index.html` (the page), `junit.xml` (every JUnit input merged) and `history.json` (bounded).
 * Inputs are listed in reports/README.md; a missing input makes its section say so, never a crash.
 * The SDK flows (`clients/<flow>.json`, report/clients.ts) show as the Clients section and a JUnit
 * suite per flow; without them the section says "not run".
 * A report never passes on nothing: without contract, load, tenant or client results the page says
 * "nothing to report" and fails, and history.json is left as it was; a stage that left its folder
 * but not its results (it crashed or was killed) shows as failed.
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { JSONReport } from "@playwright/test/reporter";
import { createMasker } from "../redaction/mask.ts";
import { readSecrets } from "../redaction/secrets.ts";
import {
  type ClientResult,
  clientFlowStatus,
  clientsJUnit,
  clientTally,
  isProblem,
  readClientFlows,
} from "./clients.ts";
import { appendHistory, HISTORY_LIMIT, type HistoryEntry, parseHistory } from "./history.ts";
import { renderReport } from "./html.ts";
import { countTests, type JUnitInput, mergeJUnit } from "./junit.ts";
import { type LoadResult, parseLoadSummary, shownVolume } from "./load.ts";
import { buildMatrices, matrixProblems, parseFindings, type TestRow, testRows } from "./matrix.ts";
import { overallOk, type ReportModel, type Stage } from "./model.ts";

export interface ComposeOptions {
  /** Folder with the inputs; the outputs are written into it too. */
  reportsDir: string;
  /** Identifies the run in history.json; composing again with the same id replaces its entry. */
  runId?: string;
  startedAt?: Date;
  now?: Date;
  target?: string;
  baseURL?: string;
  commit?: string;
  versions?: Array<[string, string]>;
  stages?: Stage[];
  /**
   * JUnit sources this run produced ("unit", "contracts", "load", "clients"); others are left out.
   * Default: all. Without "clients" the SDK flows are not read at all (an earlier run's would be stale).
   */
  junitSources?: string[];
  /** When set, load results are not read and the load section shows this text instead. */
  loadSkipped?: string;
  historyLimit?: number;
  title?: string;
  /** Results this run was meant to produce: each one missing shows as a failed stage (it crashed). */
  expected?: ResultKind[];
}

/** The kinds of results a run can leave: contract suites, load scenarios, a tenant's drift, SDK flows. */
export const RESULT_KINDS = ["contracts", "load", "drift", "clients"] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** The file (under the reports folder) whose absence says a kind of result is missing. */
const RESULT_FILES: Record<ResultKind, string> = {
  contracts: "contracts/results.json",
  load: "load/<scenario>/summary.json",
  drift: "drift.json",
  clients: "clients/<flow>.json",
};

/** The first words of the stage a run without results shows, and of the command's message. */
export const NOTHING_TO_REPORT = "nothing to report";

export interface ComposeResult {
  ok: boolean;
  indexPath: string;
  junitPath: string;
  historyPath: string;
  model: ReportModel;
  /** Tests the matrix cannot place (no @op:/@check: tag, or one naming nothing): they fail the run. */
  matrixProblems: string[];
  /** Set when there were no results at all: the page says so and fails, history.json is untouched. */
  nothing?: string;
}

/** Reads a JSON file, or undefined when it is missing or malformed (the page then says it is missing). */
function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Writes a file atomically (temp + rename), so a viewer never sees half a page. */
function writeAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Files of a folder (not recursive), sorted; none when it does not exist. */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The JUnit inputs: unit tests (`junit/unit.xml`, from a full run: the narrowed runs' files are
 * partial and often stale), contracts, and each load scenario.
 */
function junitInputs(reportsDir: string): JUnitInput[] {
  const inputs: JUnitInput[] = [];
  const add = (source: string, file: string) => {
    if (existsSync(file) && statSync(file).isFile()) inputs.push({ source, xml: readFileSync(file, "utf8") });
  };
  add("unit", path.join(reportsDir, "junit", "unit.xml"));
  add("contracts", path.join(reportsDir, "contracts", "junit.xml"));
  for (const scenario of listDir(path.join(reportsDir, "load"))) {
    for (const f of listDir(path.join(reportsDir, "load", scenario)).filter((x) => x.endsWith(".xml"))) {
      add(`load/${scenario}`, path.join(reportsDir, "load", scenario, f));
    }
  }
  return inputs;
}

/**
 * The failed stages that missing results stand for: a scenario folder without its summary, the
 * contracts folder without results.json, and each expected kind of result that is absent.
 */
function missingResultStages(
  reportsDir: string,
  found: Record<ResultKind, boolean>,
  opts: {
    expected: ResultKind[];
    loadSkipped: boolean;
    crashedScenarios: string[];
    /** Why the SDK flows that are there were skipped, when none ran. */
    clientsSkipped: string | undefined;
  },
): Stage[] {
  const crashed = (what: string, file: string): Stage => ({
    name: what,
    status: "failed",
    note: `no ${file}: the stage ended before writing its results (it crashed, was killed or never ran)`,
  });
  const stages: Stage[] = [];
  if (
    !found.contracts &&
    (opts.expected.includes("contracts") || listDir(path.join(reportsDir, "contracts")).length)
  )
    stages.push(crashed("contract suites", RESULT_FILES.contracts));
  if (!opts.loadSkipped) {
    for (const scenario of opts.crashedScenarios)
      stages.push(crashed(`load ${scenario}`, `load/${scenario}/summary.json`));
    if (!found.load && opts.expected.includes("load") && stages.every((s) => !s.name.startsWith("load ")))
      stages.push(crashed("load", RESULT_FILES.load));
  }
  if (!found.drift && opts.expected.includes("drift"))
    stages.push(crashed("tenant drift", RESULT_FILES.drift));
  if (!found.clients && opts.expected.includes("clients"))
    stages.push(
      opts.clientsSkipped
        ? { name: "client flows", status: "failed", note: `no SDK flow ran, ${opts.clientsSkipped}` }
        : crashed("client flows", RESULT_FILES.clients),
    );
  return stages;
}

/**
 * The scenario folders under `load/`, read once: the results of those with a readable summary.json,
 * and the names of those without one (their run ended before writing it).
 */
function loadFolders(reportsDir: string): { results: LoadResult[]; crashed: string[] } {
  const root = path.join(reportsDir, "load");
  const results: LoadResult[] = [];
  const crashed: string[] = [];
  for (const scenario of listDir(root)) {
    const dir = path.join(root, scenario);
    if (!statSync(dir).isDirectory()) continue;
    const summary = readJson(path.join(dir, "summary.json"));
    if (summary === undefined) {
      crashed.push(scenario);
      continue;
    }
    const files = listDir(dir).map((f) => `load/${scenario}/${f}`);
    const series = readJson(path.join(dir, "series.json"));
    results.push(
      parseLoadSummary(scenario, summary, readJson(path.join(dir, "envelope.json")), files, series),
    );
  }
  return { results, crashed };
}

/** `every one was skipped (auth0-react: no Chromium …)`, or undefined when no flow was skipped. */
function skippedFlows(clients: readonly ClientResult[]): string | undefined {
  const skipped = clients.flatMap((c) =>
    !isProblem(c) && clientFlowStatus(c) === "skipped" ? [`${c.id}: ${c.skipped}`] : [],
  );
  return skipped.length ? `every one was skipped (${skipped.join("; ")})` : undefined;
}

/** The object items of an array (anything else: none). */
function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value)
    ? value.filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null)
    : [];
}

/** drift.json's `inputs.mockBaseline`, when it says the mock baseline is stale (tenant/drift.ts). */
function staleBaseline(drift: Record<string, unknown>): { staleBaseline?: string } {
  const inputs = drift.inputs as { mockBaseline?: { recordedAt?: unknown; current?: unknown } } | undefined;
  const baseline = inputs?.mockBaseline;
  if (baseline?.current !== false) return {};
  return { staleBaseline: typeof baseline.recordedAt === "string" ? baseline.recordedAt : "unknown" };
}

/**
 * When each result on the page was made: the contract run's start (Playwright's), each load run's
 * end (its summary's), the last SDK flow's end.
 */
function resultTimes(
  contractsStart: unknown,
  load: readonly LoadResult[],
  clients: readonly ClientResult[],
): Array<[string, string]> {
  const times: Array<[string, string]> = [];
  const iso = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : undefined);
  const contracts = iso(contractsStart);
  if (contracts) times.push(["contracts", contracts]);
  for (const r of load) {
    const at = iso(r.harness?.finishedAt);
    if (at) times.push([`load ${r.scenario}`, at]);
  }
  let lastFlow: string | undefined;
  for (const c of clients) {
    const at = isProblem(c) ? undefined : iso(c.finishedAt);
    if (at && (lastFlow === undefined || Date.parse(at) > Date.parse(lastFlow))) lastFlow = at;
  }
  if (lastFlow) times.push(["SDK flows", lastFlow]);
  return times;
}

/** Counts of test outcomes for history.json. */
function tally(tests: TestRow[]): HistoryEntry["tests"] {
  const c = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const t of tests) c[t.outcome]++;
  return c;
}

/** Reads every input, writes index.html, junit.xml and history.json, and says whether the run passed. */
export function composeReport(opts: ComposeOptions): ComposeResult {
  const dir = opts.reportsDir;
  const now = opts.now ?? new Date();
  const startedAt = opts.startedAt ?? now;
  const secrets = readSecrets({ dir });

  const pw = readJson(path.join(dir, "contracts", "results.json")) as Partial<JSONReport> | undefined;
  const tests = pw && Array.isArray(pw.suites) ? testRows({ suites: pw.suites }) : [];
  const findings = parseFindings(readJson(path.join(dir, "contracts", "findings.json")));
  // A test without its cell (or with a tag naming no operation or check) fails the run: the matrix
  // would silently leave it out.
  const unplaced = matrixProblems(tests).map((p) => p.message);
  const checked = readJson(path.join(dir, "contracts", "checked.json")) as { checked?: unknown } | undefined;
  const projects = [...new Set(tests.map((t) => t.project))];
  const metadata = (pw?.config?.metadata ?? {}) as Record<string, unknown>;

  // A run that names its sources without "clients" (npm start runs no SDK flow) shows none of them.
  const clientsRead = !opts.junitSources || opts.junitSources.includes("clients");
  const clients = clientsRead ? readClientFlows(dir) : [];
  const clientsInput = clients.length ? [{ source: "clients", xml: clientsJUnit(clients) }] : [];
  const inputs = [...junitInputs(dir), ...clientsInput].filter(
    (i) => !opts.junitSources || opts.junitSources.includes(i.source.split("/")[0] ?? i.source),
  );
  const mask = createMasker(secrets);
  const merged = mergeJUnit(inputs.map((i) => ({ ...i, xml: mask(i.xml) })));

  const loadRead = opts.loadSkipped ? { results: [], crashed: [] } : loadFolders(dir);
  const load = loadRead.results;
  const drift = readJson(path.join(dir, "drift.json")) as Record<string, unknown> | undefined;
  const links: Array<{ label: string; href: string }> = [];
  const link = (label: string, rel: string) => {
    if (existsSync(path.join(dir, rel))) links.push({ label, href: rel });
  };
  link("Playwright HTML report (contracts)", "contracts/html/index.html");
  link("Contracts JUnit", "contracts/junit.xml");
  link("Contracts JSON results", "contracts/results.json");
  link("Contracts findings", "contracts/findings.json");
  link("Drift (tenant)", "drift.json");
  for (const c of clients) link(`Client flow ${path.basename(c.file, ".json")}`, c.file);
  for (const r of load)
    for (const f of r.files) links.push({ label: `k6 ${r.scenario}: ${path.basename(f)}`, href: f });
  links.push({ label: "Combined JUnit", href: "junit.xml" }, { label: "History", href: "history.json" });
  link("Screenshot of this page", "report.png");

  const found: Record<ResultKind, boolean> = {
    contracts: pw !== undefined,
    load: load.length > 0,
    drift: drift !== undefined,
    // A flow skipped here (no Chromium) ran nothing: a folder of skipped flows is no result.
    clients: clients.some((c) => clientFlowStatus(c) !== "skipped"),
  };
  const clientsSkipped = found.clients ? undefined : skippedFlows(clients);
  const missing = missingResultStages(dir, found, {
    expected: opts.expected ?? [],
    loadSkipped: opts.loadSkipped !== undefined,
    crashedScenarios: loadRead.crashed,
    clientsSkipped,
  });
  const nothing = RESULT_KINDS.some((k) => found[k])
    ? undefined
    : `no contract, load, tenant or client results under ${dir} (${RESULT_KINDS.map((k) => RESULT_FILES[k]).join(", ")})${clientsSkipped ? `; of the SDK flows there, ${clientsSkipped}` : ""}: run the suites (npm start, npm run test:contracts, npm run test:tenant), a scenario (npm run load) or the SDK flows (npm run test:unit -- clients) first`;

  const historyPath = path.join(dir, "history.json");
  const runId = opts.runId ?? startedAt.toISOString();
  const target = opts.target ?? (projects.length ? projects.join(", ") : "mock");
  const resultsAt = resultTimes(pw?.stats?.startTime, load, clients);
  const model: ReportModel = {
    title: opts.title ?? "Auth0 MFA API: conformance and load",
    run: {
      id: runId,
      target,
      ...((opts.baseURL ?? metadata.baseURL) ? { baseURL: String(opts.baseURL ?? metadata.baseURL) } : {}),
      startedAt: startedAt.toISOString(),
      generatedAt: now.toISOString(),
      ...(opts.startedAt ? { durationMs: now.getTime() - startedAt.getTime() } : {}),
      ...(resultsAt.length > 0 ? { resultsAt } : {}),
      ...(opts.commit ? { commit: opts.commit } : {}),
      versions: opts.versions ?? [["Node.js", process.version]],
    },
    stages: [
      ...(opts.stages ?? []),
      ...missing,
      ...(nothing ? [{ name: NOTHING_TO_REPORT, status: "failed" as const, note: nothing }] : []),
      ...(unplaced.length
        ? [{ name: "conformance matrix", status: "failed" as const, note: unplaced.join("\n") }]
        : []),
    ],
    contracts: {
      available: pw !== undefined,
      tests,
      findings,
      matrices: buildMatrices(tests, findings),
      ...(typeof checked?.checked === "number" ? { checkedResponses: checked.checked } : {}),
      errors: (pw?.errors ?? []).map((e) => e.message ?? String(e.value ?? "")).filter(Boolean),
    },
    load: { results: load, ...(opts.loadSkipped ? { note: opts.loadSkipped } : {}) },
    clients: {
      flows: clients,
      ...(clientsRead
        ? {}
        : { note: "Not part of this run: the SDK flows run in the unit tests, which this run left out." }),
    },
    junit: {
      totals: merged.totals,
      sources: inputs.map((i) => ({ source: i.source, totals: countTests(i.xml) })),
    },
    history: [],
    ...(drift && (Array.isArray(drift.description) || Array.isArray(drift.versusMock))
      ? {
          drift: {
            description: records(drift.description),
            versusMock: records(drift.versusMock),
            ...staleBaseline(drift),
          },
        }
      : {}),
    links,
    secrets,
  };
  const entry: HistoryEntry = {
    id: runId,
    time: startedAt.toISOString(),
    ...(opts.commit ? { commit: opts.commit } : {}),
    target,
    ok: false,
    tests: tally(tests),
    findings: findings.length,
    ...(clients.length > 0 ? { clients: clientTally(clients) } : {}),
    load: Object.fromEntries(
      load.map((r) => {
        const p95 = r.latency.find((l) => l.label === "p(95)")?.ms;
        return [
          r.scenario,
          {
            rps: shownVolume(r).rps,
            ...(p95 !== undefined ? { p95 } : {}),
            ...(r.limited !== undefined ? { limited: r.limited } : {}),
          },
        ];
      }),
    ),
  };
  entry.ok = overallOk(model);
  const history = parseHistory(readJson(historyPath));
  // A run without results is no point of the trend: the page shows the history as it was.
  model.history = nothing ? history : appendHistory(history, entry, opts.historyLimit ?? HISTORY_LIMIT);

  const indexPath = path.join(dir, "index.html");
  const junitPath = path.join(dir, "junit.xml");
  writeAtomic(junitPath, merged.xml);
  if (!nothing) writeAtomic(historyPath, `${JSON.stringify(model.history, null, 1)}\n`);
  writeAtomic(indexPath, renderReport(model));
  return {
    ok: entry.ok,
    indexPath,
    junitPath,
    historyPath,
    model,
    matrixProblems: unplaced,
    ...(nothing ? { nothing } : {}),
  };
}
