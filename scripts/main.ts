/**
 * `npm start`: the main job, against the embedded mock, on a fresh machine.
 * Stages: generated code is current → the mock starts and answers → contract suites → a short load
 * pass (only when k6 is installed; otherwise the report says so, with how to install it) → report →
 * the report in Chromium (when installed) → leak check. Every stage runs even when an earlier one
 * failed, the report is always written, and the exit code is 1 when any stage failed.
 * Child output is streamed line by line through the masker (scripts/lib/masked-command.ts), so no
 * secret reaches the console; the stages are timed and recorded by scripts/lib/stages.ts.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findChromium } from "../cli/chromium.ts";
import { shownPath } from "../cli/shown-path.ts";
import { reportDir as contractsReportDir } from "../contracts/findings.ts";
import { checkLeaks } from "../redaction/leaks.ts";
import { maskText } from "../redaction/mask.ts";
import { publicFiles } from "../redaction/public-files.ts";
import {
  compactSecrets,
  readSecretEntries,
  readSecrets,
  recordSecrets,
  reportsDir,
} from "../redaction/secrets.ts";
import { checkReportInBrowser } from "../report/browser.ts";
import { composeReport } from "../report/compose.ts";
import { gitCommit, k6Version, REPO_ROOT, versions } from "../report/environment.ts";
import { runMasked } from "./lib/masked-command.ts";
import { byExitCode, type StageOutcome, stageRunner, stagesLine } from "./lib/stages.ts";

/** The short load pass: one scenario that exercises the rate limiter, briefly. */
const LOAD_SCENARIOS = (process.env.START_LOAD_SCENARIOS ?? "challenge-over-limit")
  .split(",")
  .filter(Boolean);
const LOAD_DURATION = process.env.START_LOAD_DURATION ?? "15s";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const dir = reportsDir();
const startedAt = new Date();
// The registry keeps earlier runs' values for a while: this run must add values of its own.
const recordedBefore = new Set(readSecrets({ dir }));

/** Prints a line with every known secret and secret-shaped value masked. */
function say(line: string): void {
  console.log(maskText(line, readSecrets({ dir })));
}

const { stages, stage } = stageRunner(7, say);
const runCommand = (cmd: string, args: string[]) => runMasked(cmd, args, { cwd: REPO_ROOT, dir });

say(
  `npm start: contract and load run against the embedded mock; outputs in ${path.relative(REPO_ROOT, dir) || dir}/`,
);

await stage("generated code is current", async () =>
  byExitCode(
    await runCommand(npm, ["run", "--silent", "check:generated"]),
    "run `npm run generate` and commit",
  ),
);

await stage("embedded mock starts and answers", async () => {
  // Imported here, not at the top: a broken mock fails this stage, and the report is still written.
  const { startMockServer } = await import("../mock/http/server.ts");
  const mock = await startMockServer({ port: 0, host: "127.0.0.1" });
  try {
    recordSecrets([mock.app.config().clientSecret], "client_secret", { dir });
    const res = await fetch(`${mock.url}/__mock/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: string };
    return res.status === 200 && body.status === "ok"
      ? { status: "passed", note: `health ok at ${mock.url}` }
      : { status: "failed", note: `health answered ${res.status}` };
  } finally {
    await mock.close();
  }
});

const contracts = await stage("contract suites (Playwright, project mock)", async () =>
  byExitCode(await runCommand(npm, ["run", "--silent", "test:contracts"]), "see the Playwright report"),
);

let k6: string | undefined;
let loadSkipped: string | undefined;
await stage("load pass (k6)", async () => {
  const { findK6, installHelp } = await import("../load/tooling/find-k6.ts");
  k6 = findK6();
  if (!k6) {
    loadSkipped = `The load pass did not run: k6 is not installed. ${installHelp}\nThen run \`npm start\` again, or one scenario with \`npm run load -- <scenario>\`.`;
    for (const line of loadSkipped.split("\n")) say(`    ${line}`);
    return { status: "skipped", note: "k6 not installed" };
  }
  // Only this run's scenarios belong in the report.
  rmSync(path.join(dir, "load"), { recursive: true, force: true });
  const failed: string[] = [];
  for (const scenario of LOAD_SCENARIOS) {
    const code = await runCommand(npm, [
      "run",
      "--silent",
      "load",
      "--",
      scenario,
      "--duration",
      LOAD_DURATION,
    ]);
    if (code !== 0) failed.push(`${scenario} (exit ${code})`);
  }
  return failed.length
    ? { status: "failed", note: failed.join(", ") }
    : { status: "passed", note: `${LOAD_SCENARIOS.join(", ")} for ${LOAD_DURATION}` };
});

const commit = gitCommit();
const versionList = versions(k6 ? k6Version(k6) : undefined);
/** Composes the report with the stages so far (same run id: history keeps one entry per run). */
function compose() {
  return composeReport({
    reportsDir: dir,
    runId: startedAt.toISOString(),
    startedAt,
    target: "mock (embedded)",
    versions: versionList,
    stages,
    // Unit tests are not part of this job: a unit.xml left by an earlier `npm test` does not count.
    junitSources: ["contracts", "load"],
    ...(commit ? { commit } : {}),
    ...(loadSkipped ? { loadSkipped } : {}),
  });
}

let composed: ReturnType<typeof compose> | undefined;
await stage("report", async () => {
  composed = compose();
  const where = path.relative(REPO_ROOT, composed.indexPath);
  const unplaced = composed.matrixProblems;
  return unplaced.length
    ? { status: "failed", note: `${where}; ${unplaced.length} test(s) without a matrix cell: ${unplaced[0]}` }
    : { status: "passed", note: where };
});
const indexPath = composed?.indexPath ?? path.join(dir, "index.html");

await stage("report renders in Chromium", async () => {
  const chromium = findChromium();
  if (!chromium)
    return { status: "skipped", note: "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)" };
  if (!composed) return { status: "skipped", note: "no report was written" };
  const check = await checkReportInBrowser(indexPath, path.join(dir, "report.png"), chromium);
  return check.problems.length
    ? { status: "failed", note: check.problems.slice(0, 3).join("; ") }
    : { status: "passed", note: "screenshot in report.png" };
});

/** Scans reports/ for every recorded secret; messages name files and kinds, never values. */
function leakCheck(): StageOutcome {
  const entries = readSecretEntries({ dir });
  const scan = checkLeaks(dir, entries, publicFiles());
  for (const hit of scan.hits) say(`    leak: ${hit.file}: ${hit.kind} ${hit.masked} …${hit.context}…`);
  if (scan.hits.length) {
    return {
      status: "failed",
      note: `${scan.hits.length} leak(s) in ${new Set(scan.hits.map((h) => h.file)).size} file(s)`,
    };
  }
  return entries.every((e) => recordedBefore.has(e.value))
    ? { status: "failed", note: "no secrets recorded: the run did not register what it used" }
    : { status: "passed", note: `${scan.files} files, ${scan.secrets} secrets` };
}

// Workers record the same values many times: deduplicate now that nothing is recording.
compactSecrets({ dir });
await stage("leak check", async () => leakCheck());

// The page now shows every stage, the leak check included; when the first scan was clean, a scan of
// the rewritten files confirms the final page is clean too.
const leakStage = stages.at(-1);
try {
  if (composed) compose();
} catch (error) {
  say(`✖ rewriting the report failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
if (leakStage?.status === "passed") {
  let final: StageOutcome;
  try {
    final = leakCheck();
  } catch (error) {
    final = { status: "failed", note: error instanceof Error ? error.message : String(error) };
  }
  if (final.status === "failed") {
    leakStage.status = "failed";
    leakStage.note = `after the final report: ${final.note}`;
  }
}

const failed = stages.filter((s) => s.status === "failed");
say(`\n${stagesLine(stages)}`);
if (contracts.status !== "passed") {
  say(`Contract details: ${shownPath(path.join(contractsReportDir(), "html", "index.html"))}`);
}
say(`Report: ${indexPath}`);
say(`        ${pathToFileURL(indexPath).href}`);
if (failed.length) process.exitCode = 1;
