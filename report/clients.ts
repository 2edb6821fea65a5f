/**
 * The SDK flows of the "Clients" section: `clients/<flow>.json` under the reports folder, one file
 * per flow, written by the client tests' step recorder (clients/steps.ts: each named step passed,
 * failed or not run). Read and checked here (a file that is not such a flow becomes a failed row
 * saying why, never a crash), judged (a flow passes only when every step ran and passed and it
 * finished), and turned into JUnit: one suite per flow, one case per step, so CI sees a failing SDK
 * step. The format is the writer's (report/ reads outputs, it imports no client code).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { addSuite, type JUnitCase } from "./junit.ts";

/** The format the step recorder writes (clients/steps.ts, FLOW_FORMAT). */
export const CLIENT_FLOW_FORMAT = "auth0-mfa-harness/client-flow@1";

/** The folder under the reports folder that holds the flows. */
const CLIENTS_DIR = "clients";

const OUTCOMES = ["passed", "failed", "not run"] as const;
export type ClientStepOutcome = (typeof OUTCOMES)[number];

export interface ClientStep {
  name: string;
  outcome: ClientStepOutcome;
  durationMs: number;
  message?: string;
}

/** One flow as its file says it ran. */
export interface ClientFlow {
  /** The file, relative to the reports folder (`clients/<id>.json`). */
  file: string;
  id: string;
  sdk: string;
  version: string;
  flow: string;
  runtime: string;
  transport: string;
  startedAt: string;
  finishedAt?: string;
  skipped?: string;
  steps: ClientStep[];
}

/** A file under clients/ that is not a flow: the row says why. */
export interface ClientFlowProblem {
  file: string;
  problem: string;
}

export type ClientResult = ClientFlow | ClientFlowProblem;

export type ClientFlowStatus = "passed" | "failed" | "skipped";

/** True for a file that could not be read as a flow. */
export function isProblem(result: ClientResult): result is ClientFlowProblem {
  return "problem" in result;
}

/** A record's string field, or the reason it is not one. */
function stringField(record: Record<string, unknown>, key: string, where = ""): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") throw new Error(`${where}${key} is missing or not a string`);
  return value;
}

/** One step of the file, checked. */
function parseStep(value: unknown, index: number): ClientStep {
  const where = `steps[${index}].`;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`steps[${index}] is not an object`);
  const record = value as Record<string, unknown>;
  const outcome = record.outcome;
  if (!OUTCOMES.includes(outcome as ClientStepOutcome))
    throw new Error(`${where}outcome is ${JSON.stringify(outcome)}, not one of ${OUTCOMES.join(", ")}`);
  const durationMs = record.durationMs;
  if (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs < 0)
    throw new Error(`${where}durationMs is not a duration`);
  const message = record.message;
  if (message !== undefined && typeof message !== "string")
    throw new Error(`${where}message is not a string`);
  return {
    name: stringField(record, "name", where),
    outcome: outcome as ClientStepOutcome,
    durationMs,
    ...(message !== undefined ? { message } : {}),
  };
}

/** Reads one flow file's text; anything but a flow of the known format is a problem that says why. */
export function parseClientFlow(file: string, text: string): ClientResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { file, problem: `not JSON (${(error as Error).message})` };
  }
  try {
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw new Error("not a JSON object");
    const record = data as Record<string, unknown>;
    if (record.format !== CLIENT_FLOW_FORMAT)
      throw new Error(`format is ${JSON.stringify(record.format)}, expected ${CLIENT_FLOW_FORMAT}`);
    if (!Array.isArray(record.steps)) throw new Error("steps is not a list");
    const optional = (key: string) => (record[key] === undefined ? undefined : stringField(record, key));
    const finishedAt = optional("finishedAt");
    const skipped = optional("skipped");
    return {
      file,
      id: stringField(record, "id"),
      sdk: stringField(record, "sdk"),
      version: stringField(record, "version"),
      flow: stringField(record, "flow"),
      runtime: stringField(record, "runtime"),
      transport: stringField(record, "transport"),
      startedAt: stringField(record, "startedAt"),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
      ...(skipped !== undefined ? { skipped } : {}),
      steps: record.steps.map(parseStep),
    };
  } catch (error) {
    return { file, problem: (error as Error).message };
  }
}

/** Every `clients/*.json` under the reports folder, by file name; none when the folder is absent. */
export function readClientFlows(reportsDir: string): ClientResult[] {
  let names: string[];
  try {
    names = readdirSync(path.join(reportsDir, CLIENTS_DIR)).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const file = `${CLIENTS_DIR}/${name}`;
    let text: string;
    try {
      text = readFileSync(path.join(reportsDir, file), "utf8");
    } catch (error) {
      return { file, problem: `unreadable (${(error as NodeJS.ErrnoException).code ?? "error"})` };
    }
    return parseClientFlow(file, text);
  });
}

/**
 * The verdict of a flow: skipped when it did not run here at all (with its reason); passed only
 * when it finished with every step passed; failed otherwise (a failed step, a step not reached, no
 * step at all, a flow that never finished, a file that is not a flow).
 */
export function clientFlowStatus(result: ClientResult): ClientFlowStatus {
  if (isProblem(result)) return "failed";
  if (result.skipped !== undefined && result.steps.every((s) => s.outcome === "not run")) return "skipped";
  const complete =
    result.finishedAt !== undefined &&
    result.steps.length > 0 &&
    result.steps.every((s) => s.outcome === "passed");
  return complete ? "passed" : "failed";
}

/**
 * How many flows passed, failed and were skipped, and how many files could not be read as a flow
 * (counted apart, as the Clients section does): the summary card's and the history's figures.
 */
export function clientTally(
  results: readonly ClientResult[],
): Record<ClientFlowStatus | "unreadable", number> {
  const tally = { passed: 0, failed: 0, skipped: 0, unreadable: 0 };
  for (const r of results) tally[isProblem(r) ? "unreadable" : clientFlowStatus(r)]++;
  return tally;
}

/** Where a failed flow stopped: the failed step and its message, or why no step failed yet it did not pass. */
export function stoppedAt(result: ClientResult): { step: string; message: string } | undefined {
  if (clientFlowStatus(result) !== "failed") return undefined;
  if (isProblem(result)) return { step: `read ${result.file}`, message: result.problem };
  const failed = result.steps.find((s) => s.outcome === "failed");
  if (failed) return { step: failed.name, message: failed.message ?? "failed (no message recorded)" };
  if (result.steps.length === 0) return { step: "–", message: "no steps recorded" };
  const notRun = result.steps.find((s) => s.outcome === "not run");
  const why =
    result.finishedAt === undefined
      ? "the flow did not finish: its process ended before this step (crashed, killed or still running)"
      : "the flow stopped before this step";
  return { step: notRun?.name ?? "–", message: why };
}

/** Steps that passed, of all steps. */
export function passedSteps(result: ClientResult): { passed: number; total: number } {
  if (isProblem(result)) return { passed: 0, total: 0 };
  return { passed: result.steps.filter((s) => s.outcome === "passed").length, total: result.steps.length };
}

/** The name a flow goes by in JUnit and on the page: SDK, version and where it ran. */
function flowTitle(result: ClientResult): string {
  if (isProblem(result)) return result.file;
  return `${result.sdk} ${result.version} · ${result.id} (${result.runtime})`;
}

/**
 * JUnit for the flows: one suite per flow, one case per step (a failed step fails, a step not run
 * is skipped with the reason), plus a failing case when the flow failed without a failed step (it
 * did not finish, or recorded nothing), so a flow that did not pass never reads as green.
 */
export function clientsJUnit(results: readonly ClientResult[]): string {
  let xml = "";
  for (const result of results) {
    const classname = `clients.${isProblem(result) ? path.basename(result.file, ".json") : result.id}`;
    const cases: JUnitCase[] = [];
    if (isProblem(result)) {
      cases.push({ name: `read ${result.file}`, classname, seconds: 0, failure: result.problem });
    } else {
      const notRun = result.skipped ?? `not run: an earlier step of the flow did not pass`;
      for (const s of result.steps)
        cases.push({
          name: s.name,
          classname,
          seconds: s.durationMs / 1000,
          ...(s.outcome === "failed" ? { failure: s.message ?? "failed" } : {}),
          ...(s.outcome === "not run" ? { skipped: notRun } : {}),
        });
      const stop = stoppedAt(result);
      if (stop && !result.steps.some((s) => s.outcome === "failed"))
        cases.push({ name: "the flow ran to its end", classname, seconds: 0, failure: stop.message });
    }
    xml = addSuite(xml, flowTitle(result), cases);
  }
  return xml;
}
