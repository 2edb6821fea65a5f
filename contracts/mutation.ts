/**
 * The mutation run (`npm run mutation`): proof that the contract suites can fail. Runs the whole mock suite once
 * without faults (the baseline), then once per named deviation of the mock (mock/faults.ts), each
 * with the mocks started with that deviation, and checks that each one makes at least one test
 * fail that passed in the baseline, with an error or finding that names the deviation's symptom.
 * Prints the mutation score (caught / injected) and, per fault, the failing tests.
 * Writes reports/mutation/summary.json; exits 1 unless every fault is caught.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deviations } from "../mock/deviations.ts";

/** What a failure must mention for the fault to count as caught (tested against the test title, its errors and its findings). */
const SYMPTOMS: Record<string, RegExp> = {
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
};

/** One whole-suite run; a broad fault fails most tests, and each failure restarts a worker. */
const RUN_TIMEOUT_MS = 900_000;
const PLAYWRIGHT_CLI = path.resolve("node_modules/@playwright/test/cli.js");
const root = path.resolve("reports/mutation");

interface FailedTest {
  title: string;
  text: string;
}

interface RunResult {
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

/** Runs the whole mock suite with the given deviations; reads its JSON report and findings. */
function runSuite(name: string, faults: string[]): RunResult {
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  // Playwright's CLI directly (no npx in between), stopped with SIGINT on a timeout: Playwright then
  // stops its workers and the mock it started, which a signal to an npx wrapper would orphan.
  const run = spawnSync(process.execPath, [PLAYWRIGHT_CLI, "test", "--project=mock"], {
    killSignal: "SIGINT",
    env: {
      ...process.env,
      CI: "1",
      CONTRACTS_MOCK_DEVIATIONS: faults.join(","),
      CONTRACTS_REPORT_DIR: dir,
      CONTRACTS_MOCK_PORT: "",
    },
    encoding: "utf8",
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(path.join(dir, "output.txt"), `${run.stdout ?? ""}\n${run.stderr ?? ""}`);
  const resultsFile = path.join(dir, "results.json");
  const tests: { title: string; status: string; text: string }[] = [];
  if (existsSync(resultsFile)) {
    const report = JSON.parse(readFileSync(resultsFile, "utf8")) as { suites: JsonSuite[] };
    for (const suite of report.suites) collect(suite, [], tests);
  }
  const findingsFile = path.join(dir, "findings.json");
  const findings = existsSync(findingsFile)
    ? (JSON.parse(readFileSync(findingsFile, "utf8")) as { test: string; message: string }[])
    : [];
  return {
    exitCode: run.status,
    seconds,
    tests: tests.length,
    failed: tests.filter((t) => t.status === "unexpected").map(({ title, text }) => ({ title, text })),
    findings,
  };
}

interface FaultOutcome {
  fault: string;
  breaks: string;
  caught: boolean;
  symptom: string;
  evidence?: string;
  failing: string[];
  seconds: number;
}

/** Runs the baseline and every fault, prints the score, writes the summary; answers the exit code. */
export function runMutation(): number {
  mkdirSync(root, { recursive: true });
  console.log(
    `mutation: baseline run (no fault), then ${deviations.length} faults, one whole-suite run each`,
  );
  const baseline = runSuite("baseline", []);
  const baselineFailed = new Set(baseline.failed.map((f) => f.title));
  console.log(
    `  baseline: ${baseline.tests} tests, ${baseline.failed.length} failed in ${baseline.seconds.toFixed(1)} s` +
      (baseline.failed.length ? ` (not counted as catches: ${[...baselineFailed].join("; ")})` : ""),
  );
  if (baseline.tests === 0) {
    console.error("mutation: the baseline run produced no results; see reports/mutation/baseline/output.txt");
    return 1;
  }

  const outcomes: FaultOutcome[] = [];
  for (const { name, breaks } of deviations) {
    const result = runSuite(name, [name]);
    const symptom = SYMPTOMS[name];
    const newFailures = result.failed.filter((f) => !baselineFailed.has(f.title));
    let evidence: string | undefined;
    for (const failure of newFailures) {
      const findingText = result.findings
        .filter(
          (f) =>
            failure.title.endsWith(f.test) ||
            f.test.endsWith(failure.title.split(" › ").slice(1).join(" › ")),
        )
        .map((f) => f.message)
        .join("\n");
      const text = `${failure.title}\n${failure.text}\n${findingText}`;
      const match = symptom ? symptom.exec(text) : /./.exec(text);
      if (match) {
        // Prefer the error or finding line that names the symptom; the title is the fallback.
        const detail = `${failure.text}\n${findingText}`.split("\n");
        const line = detail.find((l) => symptom?.test(l)) ?? failure.title;
        evidence = `${failure.title}: ${line.trim().slice(0, 200)}`;
        break;
      }
    }
    const outcome: FaultOutcome = {
      fault: name,
      breaks,
      caught: evidence !== undefined,
      symptom: symptom ? String(symptom) : "(none defined: any new failure counts)",
      evidence,
      failing: newFailures.map((f) => f.title),
      seconds: Math.round(result.seconds * 10) / 10,
    };
    outcomes.push(outcome);
    console.log(
      `  ${outcome.caught ? "caught " : "MISSED "} ${name} (${outcome.failing.length} failing tests, ${outcome.seconds} s)` +
        (outcome.evidence ? `\n      ${outcome.evidence}` : "") +
        outcome.failing
          .slice(0, 6)
          .map((t) => `\n      - ${t}`)
          .join("") +
        (outcome.failing.length > 6 ? `\n      … and ${outcome.failing.length - 6} more` : ""),
    );
  }
  const caught = outcomes.filter((o) => o.caught).length;
  const summary = {
    score: { caught, injected: outcomes.length },
    baseline: { tests: baseline.tests, failed: [...baselineFailed], seconds: baseline.seconds },
    faults: outcomes,
  };
  writeFileSync(path.join(root, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nmutation score: ${caught}/${outcomes.length} faults caught → reports/mutation/summary.json`);
  return caught === outcomes.length ? 0 : 1;
}
