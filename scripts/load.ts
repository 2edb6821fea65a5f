/**
 * `npm run load -- <scenario> [--target mock|tenant] [--duration 30s] [--profile essentials] [--runners N] [-- <k6 args>]`
 *
 * Checks the target (loopback, or an explicit LOAD_ALLOW_HOST, Auth0's approval reference, a rate
 * within the profile's limit and an SMS budget that covers the scenario's plan; the policy is printed
 * first), bundles the scenario, finds k6, starts the embedded mock on a free port for the mock target
 * (unless LOAD_BASE_URL names one), runs k6, and writes `reports/load/<scenario>/summary.json` and
 * `index.html` (under $REPORTS_DIR when set). Exits with k6's code (99: a threshold failed).
 * `--runners N`: N k6 split the run by execution segment (started paused, resumed together), each
 * runner's files in `runners/<i>/`, and one merge of all their points decides (load/tooling/merge.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shownPath } from "../cli/shown-path.ts";
import { auth0PolicyNotice, guardTarget } from "../load/lib/guard.ts";
import { OptionError, readLoadOptions } from "../load/lib/options.ts";
import { planScenario, timeBasedScenarios } from "../load/lib/plan.ts";
import type { LoadSummary } from "../load/lib/summary.ts";
import { parseLoadArgs, UsageError } from "../load/tooling/args.ts";
import { buildLoad } from "../load/tooling/build.ts";
import { findK6, installHelp } from "../load/tooling/find-k6.ts";
import type { RunnerInfo } from "../load/tooling/merge.ts";
import { type K6Run, runK6 } from "../load/tooling/run-k6.ts";
import { runRunners } from "../load/tooling/runners.ts";
import { recordSeries } from "../load/tooling/series.ts";
import { startMockServer } from "../mock/http/server.ts";
import { createMasker } from "../redaction/mask.ts";
import { readSecrets, recordSecrets, reportsDir, type SecretKind } from "../redaction/secrets.ts";
import { renderLoadHtml } from "../report/load-page.ts";
import { mergeInto } from "./lib/merged-run.ts";

/** Stand-in base URL for planning before the embedded mock has a port (loopback: no budget needed). */
const EMBEDDED = "http://127.0.0.1:0";

async function main(argv: string[]): Promise<number> {
  const args = parseLoadArgs(argv, process.env);
  const env: Record<string, string> = { ...definedEnv(), ...args.env };
  const target = env.LOAD_TARGET ?? "mock";
  if (target === "tenant" && !env.LOAD_BASE_URL) {
    throw new OptionError("LOAD_BASE_URL is required for --target tenant (e.g. https://<tenant>.auth0.com)");
  }
  const embedded = target === "mock" && !env.LOAD_BASE_URL;
  const planned = planScenario(
    args.scenario,
    readLoadOptions({ ...env, LOAD_BASE_URL: env.LOAD_BASE_URL ?? EMBEDDED }),
  );
  const gate = guardTarget(env.LOAD_BASE_URL ?? EMBEDDED, planned, env);
  if (!gate.loopback) console.log(auth0PolicyNotice.map((line) => `load: ${line}`).join("\n"));
  if (!gate.ok) {
    console.error(`load: refusing to start: ${gate.message}`);
    return 2;
  }
  console.log(`load: ${args.scenario} against ${target}: ${gate.message}`);
  if (args.runners > 1 && target === "mock" && !timeBasedScenarios.includes(args.scenario)) {
    console.error(
      `load: refusing to start: ${args.scenario} moves the mock's clock, which runners sharing one mock cannot do ` +
        `apart; --runners applies to ${timeBasedScenarios.join(", ")} on the mock`,
    );
    return 2;
  }

  const [script] = await buildLoad([args.scenario]);
  const k6 = findK6(env);
  if (!k6 || !script) {
    console.error(installHelp);
    console.error(`The bundle is ready to run elsewhere: ${shownPath(script ?? "")}`);
    return 3;
  }

  const outDir = path.join(reportsDir(), "load", args.scenario);
  // Everything is written into a folder of this run's own and moved into place at the end, so two
  // runs of one scenario at once never write into each other's files (the last to end is kept).
  mkdirSync(path.dirname(outDir), { recursive: true });
  const staging = mkdtempSync(path.join(path.dirname(outDir), `.${args.scenario}-`));
  // The secrets list and k6's unmasked points must never sit among the reports: an owner-only
  // temporary folder (mkdtemp makes it 0700), removed at the end.
  const scratch = mkdtempSync(path.join(tmpdir(), "load-"));
  const mock = embedded ? await startMockServer({ port: 0 }) : undefined;
  try {
    if (mock) recordSecrets([mock.app.config().clientSecret], "client_secret");
    recordSecrets([env.LOAD_CLIENT_SECRET], "client_secret");
    recordSecrets([env.LOAD_INBOX_TOKEN, env.LOAD_CONTROL_TOKEN], "secret");
    const runEnv = {
      ...args.env,
      LOAD_TARGET: target,
      LOAD_BASE_URL: mock?.url ?? env.LOAD_BASE_URL ?? "",
      // k6's open() resolves a relative path against the script, not the working directory.
      ...(env.LOAD_TENANT_USERS ? { LOAD_TENANT_USERS: path.resolve(env.LOAD_TENANT_USERS) } : {}),
    };
    const code =
      args.runners > 1
        ? await runShared(args.runners, { k6, script, env: runEnv, args: args.k6Args }, staging, scratch)
        : await runSingle({ k6, script, env: runEnv, args: args.k6Args }, staging, scratch);
    moveIntoPlace(staging, outDir);
    console.log(
      `load: ${args.runners > 1 ? `${args.runners} runners, merged: ` : ""}k6 exited ${code}${code === 99 ? " (a threshold failed)" : ""}; report ${shownPath(outDir)}/`,
    );
    return code;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    await mock?.close();
  }
}

type Run = Pick<K6Run, "k6" | "script" | "env" | "args">;

/** One k6 for the whole run (as always): its summary, masked points, series and page in `dir`. */
async function runSingle(run: Run, dir: string, scratch: string): Promise<number> {
  const summaryPath = path.join(dir, "summary.json");
  const seriesPath = path.join(dir, "series.json");
  const secretsPath = path.join(scratch, "secrets.json");
  const rawPoints = path.join(scratch, "points.csv");
  const result = await runK6({
    ...run,
    env: { ...run.env, LOAD_SUMMARY_PATH: summaryPath, LOAD_SECRETS_PATH: secretsPath },
    pointsPath: rawPoints,
  });
  await keepPoints(secretsPath, rawPoints, dir);
  writeHtml(summaryPath, path.join(dir, "index.html"), seriesPath);
  return result.code;
}

/**
 * `n` k6 splitting the run by execution segment, against the same target: each runner's files in
 * `dir/runners/<i>/`, then one merge of all their points into `dir` (summary, series, page). The exit
 * code is the merge's (99: a threshold failed on the whole run), unless a runner failed otherwise.
 */
async function runShared(n: number, run: Run, dir: string, scratch: string): Promise<number> {
  const runnerDir = (i: number) => path.join(dir, "runners", String(i));
  const own = (i: number) => path.join(scratch, `runner-${i}`);
  const runId = randomUUID();
  console.log(
    `load: ${n} k6 runners by execution segment, started together; each prints its share, the merge judges the run`,
  );
  const results = await runRunners(n, run, (i) => {
    mkdirSync(runnerDir(i), { recursive: true });
    mkdirSync(own(i), { recursive: true });
    return {
      env: {
        ...run.env,
        LOAD_SUMMARY_PATH: path.join(runnerDir(i), "summary.json"),
        LOAD_SECRETS_PATH: path.join(own(i), "secrets.json"),
        // The runners' setups agree through the mock under this id (load/lib/k6/runners.ts).
        LOAD_RUN_ID: runId,
      },
      pointsPath: path.join(own(i), "points.csv"),
    };
  });
  for (const r of results) {
    await keepPoints(
      path.join(own(r.index), "secrets.json"),
      path.join(own(r.index), "points.csv"),
      runnerDir(r.index),
    );
    const info: RunnerInfo = { index: r.index, segment: r.segment, exitCode: r.code };
    writeFileSync(path.join(runnerDir(r.index), "runner.json"), `${JSON.stringify(info)}\n`);
  }
  process.stdout.write("\n");
  const merged = await mergeInto(
    results.map((r) => runnerDir(r.index)),
    dir,
  );
  // 0 and 99 are verdicts on a share (the merge's is the one that counts); anything else is a failure.
  const broken = results.find((r) => r.code !== 0 && r.code !== 99);
  return broken ? broken.code : merged.exitCode;
}

/** Registers the setup's secrets, then writes the masked points (gzip) and the series into `dir`. */
async function keepPoints(secretsPath: string, rawPoints: string, dir: string): Promise<void> {
  registerSecrets(secretsPath);
  const mask = createMasker(readSecrets());
  // No points file (k6 failed to start) leaves the page without its time series, nothing worse.
  await recordSeries(rawPoints, path.join(dir, "points.csv.gz"), path.join(dir, "series.json"), mask).catch(
    (error) => {
      rmSync(path.join(dir, "points.csv.gz"), { force: true });
      console.log(`load: no time series (${error instanceof Error ? error.message : error})`);
    },
  );
}

/** Replaces `outDir` with the finished `staging` folder (retried: another run may be doing the same). */
function moveIntoPlace(staging: string, outDir: string): void {
  for (let attempt = 0; ; attempt++) {
    rmSync(outDir, { recursive: true, force: true });
    try {
      renameSync(staging, outDir);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/** The process environment without unset entries. */
function definedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Adds the secrets k6's setup used (tokens, passwords, phone numbers) to the run's registry. */
function registerSecrets(file: string): void {
  let entries: Array<{ kind: string; value: string }> = [];
  try {
    entries = JSON.parse(readFileSync(file, "utf8")) as typeof entries;
  } catch {
    return; // k6 stopped before handleSummary: the setup data never reached a file
  }
  const byKind = new Map<string, string[]>();
  for (const e of entries) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e.value]);
  for (const [kind, values] of byKind) recordSecrets(values, kind as SecretKind);
}

function writeHtml(summaryPath: string, htmlPath: string, seriesPath: string): void {
  let summary: LoadSummary;
  try {
    summary = JSON.parse(readFileSync(summaryPath, "utf8")) as LoadSummary;
  } catch {
    console.error(`load: no summary at ${shownPath(summaryPath)} (k6 failed before handleSummary)`);
    return;
  }
  let series: unknown;
  try {
    series = JSON.parse(readFileSync(seriesPath, "utf8"));
  } catch {
    series = undefined; // k6 wrote no points: the page goes without its time series
  }
  writeFileSync(htmlPath, renderLoadHtml(summary, series));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError && error.exitCode === 0) {
      console.log(error.message);
      process.exit(0);
    }
    const expected = error instanceof UsageError || error instanceof OptionError;
    console.error(expected ? (error as Error).message : error);
    process.exit(2);
  },
);
