/**
 * Findings and the count of schema-checked responses, per worker and merged for the run.
 * Each worker process rewrites its own file after every test (so a worker that dies loses nothing
 * already finished); globalTeardown merges them into `findings.json` once all workers are gone.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mockSourceFingerprint } from "../mock/fingerprint.ts";
import type { Finding } from "../openapi/validate.ts";
import { reportsDir } from "../redaction/secrets.ts";
import { metaFileOf, type ObservationsMeta, type StepObservation } from "./observations.ts";

/** One finding as the report composer reads it (`reports/contracts/findings.json` is an array of these). */
export interface FindingRecord {
  test: string;
  project: string;
  operation: string;
  status: number | null;
  location: Finding["location"];
  pointer: string;
  expected: string;
  actual: string;
  message: string;
}

/** What one worker wrote. */
interface Ledger {
  checked: number;
  /** Global 429s waited out, and the time spent waiting. */
  waits: number;
  waitedMs: number;
  byOperation: Record<string, number>;
  findings: FindingRecord[];
  /** The shape of every response (no values), for the tenant-versus-mock drift report. */
  observations: StepObservation[];
}

/** Summary of a run, written to `reports/contracts/checked.json`. */
export interface CheckedSummary {
  checked: number;
  waits: number;
  waitedMs: number;
  byOperation: Record<string, number>;
  findings: number;
}

/**
 * The folder of this run's contract outputs: `CONTRACTS_REPORT_DIR`, else `contracts/` of the reports
 * folder (REPORTS_DIR, else reports/), where every stage writes.
 */
export function reportDir(): string {
  const own = process.env.CONTRACTS_REPORT_DIR;
  return own ? path.resolve(own) : path.join(reportsDir(), "contracts");
}

function workerDir(): string {
  return path.join(reportDir(), ".workers");
}

/** Accumulates one worker's checks and findings and persists them to its own file. */
export class WorkerLedger {
  private readonly ledger: Ledger = {
    checked: 0,
    waits: 0,
    waitedMs: 0,
    byOperation: {},
    findings: [],
    observations: [],
  };
  private readonly file: string;

  constructor(id: string) {
    // The run id keeps a file left behind by an interrupted run out of this run's merge.
    this.file = path.join(workerDir(), `${process.env.CONTRACTS_RUN_ID ?? "run"}--${id}.json`);
  }

  /** Counts one schema-checked response. */
  checked(operation: string): void {
    this.ledger.checked++;
    this.ledger.byOperation[operation] = (this.ledger.byOperation[operation] ?? 0) + 1;
  }

  /** Counts one global 429 waited out. */
  waited(ms: number): void {
    this.ledger.waits++;
    this.ledger.waitedMs += ms;
  }

  /** Adds findings (already masked by the caller). */
  add(records: FindingRecord[]): void {
    this.ledger.findings.push(...records);
  }

  /** Keeps the shape of one response. */
  observe(observation: StepObservation): void {
    this.ledger.observations.push(observation);
  }

  /** Writes the worker file (whole file each time: small, and never half-merged). */
  flush(): void {
    mkdirSync(workerDir(), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.ledger));
  }
}

/** Removes earlier runs' worker files and names this run (globalSetup; workers inherit the variable). */
export function startRun(): void {
  rmSync(workerDir(), { recursive: true, force: true });
  process.env.CONTRACTS_RUN_ID = `${Date.now()}-${process.pid}`;
}

/**
 * Merges every worker file into findings.json, checked.json and `observations/<project>.jsonl`
 * (one file per project, so a tenant run keeps the observations of an earlier mock run for the
 * drift report) with `<project>.meta.json` beside it (when, and against which mock source); returns
 * the summary.
 */
export function mergeWorkerLedgers(): CheckedSummary {
  const summary: CheckedSummary = { checked: 0, waits: 0, waitedMs: 0, byOperation: {}, findings: 0 };
  const findings: FindingRecord[] = [];
  const observations = new Map<string, string[]>();
  let files: string[] = [];
  try {
    const run = `${process.env.CONTRACTS_RUN_ID ?? "run"}--`;
    files = readdirSync(workerDir()).filter((f) => f.startsWith(run) && f.endsWith(".json"));
  } catch {
    // no worker ran a test
  }
  for (const file of files.sort()) {
    const ledger = JSON.parse(readFileSync(path.join(workerDir(), file), "utf8")) as Ledger;
    summary.checked += ledger.checked;
    summary.waits += ledger.waits;
    summary.waitedMs += ledger.waitedMs;
    for (const [op, n] of Object.entries(ledger.byOperation)) {
      summary.byOperation[op] = (summary.byOperation[op] ?? 0) + n;
    }
    findings.push(...ledger.findings);
    for (const o of ledger.observations) {
      const lines = observations.get(o.project) ?? [];
      lines.push(JSON.stringify(o));
      observations.set(o.project, lines);
    }
  }
  summary.findings = findings.length;
  mkdirSync(reportDir(), { recursive: true });
  writeFileSync(path.join(reportDir(), "findings.json"), `${JSON.stringify(findings, null, 2)}\n`);
  writeFileSync(path.join(reportDir(), "checked.json"), `${JSON.stringify(summary, null, 2)}\n`);
  const observationsDir = path.join(reportDir(), "observations");
  mkdirSync(observationsDir, { recursive: true });
  const meta = `${JSON.stringify(observationsMeta())}\n`;
  for (const [project, lines] of observations) {
    const file = path.join(observationsDir, `${project}.jsonl`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    writeFileSync(metaFileOf(file), meta);
  }
  rmSync(workerDir(), { recursive: true, force: true });
  return summary;
}

function observationsMeta(): ObservationsMeta {
  return { recordedAt: new Date().toISOString(), mockSource: mockSourceFingerprint() };
}
