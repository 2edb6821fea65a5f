/**
 * `npm run load -- <scenario> [--target mock|tenant] [--duration 30s] [--profile essentials] [-- <k6 args>]`
 *
 * Checks the target (loopback, or an explicit LOAD_ALLOW_HOST, Auth0's approval reference, a rate
 * within the profile's limit and an SMS budget that covers the scenario's plan; the policy is printed
 * first), bundles the scenario, finds k6, starts the embedded mock on a free port for the mock target
 * (unless LOAD_BASE_URL names one), runs k6, and writes `reports/load/<scenario>/summary.json` and
 * `index.html` (under $REPORTS_DIR when set). Exits with k6's code (99: a threshold failed).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { auth0PolicyNotice, guardTarget } from "../load/lib/guard.ts";
import { OptionError, readLoadOptions } from "../load/lib/options.ts";
import { planScenario } from "../load/lib/plan.ts";
import type { LoadSummary } from "../load/lib/summary.ts";
import { parseLoadArgs, UsageError } from "../load/tooling/args.ts";
import { buildLoad } from "../load/tooling/build.ts";
import { findK6, installHelp } from "../load/tooling/find-k6.ts";
import { runK6 } from "../load/tooling/run-k6.ts";
import { recordSeries } from "../load/tooling/series.ts";
import { startMockServer } from "../mock/http/server.ts";
import { createMasker } from "../redaction/mask.ts";
import { readSecrets, recordSecrets, reportsDir, type SecretKind } from "../redaction/secrets.ts";
import { renderLoadHtml } from "../report/load-page.ts";

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

  const [script] = await buildLoad([args.scenario]);
  const k6 = findK6(env);
  if (!k6 || !script) {
    console.error(installHelp);
    console.error(`The bundle is ready to run elsewhere: ${path.relative(process.cwd(), script ?? "")}`);
    return 3;
  }

  const outDir = path.join(reportsDir(), "load", args.scenario);
  mkdirSync(outDir, { recursive: true });
  const summaryPath = path.join(outDir, "summary.json");
  rmSync(summaryPath, { force: true });
  const seriesPath = path.join(outDir, "series.json");
  for (const f of [seriesPath, path.join(outDir, "points.csv.gz")]) rmSync(f, { force: true });
  // The secrets list and k6's unmasked points must never sit among the reports: an owner-only
  // temporary folder (mkdtemp makes it 0700), removed at the end.
  const scratch = mkdtempSync(path.join(tmpdir(), "load-"));
  const secretsPath = path.join(scratch, "secrets.json");
  const rawPoints = path.join(scratch, "points.csv");
  const mock = embedded ? await startMockServer({ port: 0 }) : undefined;
  try {
    if (mock) recordSecrets([mock.app.config().clientSecret], "client_secret");
    recordSecrets([env.LOAD_CLIENT_SECRET], "client_secret");
    recordSecrets([env.LOAD_INBOX_TOKEN], "secret");
    const run = await runK6({
      k6,
      script,
      env: {
        ...args.env,
        LOAD_TARGET: target,
        LOAD_BASE_URL: mock?.url ?? env.LOAD_BASE_URL ?? "",
        LOAD_SUMMARY_PATH: summaryPath,
        LOAD_SECRETS_PATH: secretsPath,
        // k6's open() resolves a relative path against the script, not the working directory.
        ...(env.LOAD_TENANT_USERS ? { LOAD_TENANT_USERS: path.resolve(env.LOAD_TENANT_USERS) } : {}),
      },
      args: args.k6Args,
      pointsPath: rawPoints,
    });
    registerSecrets(secretsPath);
    const mask = createMasker(readSecrets());
    // No points file (k6 failed to start) leaves the page without its time series, nothing worse.
    await recordSeries(rawPoints, path.join(outDir, "points.csv.gz"), seriesPath, mask).catch((error) => {
      rmSync(path.join(outDir, "points.csv.gz"), { force: true });
      console.log(`load: no time series (${error instanceof Error ? error.message : error})`);
    });
    writeHtml(summaryPath, path.join(outDir, "index.html"), seriesPath);
    console.log(
      `load: k6 exited ${run.code}${run.code === 99 ? " (a threshold failed)" : ""}; report ${path.relative(process.cwd(), outDir)}/`,
    );
    return run.code;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await mock?.close();
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
    console.error(
      `load: no summary at ${path.relative(process.cwd(), summaryPath)} (k6 failed before handleSummary)`,
    );
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
