/**
 * The steps of one SDK flow, recorded for the report's "Clients" section (report/clients.ts reads
 * them): each named step of the flow, its outcome (passed, failed, not run), its duration and, for a
 * failure, a short masked message. One JSON file per flow, `<reports>/clients/<id>.json`, rewritten
 * at the start and after every step, so a run killed half-way leaves a file that says where it
 * stopped (no `finishedAt`), never the previous run's verdict.
 *
 * A flow is a plan: steps run in the planned order, and once one fails the later ones are not run
 * (their callers get an error saying which step stopped the flow). Nothing secret is written: every
 * message is masked with the values the flow declared (`secret()`: tokens, codes, phone numbers) and
 * by shape, and those values go to the secrets registry of the reports folder the file is written to.
 * The unit runner (scripts/unit-tests.ts) gives its tests a registry of their own and afterwards keeps
 * what they recorded for the real reports folder, so `npm run check:leaks` and `npm run report` find
 * these values too.
 *
 * The folder holds the flows of one run: the unit runner empties it before a run that includes client
 * tests (clearFlowFiles), so a flow renamed, or left out by a narrowed run, never shows as this run's.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createMasker } from "../redaction/mask.ts";
import { recordSecrets, reportsDir, type SecretKind } from "../redaction/secrets.ts";

/** The file's format, so the reader can refuse a file written by something else. */
export const FLOW_FORMAT = "auth0-mfa-harness/client-flow@1";

export type StepOutcome = "passed" | "failed" | "not run";

export interface StepRecord {
  name: string;
  outcome: StepOutcome;
  durationMs: number;
  /** Why it failed (or why it was not run), masked and short. */
  message?: string;
}

/** What one flow's file holds. */
export interface FlowFile {
  format: typeof FLOW_FORMAT;
  id: string;
  /** The SDK's package name, e.g. `@auth0/auth0-spa-js`. */
  sdk: string;
  /** Its installed version (node_modules/<sdk>/package.json). */
  version: string;
  /** What the flow does, in a few words. */
  flow: string;
  /** Where the SDK ran: `Chromium <version>` or `Node <version>`. */
  runtime: string;
  /** How it reached the mock, e.g. `TLS (local CA)`. */
  transport: string;
  startedAt: string;
  /** Absent while the flow runs, and in the file of a flow that never finished. */
  finishedAt?: string;
  /** Why the whole flow did not run (e.g. no Chromium here); every step is then "not run". */
  skipped?: string;
  steps: StepRecord[];
}

export interface FlowOptions {
  /** The file's name without `.json`: kebab-case, unique per flow. */
  id: string;
  sdk: string;
  flow: string;
  transport: string;
  /** The step names, in order. */
  plan: readonly string[];
  /** Known before the flow starts (a child `node`); a browser's is set once it is launched. */
  runtime?: string;
  /** The reports folder; default `$REPORTS_DIR` or `reports/`. */
  reportsDir?: string;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** The longest message a step keeps: the report shows it in a table cell. */
export const MESSAGE_LIMIT = 300;

/** How much of a child's stderr a step's message keeps: its end, where the error is. */
const STDERR_TAIL = 200;

/** Six-digit runs stand alone in messages only as codes (OTP, binding codes); never written. */
const SIX_DIGITS = /(?<![\w.,])\d{6}(?![\w.,])/g;

const root = path.resolve(import.meta.dirname, "..");

/** The folder of the flow files: `<reports>/clients/`. */
export function flowsDir(reportsFolder?: string): string {
  return path.join(reportsDir(reportsFolder ? { dir: reportsFolder } : {}), "clients");
}

/**
 * Removes every flow file (and any temporary file a killed write left) from `<reports>/clients/`,
 * before a run of the flows: what is there afterwards is that run's. Answers how many it removed.
 */
export function clearFlowFiles(reportsFolder?: string): number {
  const dir = flowsDir(reportsFolder);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const flows = names.filter((n) => n.endsWith(".json") || n.endsWith(".tmp"));
  for (const name of flows) rmSync(path.join(dir, name), { force: true });
  return flows.length;
}

/** The installed version of a package, from node_modules/<name>/package.json. */
export function installedVersion(name: string): string {
  const file = path.join(root, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** `Node v20.x.y`: the runtime of a flow run by this Node binary (or a child of it). */
export function nodeRuntime(): string {
  return `Node ${process.version}`;
}

/** `Chromium <version>` of a launched Playwright browser. */
export function chromiumRuntime(browser: { version(): string }): string {
  return `Chromium ${browser.version()}`;
}

/** A step that ran elsewhere (a child process) as the child printed it: `{step, ok, ...}`. */
export interface ChildLine {
  line: string;
  /** When the parent read the line (ms since the epoch): the step's end as seen from here. */
  at: number;
}

/** Collects a child's stdout as lines with the time each one arrived. */
export function childLines(now: () => number = Date.now): {
  add(chunk: Buffer | string): void;
  lines(): ChildLine[];
} {
  let partial = "";
  const done: ChildLine[] = [];
  return {
    add(chunk) {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      const at = now();
      for (const line of parts) done.push({ line, at });
    },
    lines: () => (partial ? [...done, { line: partial, at: now() }] : [...done]),
  };
}

/** How a flow script in a child process ended, and what it printed. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as read, line by line, with when each line arrived (the steps' durations). */
  lines: ChildLine[];
}

/**
 * Runs a flow script (`args`: the script and its flags) in a bare child `node` from the repository
 * root, with `env` only (PATH and what the flow needs, as an app's process would have them); killed
 * after `timeoutMs`.
 */
export function runChildFlow(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildRun> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  let stdout = "";
  let stderr = "";
  const timed = childLines();
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    timed.add(d);
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr, lines: timed.lines() }));
  });
}

/** What a child's failed step says, from the fields the flow scripts print. */
function childMessage(fields: Record<string, unknown>): string {
  const text = (key: string) => (typeof fields[key] === "string" ? (fields[key] as string) : undefined);
  const reason = text("reason");
  if (reason) return reason;
  const parts = [text("name"), text("error"), text("code"), text("error_description") ?? text("message")];
  return parts.filter(Boolean).join(": ") || "failed (the child printed no reason)";
}

/** Records the steps of one flow and writes its file (see the module comment). */
export class FlowRecorder {
  readonly file: string;
  private readonly opts: FlowOptions;
  private readonly now: () => number;
  private readonly steps: StepRecord[];
  private readonly version: string;
  private readonly secrets: string[] = [];
  private mask: (text: string) => string = createMasker([]);
  private runtime: string;
  private cursor = 0;
  private started?: number;
  private last?: number;
  private failed?: string;
  private finished?: number;
  private skipped?: string;

  constructor(opts: FlowOptions) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(opts.id)) throw new TypeError(`flow id ${opts.id}: kebab-case only`);
    if (new Set(opts.plan).size !== opts.plan.length) throw new TypeError(`flow ${opts.id}: a step twice`);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.runtime = opts.runtime ?? "unknown";
    this.version = installedOr(opts.sdk);
    this.steps = opts.plan.map((name) => ({ name, outcome: "not run", durationMs: 0 }));
    this.file = path.join(flowsDir(opts.reportsDir), `${opts.id}.json`);
  }

  /**
   * Values that must never be written (tokens, codes, phone numbers, secrets): masked in every
   * message, and recorded in the run's secrets registry for the leak check.
   */
  secret(kind: SecretKind, ...values: Array<string | null | undefined>): void {
    const fresh = values.filter((v): v is string => typeof v === "string" && v.length > 0);
    if (!fresh.length) return;
    this.secrets.push(...fresh);
    this.mask = createMasker(this.secrets);
    recordSecrets(fresh, kind, this.opts.reportsDir ? { dir: this.opts.reportsDir } : {});
  }

  /** Sets where the SDK runs once it is known (a browser's version after launch). */
  setRuntime(runtime: string): void {
    this.runtime = runtime;
    if (this.started !== undefined) this.write();
  }

  /** Starts the flow: writes its file with every step not run yet (so a stale file never stays). */
  start(): void {
    if (this.started !== undefined) return;
    this.started = this.now();
    this.last = this.started;
    this.write();
  }

  /**
   * Runs the next planned step: records it passed, or failed with its masked message and rethrows.
   * After a failed step it runs nothing and throws, naming the step that stopped the flow.
   */
  async step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    this.start();
    if (this.failed !== undefined)
      throw new Error(`not run: step "${this.failed}" of flow ${this.opts.id} failed before "${name}"`);
    const index = this.expect(name);
    const began = this.now();
    try {
      const value = await fn();
      this.settle(index, "passed", this.now() - began);
      return value;
    } catch (error) {
      this.settle(index, "failed", this.now() - began, describeError(error));
      throw error;
    }
  }

  /**
   * Records steps that ran in a child process, from the JSON lines it printed
   * (`{"step": name, "ok": boolean, ...}`; other lines are ignored), timed by when each line arrived.
   * A step the plan does not expect there fails the flow.
   */
  ranInChild(lines: readonly ChildLine[]): void {
    this.start();
    for (const { line, at } of lines) {
      let fields: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) continue;
        fields = parsed as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof fields.step !== "string" || this.failed !== undefined) continue;
      const duration = Math.max(0, at - (this.last ?? at));
      const expected = this.steps[this.cursor]?.name;
      if (fields.step !== expected) {
        this.insertUnexpected(fields.step, duration, expected);
        continue;
      }
      if (fields.ok === true) this.settle(this.cursor, "passed", duration, undefined, at);
      else this.settle(this.cursor, "failed", duration, childMessage(fields), at);
    }
  }

  /**
   * The child whose steps ranInChild recorded has exited. When it stopped before `next` (the first
   * step that is not the child's) without printing a failed step, the step it did not reach fails
   * with the child's exit code (or signal) and the masked tail of its stderr, so the report says why
   * it stopped rather than only where.
   */
  childExited(
    exit: { code: number | null; signal?: NodeJS.Signals | null; stderr: string },
    next: string,
  ): void {
    this.start();
    if (this.failed !== undefined || this.reached(next) || !this.steps[this.cursor]) return;
    const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    const tail = this.maskedTail(exit.stderr, STDERR_TAIL);
    const said = tail ? `; its stderr ends: ${tail}` : "; its stderr is empty";
    const at = this.now();
    this.settle(
      this.cursor,
      "failed",
      at - (this.last ?? at),
      `the child ${how} before this step${said}`,
      at,
    );
  }

  /** The whole flow did not run here (e.g. no Chromium): every step "not run", with the reason. */
  skip(reason: string): string {
    this.start();
    this.skipped = reason;
    return this.finish();
  }

  /** Ends the flow: steps not reached stay "not run". Writes the file and answers its path. */
  finish(): string {
    this.start();
    this.finished = this.now();
    this.write();
    return this.file;
  }

  /** True when `name` is the next step to run: every step before it passed. */
  reached(name: string): boolean {
    return this.failed === undefined && this.steps[this.cursor]?.name === name;
  }

  /** The steps so far (copies). */
  records(): StepRecord[] {
    return this.steps.map((s) => ({ ...s }));
  }

  /** The planned index of the next step, which must be `name`. */
  private expect(name: string): number {
    const expected = this.steps[this.cursor]?.name;
    if (name !== expected)
      throw new Error(
        `flow ${this.opts.id}: step "${name}" out of plan (next planned: ${expected ? `"${expected}"` : "none"})`,
      );
    return this.cursor;
  }

  private settle(index: number, outcome: StepOutcome, durationMs: number, message?: string, at?: number) {
    const step = this.steps[index];
    if (!step) return;
    step.outcome = outcome;
    step.durationMs = Math.round(durationMs);
    if (message !== undefined) step.message = this.short(message);
    if (outcome === "failed") this.failed = step.name;
    this.cursor = index + 1;
    this.last = at ?? this.now();
    this.write();
  }

  /** A step the plan did not expect at this point: recorded as a failure before the planned one. */
  private insertUnexpected(name: string, durationMs: number, expected: string | undefined) {
    const message = `not in the plan here (expected ${expected ? `"${expected}"` : "no more steps"})`;
    this.steps.splice(this.cursor, 0, { name, outcome: "not run", durationMs: 0 });
    this.settle(this.cursor, "failed", durationMs, message);
  }

  /** Masked (known values, then shapes, then bare 6-digit codes), one line, at most MESSAGE_LIMIT. */
  private short(message: string): string {
    const flat = this.masked(message);
    return flat.length > MESSAGE_LIMIT ? `${flat.slice(0, MESSAGE_LIMIT - 1)}…` : flat;
  }

  /** The whole text masked and on one line. */
  private masked(text: string): string {
    return this.mask(text.replace(/\s+/g, " ").trim()).replace(SIX_DIGITS, "••••••");
  }

  /** The last `length` characters of a text, masked whole first so no secret is cut in half unmasked. */
  private maskedTail(text: string, length: number): string {
    const flat = this.masked(text);
    return flat.length > length ? `…${flat.slice(-(length - 1))}` : flat;
  }

  /** Writes the file atomically (temp + rename), so the composer never reads half of it. */
  private write(): void {
    const body: FlowFile = {
      format: FLOW_FORMAT,
      id: this.opts.id,
      sdk: this.opts.sdk,
      version: this.version,
      flow: this.opts.flow,
      runtime: this.runtime,
      transport: this.opts.transport,
      startedAt: new Date(this.started ?? this.now()).toISOString(),
      ...(this.finished !== undefined ? { finishedAt: new Date(this.finished).toISOString() } : {}),
      ...(this.skipped !== undefined ? { skipped: this.short(this.skipped) } : {}),
      steps: this.records(),
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 1)}\n`);
    renameSync(tmp, this.file);
  }
}

/** The installed version, or "not installed" (the flow then fails on its own, with the reason). */
function installedOr(name: string): string {
  try {
    return installedVersion(name);
  } catch {
    return "not installed";
  }
}

/** An error as one line: its class (unless plain Error) and message. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
  return `${name}${error.message}`;
}
