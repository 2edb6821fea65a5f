/**
 * The mutation run (`npm run mutation`): proof that the contract suites can fail. Runs the whole mock suite once
 * without faults (the baseline, which must pass) and once per named deviation of the mock
 * (mock/deviations.ts), each run with its own mock started with that deviation, several side by side,
 * and checks that each fault makes a test fail with an error or finding that names its symptom.
 * A fault run stops at its first failing test unless `full` is set. Prints the mutation score
 * (caught / injected) and the elapsed time; writes reports/mutation/summary.json; answers 1 unless
 * every fault is caught.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { shownPath } from "../cli/shown-path.ts";
import { type Deviation, deviations } from "../mock/deviations.ts";
import { reportsDir } from "../redaction/secrets.ts";

/** What a failure must mention for the fault to count as caught (tested against the test title, its errors and its findings). */
export const SYMPTOMS: Record<string, RegExp> = {
  "associate-status-201": /\b201\b/,
  "list-renames-oob_channel": /oob_channels?\b/,
  "missing-ratelimit-headers": /x-ratelimit-/,
  "binding-code-reusable": /single use|replay/i,
  "wrong-mfa-required-status": /mfa_required[\s\S]*\b401\b|\b401\b[\s\S]*mfa_required/,
  "unmasked-phone-in-list": /\/name\b|masked/i,
  "missing-binding-method": /binding_method/,
  "expires-in-string": /expires_in/,
  "wrong-content-type": /content-type|text\/html/i,
  "no-retry-after": /retry-after/i,
  "lockout-never-triggers": /Too many failed codes|locks? out/i,
  "foreign-authenticator-reveals-existence": /another user's authenticator|existence/i,
  "expired-mfa-token-accepted": /mfa_token is expired|mfa_token expires/i,
  "oob-code-never-expires": /oob_code is expired|oob_code expires/i,
  "recovery-code-not-rotated": /recovery/i,
  "already-enrolled-not-enforced": /already enrolled/i,
  "sms-voice-not-paired": /voice|pair/i,
  "delete-returns-200": /\b204\b/,
  "token-type-lowercase": /token_type|Bearer/,
  "client-assertion-replayable": /single use|replay/i,
  "public-client-needs-secret": /public client|no secret/i,
  "otp-code-reusable": /reused|works once/i,
  "otp-previous-step-refused": /previous step/i,
  "otp-challenge-returns-oob-code": /challenge_type: otp|oob_code/,
  "email-missing-binding-method": /binding_method/,
  "email-name-unmasked": /masked/i,
  "email-limit-never-triggers": /Too many emails/,
  "push-barcode-without-enrollment-tx": /enrollment_tx_id/,
  "push-pending-200": /authorization_pending|before the (scan|tap)/,
  "push-rejection-invalid-grant": /access_denied|rejected/,
  "push-never-slow-down": /slow_down/,
  "push-delete-keeps-totp": /paired totp/,
  "push-limit-never-triggers": /Too many push notifications/,
  "disabled-factor-enrolls": /not enabled|unsupported_challenge_type/,
  "code-reusable": /authorization code is single use|code reuse/i,
  "pkce-not-checked": /code_verifier|PKCE/,
  "refresh-not-rotated": /rotat/i,
  "refresh-reuse-not-detected": /expected 403 invalid_grant "Unknown or invalid refresh token\."/,
  "mfa-required-without-token": /mfa_token/,
  "cors-missing": /access-control-allow-origin|CORS/i,
  "userinfo-expired-token-accepted": /expired access token|The token has expired/i,
};

/** One whole-suite run on a busy machine stays well inside this; a run past it is stopped (SIGINT). */
const RUN_TIMEOUT_MS = 900_000;
const PLAYWRIGHT_CLI = path.resolve("node_modules/@playwright/test/cli.js");
const root = path.join(reportsDir(), "mutation");

/** How the fault runs are made. */
export interface MutationOptions {
  /** Every fault's whole suite, counting every failing test, instead of stopping at the first failure. */
  full: boolean;
  /** Fault runs side by side, each with its own mock. */
  jobs: number;
  /** Playwright workers in each fault run. */
  workers: number;
  /** The deviations to inject (names from mock/deviations.ts); all when empty. */
  faults?: readonly string[];
}

/**
 * Side-by-side runs and workers per run for a machine with `cores` cores. One worker per run: every
 * worker costs a process start and a private mock of its own (the rate-limit and clock specs), which
 * on 2 cores took more CPU than the tests it ran; runs side by side fill the cores instead.
 */
export function defaultPlan(cores: number): { jobs: number; workers: number } {
  return { jobs: Math.max(1, Math.min(cores * 2, 16)), workers: 1 };
}

export interface FailedTest {
  title: string;
  text: string;
}

export interface RunResult {
  exitCode: number | null;
  seconds: number;
  tests: number;
  failed: FailedTest[];
  findings: { test: string; message: string }[];
}

/** Strips ANSI colour codes from Playwright's error messages. */
function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

type JsonSuite = {
  title: string;
  specs?: { title: string; tests: { status: string; results: { errors?: { message?: string }[] }[] }[] }[];
  suites?: JsonSuite[];
};

/** Walks Playwright's JSON report: every test with its outcome and error text. */
function collect(
  suite: JsonSuite,
  prefix: string[],
  out: { title: string; status: string; text: string }[],
): void {
  const here =
    suite.title && !suite.title.endsWith(".ts")
      ? [...prefix, suite.title]
      : suite.title
        ? [suite.title]
        : prefix;
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests) {
      const errors = test.results.flatMap((r) => r.errors ?? []).map((e) => plain(e.message ?? ""));
      out.push({ title: [...here, spec.title].join(" › "), status: test.status, text: errors.join("\n") });
    }
  }
  for (const child of suite.suites ?? []) collect(child, here, out);
}

/** A file's JSON, or `fallback` when the run left none. */
function readJson<T>(file: string, fallback: T): T {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : fallback;
  } catch {
    // Cut short by a killed run: judged on what else it left, never a crash of the whole pool.
    return fallback;
  }
}

/**
 * Runs the mock suite with the given deviations (its output in `<dir>/output.txt`); reads its JSON
 * report and findings. `maxFailures` stops the run after that many failing tests.
 */
async function runSuite(
  name: string,
  faults: string[],
  run: { workers?: number; maxFailures?: number },
): Promise<RunResult> {
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const output = openSync(path.join(dir, "output.txt"), "w");
  // Only the reporters the verdict reads: an HTML report per fault is start-up and writing time.
  const args = [PLAYWRIGHT_CLI, "test", "--project=mock", "--reporter=dot,json"];
  if (run.workers) args.push(`--workers=${run.workers}`);
  if (run.maxFailures) args.push(`--max-failures=${run.maxFailures}`);
  // Playwright's CLI directly (no npx in between), stopped with SIGINT on a timeout: Playwright then
  // stops its workers and the mock it started, which a signal to an npx wrapper would orphan.
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      CI: "1",
      CONTRACTS_MOCK_DEVIATIONS: faults.join(","),
      CONTRACTS_REPORT_DIR: dir,
      // Empty: the config picks a free port, so every run side by side has its own mock.
      CONTRACTS_MOCK_PORT: "",
      PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(dir, "results.json"),
    },
    stdio: ["ignore", output, output],
  });
  // SIGINT lets Playwright stop its mock and write its reports; SIGKILL if it does not within 30 s.
  const timer = setTimeout(() => {
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 30_000).unref();
  }, RUN_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
  clearTimeout(timer);
  closeSync(output);
  const tests: { title: string; status: string; text: string }[] = [];
  const report = readJson<{ suites: JsonSuite[] }>(path.join(dir, "results.json"), { suites: [] });
  for (const suite of report.suites) collect(suite, [], tests);
  return {
    exitCode,
    seconds: (Date.now() - started) / 1000,
    tests: tests.length,
    failed: tests.filter((t) => t.status === "unexpected").map(({ title, text }) => ({ title, text })),
    findings: readJson(path.join(dir, "findings.json"), []),
  };
}

/** The verdict on one fault run: the evidence when caught, and the new failing tests. */
export interface Verdict {
  evidence?: string;
  failing: string[];
}

/**
 * Judges a fault run (the baseline passed, so every failure is new): caught when a test failed with
 * a title, error or finding that names the symptom (any failure when the fault has none); the
 * evidence is the line that names it.
 */
export function judge(symptom: RegExp | undefined, result: Pick<RunResult, "failed" | "findings">): Verdict {
  const failing = result.failed.map((f) => f.title);
  for (const failure of result.failed) {
    const findingText = result.findings
      .filter(
        (f) =>
          failure.title.endsWith(f.test) || f.test.endsWith(failure.title.split(" › ").slice(1).join(" › ")),
      )
      .map((f) => f.message)
      .join("\n");
    const text = `${failure.title}\n${failure.text}\n${findingText}`;
    if (symptom ? symptom.test(text) : text.trim() !== "") {
      // Prefer the error or finding line that names the symptom; the title is the fallback.
      const detail = `${failure.text}\n${findingText}`.split("\n");
      const line = detail.find((l) => symptom?.test(l)) ?? failure.title;
      return { evidence: `${failure.title}: ${line.trim().slice(0, 200)}`, failing };
    }
  }
  return { failing };
}

/** Calls `work` on every item, at most `limit` at a time, and answers the results in the items' order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/**
 * The order to start the faults in: the slowest of the last run first (unknown ones before them),
 * so no slow fault starts last and leaves the other lanes idle at the end.
 */
export function longestFirst<T extends { name: string }>(
  items: readonly T[],
  lastSeconds: ReadonlyMap<string, number>,
): T[] {
  const seconds = (item: T) => lastSeconds.get(item.name) ?? Number.POSITIVE_INFINITY;
  return [...items].sort((a, b) => seconds(b) - seconds(a));
}

interface FaultOutcome {
  fault: string;
  breaks: string;
  caught: boolean;
  symptom: string;
  evidence?: string;
  failing: string[];
  seconds: number;
  /** Runs made: 2 when the first stopped at a failure that did not name the symptom. */
  runs: number;
  /** That failure (its report stays in `<fault>/`, the whole suite's in `<fault>.whole/`). */
  stoppedBy?: string;
}

/**
 * Runs one fault. Stopping at the first failure is only sound when that failure names the symptom: a
 * test that fails for another reason (a timeout on a busy machine, a side effect of the fault that
 * another test meets first) would stop the run before the test that catches the fault. So a run that
 * stops without the symptom is followed by a whole-suite run of the same fault, judged on every
 * failure: a fault is missed only when the whole suite misses it, and the score is the `full` score.
 */
async function runFault({ name, breaks }: Deviation, options: MutationOptions): Promise<FaultOutcome> {
  const symptom = SYMPTOMS[name];
  const first = await runSuite(name, [name], {
    workers: options.workers,
    maxFailures: options.full ? undefined : 1,
  });
  let verdict = judge(symptom, first);
  let seconds = first.seconds;
  const stoppedBy = !verdict.evidence && !options.full ? first.failed[0]?.title : undefined;
  if (stoppedBy) {
    const whole = await runSuite(`${name}.whole`, [name], { workers: options.workers });
    verdict = judge(symptom, whole);
    seconds += whole.seconds;
  }
  return {
    fault: name,
    breaks,
    caught: verdict.evidence !== undefined,
    symptom: symptom ? String(symptom) : "(none defined: any new failure counts)",
    evidence: verdict.evidence,
    failing: verdict.failing,
    seconds: Math.round(seconds * 10) / 10,
    runs: stoppedBy ? 2 : 1,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}

/** One fault's lines: caught with its evidence, or missed with the deviation the suites let through. */
function outcomeLines(outcome: FaultOutcome, full: boolean): string {
  const failing = full || !outcome.caught ? outcome.failing : [];
  const count = full ? `${outcome.failing.length} failing tests, ` : "";
  const reruns = outcome.stoppedBy ? `, whole suite run again after: ${outcome.stoppedBy}` : "";
  return (
    `  ${outcome.caught ? "caught " : "MISSED "} ${outcome.fault} (${count}${outcome.seconds} s${reruns})` +
    (outcome.evidence ? `\n      ${outcome.evidence}` : `\n      let through: ${outcome.breaks}`) +
    failing
      .slice(0, 6)
      .map((t) => `\n      - ${t}`)
      .join("") +
    (failing.length > 6 ? `\n      … and ${failing.length - 6} more` : "")
  );
}

/** Whole seconds as "2 min 41 s". */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Runs the baseline and every fault, prints the score and the time, writes the summary; answers the exit code. */
export async function runMutation(options: MutationOptions): Promise<number> {
  const started = Date.now();
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  mkdirSync(root, { recursive: true });
  const summaryFile = path.join(root, "summary.json");
  const last = readJson<{ faults?: { fault: string; seconds: number }[] }>(summaryFile, {});
  const faults = deviations.filter((d) => !options.faults?.length || options.faults.includes(d.name));
  const mode = options.full ? "whole suite per fault" : "each stopped at its first failing test";
  console.log(
    `mutation: baseline (no fault) and ${faults.length} faults (${mode}), ${options.jobs} runs side by side ` +
      `with ${options.workers} worker${options.workers > 1 ? "s" : ""} each; load average ${loadAverage.join(", ")}`,
  );
  // The baseline is the first lane's first run rather than a gate before the faults: the cores stay
  // busy, and a failing baseline still voids the score below.
  let baseline: RunResult | undefined;
  const lastSeconds = new Map((last.faults ?? []).map((f) => [f.fault, f.seconds]));
  const runs = await mapLimited(
    [undefined, ...longestFirst(faults, lastSeconds)],
    options.jobs,
    async (deviation) => {
      if (!deviation) {
        baseline = await runSuite("baseline", [], { workers: options.workers });
        const failed = baseline.failed.length;
        console.log(
          `  baseline: ${baseline.tests} tests, ${failed} failed in ${baseline.seconds.toFixed(1)} s`,
        );
        return undefined;
      }
      const outcome = await runFault(deviation, options);
      console.log(outcomeLines(outcome, options.full));
      return outcome;
    },
  );
  const order: readonly string[] = deviations.map((d) => d.name);
  const outcomes = runs
    .filter((o) => o !== undefined)
    .sort((a, b) => order.indexOf(a.fault) - order.indexOf(b.fault));
  const caught = outcomes.filter((o) => o.caught).length;
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const ran = baseline ?? { tests: 0, failed: [], seconds: 0, exitCode: null };
  const summary = {
    score: { caught, injected: outcomes.length },
    seconds,
    mode: options.full ? "full" : "first-failure",
    jobs: options.jobs,
    workers: options.workers,
    machine: { cores: os.availableParallelism(), loadAverage },
    baseline: {
      tests: ran.tests,
      failed: ran.failed.map((f) => f.title),
      seconds: ran.seconds,
      exitCode: ran.exitCode,
    },
    faults: outcomes,
  };
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  const missed = outcomes.filter((o) => !o.caught).map((o) => o.fault);
  console.log(
    `\nmutation score: ${caught}/${outcomes.length} faults caught in ${duration(seconds)} ` +
      `(${summary.machine.cores} cores) → ${shownPath(summaryFile)}` +
      (missed.length ? `\nlet through by the suites: ${missed.join(", ")}` : ""),
  );
  // A fault counts as caught by a failure the faithful mock does not cause, so the baseline must pass.
  if (ran.tests === 0 || ran.failed.length > 0 || ran.exitCode !== 0) {
    for (const f of ran.failed) console.error(`      - ${f.title}`);
    console.error(
      `mutation: the baseline run failed, so the score proves nothing; see ${shownPath(path.join(root, "baseline", "output.txt"))}`,
    );
    return 1;
  }
  return missed.length === 0 ? 0 : 1;
}
