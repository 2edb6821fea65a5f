/**
 * `npm run test:tenant-on-mock`: the tenant path, proven with the real contract suites and no tenant.
 * A mock plays the tenant: the suites' `tenant` project runs through `npm run test:tenant`'s runner
 * (runTenantContracts: configuration check, message budget, drift) with users created and
 * deleted through the auth0 SDK against the mock's /api/v2, and every code delivered the tenant's
 * way: the mock's outbox → the Action runner → the shipped phone-message Action (SMS, voice) or
 * custom email provider Action (email) → the signed sink → the tenant target's inbox. Then:
 *
 * 1. drift against the mock project's observations (the contracts stage's, reports/contracts, when
 *    recorded against this checkout's mock source; else, or with --with-mock, of this run) must show
 *    no step drift: same mock, same answers;
 * 2. a mock with a named deviation (associate-status-201) must show that step drift, in a second,
 *    narrowed run: the drift report can fail.
 *
 * Writes reports/tenant/drift.json and reports/tenant/deviant/drift.json (reports/: the reports
 * folder, REPORTS_DIR when set, as for every stage), and answers the checks and the suites' JUnit, to
 * which the caller adds the checks (reports/tenant/junit.xml).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shownPath } from "../cli/shown-path.ts";
import { reportDir as contractsReportDir } from "../contracts/findings.ts";
import { metaFileOf, readObservationsMeta } from "../contracts/observations.ts";
import { type MockProcess, startMockProcess } from "../contracts/targets/mock-process.ts";
import { mockSourceFingerprint } from "../mock/fingerprint.ts";
import { mockControl } from "../mock/start.ts";
import { reportsDir } from "../redaction/secrets.ts";
import { loadActionHandler, type PhoneTrigger, startActionRunner } from "./action-runner.ts";
import type { DriftReport } from "./drift.ts";
import { startSink } from "./sink.ts";

/** The deviation the second run injects, and the step drift it must cause. */
const DEVIATION = { name: "associate-status-201", operation: "associateAuthenticator", tenant: "201" };
/** The second run needs one enrollment step, so one test: the stage stays short. */
const DEVIANT_GREP = "enrolling sms answers 200";

export interface TenantOnMockOptions {
  /** Run the mock project here too instead of reading the contracts stage's observations. */
  withMock: boolean;
  /** TENANT_SMS_BUDGET of the runs. */
  budget: number;
  /** Passed to Playwright. */
  playwrightArgs: string[];
  /** The command that runs `npm run test:tenant` (the budgeted runner), arguments follow it. */
  runner: string[];
}

/** One drift check, a case of its own in the JUnit. */
export interface Check {
  name: string;
  failure?: string;
  seconds: number;
}

export interface TenantOnMockResult {
  /** True when the suites and every check passed. */
  ok: boolean;
  checks: Check[];
  /** The suites' JUnit ("" when the runner wrote none). */
  suitesXml: string;
  /** Where the JUnit with the checks belongs. */
  junitPath: string;
}

/** One tenant run against a fresh mock: mock, sink and Action runner up, the runner, everything down. */
async function runTenant(opts: {
  dir: string;
  runner: string[];
  budget: number;
  deviations: string[];
  trigger: PhoneTrigger;
  args: string[];
  /** The mock project's observations to compare with; undefined: run the mock project here too. */
  baseline: string | undefined;
  /** Write the suites' output to this file instead of the console (a run that fails on purpose). */
  log?: string;
}): Promise<{ status: number; drift?: DriftReport; delivered: number; failed: number; skipped: number }> {
  const contractsDir = path.join(opts.dir, "contracts");
  fs.rmSync(opts.dir, { recursive: true, force: true });
  // The drift needs the mock project's observations next to this run's: the contracts stage's file
  // is copied in (merging writes one file per project, so it survives this run's merge).
  if (opts.baseline) {
    fs.mkdirSync(path.join(contractsDir, "observations"), { recursive: true });
    fs.copyFileSync(opts.baseline, path.join(contractsDir, "observations", "mock.jsonl"));
    fs.copyFileSync(metaFileOf(opts.baseline), path.join(contractsDir, "observations", "mock.meta.json"));
  }
  let mock: MockProcess | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  let runner: Awaited<ReturnType<typeof startActionRunner>> | undefined;
  const envFile = path.join(fs.mkdtempSync(path.join(tmpdir(), "tenant-on-mock-")), "empty.env");
  try {
    // The shared mock's settings (enterprise, seed 42), so the only difference from the mock project is the path.
    mock = await startMockProcess({ profile: "enterprise", deviations: opts.deviations });
    const secret = randomBytes(32).toString("hex");
    sink = await startSink({ secret });
    runner = await startActionRunner({
      mockURL: mock.url,
      // A tenant has one phone-message Action and, for email codes, the custom email provider one.
      actions: [opts.trigger, "custom-email-provider" as const].map((trigger) => ({
        trigger,
        handler: loadActionHandler(`tenant/actions/${trigger}.js`, trigger),
      })),
      secrets: { SINK_URL: sink.url, SINK_SECRET: secret },
      onFailed: (_m, error) => console.error(`action-runner: the Action failed on ${error}`),
      onError: (error) => console.error(`action-runner: ${error}`),
    });
    const control = mockControl(mock.url);
    const config = await control.config.get();
    const privateKeyJwt = await control.privateKeyJwt();
    // A developer's .env.tenant must not leak into this run: an empty env file stands in for it.
    fs.writeFileSync(envFile, "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AUTH0_DOMAIN: config.domain,
      AUTH0_BASE_URL: mock.url,
      AUTH0_CLIENT_ID: config.client_id,
      AUTH0_CLIENT_SECRET: config.client_secret,
      AUTH0_PUBLIC_CLIENT_ID: config.public_client_id,
      AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: privateKeyJwt.client_id,
      AUTH0_PRIVATE_KEY_JWT_KEY: privateKeyJwt.private_key,
      AUTH0_PRIVATE_KEY_JWT_ALG: privateKeyJwt.alg,
      AUTH0_CONNECTION: config.connection,
      AUTH0_AUDIENCE: config.audience ?? "",
      // The mock grants Management API tokens to the clients it knows: its default client.
      AUTH0_MGMT_CLIENT_ID: config.client_id,
      AUTH0_MGMT_CLIENT_SECRET: config.client_secret,
      SINK_URL: sink.url,
      SINK_SECRET: secret,
      TENANT_SMS_BUDGET: String(opts.budget),
      TENANT_CODE_TIMEOUT_SECONDS: "10",
      // The step-up tests install their post-login Action through the mock's Management API, which
      // switches on the mock's MFA on refresh; the runner removes it at the end (tenant/README.md, Step-up).
      TENANT_STEP_UP: "1",
      TENANT_ENV_FILE: envFile,
      // The suites' outputs and the drift go here; REPORTS_DIR (kept) keeps the secrets registry the
      // one of this run's reports folder, so the leak check looks for its passwords, codes and numbers.
      CONTRACTS_REPORT_DIR: contractsDir,
    };
    delete env.CONTRACTS_MOCK_DEVIATIONS;
    delete env.CONTRACTS_SEND_SMS;
    const out = opts.log ? fs.openSync(opts.log, "w") : undefined;
    const status = await new Promise<number>((resolve) => {
      const [command, ...runnerArgs] = opts.runner as [string, ...string[]];
      const child = spawn(command, [...runnerArgs, ...(opts.baseline ? [] : ["--with-mock"]), ...opts.args], {
        stdio: out === undefined ? "inherit" : ["ignore", out, out],
        env,
      });
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
    if (out !== undefined) fs.closeSync(out);
    await runner.flush();
    const driftFile = path.join(opts.dir, "drift.json");
    const drift = fs.existsSync(driftFile)
      ? (JSON.parse(fs.readFileSync(driftFile, "utf8")) as DriftReport)
      : undefined;
    return {
      status,
      ...(drift ? { drift } : {}),
      delivered: runner.delivered,
      failed: runner.failed,
      skipped: runner.skipped,
    };
  } finally {
    await runner?.stop();
    await sink?.close();
    await mock?.stop();
    fs.rmSync(path.dirname(envFile), { recursive: true, force: true });
  }
}

/** Runs the tenant path against a faithful mock, then against a deviant one, and checks the drift of each. */
export async function runTenantOnMock(options: TenantOnMockOptions): Promise<TenantOnMockResult> {
  const { withMock, budget, playwrightArgs, runner } = options;
  const started = Date.now();
  const reports = reportsDir();
  const out = path.join(reports, "tenant");
  // A check's failure lands in the JUnit, which goes around with the reports: it names files in them.
  const inReports = (file: string) => path.relative(reports, file);
  // The mock project's observations, where the contracts stage writes them.
  const saved = path.join(contractsReportDir(), "observations", "mock.jsonl");
  // A baseline recorded against another version of the mock would show the mock's change as drift.
  const savedIsCurrent =
    fs.existsSync(saved) &&
    readObservationsMeta(fs, metaFileOf(saved))?.mockSource === mockSourceFingerprint();
  const ownBaseline = withMock || !savedIsCurrent;
  if (ownBaseline && !withMock) {
    const why = fs.existsSync(saved) ? "was recorded against another version of the mock" : "is missing";
    console.log(
      `tenant-on-mock: ${shownPath(saved)} ${why} (npm run test:contracts writes it): running the mock project here too`,
    );
  }
  const checks: Check[] = [];
  const check = (name: string, t0: number, failure?: string) =>
    checks.push({ name, seconds: (Date.now() - t0) / 1000, ...(failure ? { failure } : {}) });

  // 1. The suites' tenant project against a faithful mock.
  let t0 = Date.now();
  const faithful = await runTenant({
    dir: out,
    runner,
    budget,
    deviations: [],
    trigger: "send-phone-message",
    args: playwrightArgs,
    baseline: ownBaseline ? undefined : saved,
  });
  console.log(
    `tenant-on-mock: the Action handled ${faithful.delivered} message(s), failed on ${faithful.failed}`,
  );
  const d = faithful.drift;
  const drifts = d?.versusMock
    .slice(0, 3)
    .map((s) => `${s.test} ${s.step} ${s.aspect} ${s.name} tenant=${s.tenant} mock=${s.mock}`)
    .join("; ");
  check(
    "the tenant path against the same mock shows no step drift",
    t0,
    !d
      ? `no ${inReports(path.join(out, "drift.json"))} was written`
      : d.summary.stepDrifts > 0
        ? `${d.summary.stepDrifts} step drift(s), e.g. ${drifts}`
        : d.summary.comparedSteps === 0 || d.summary.tenantOnlySteps > 0
          ? `${d.summary.tenantOnlySteps} of the tenant's ${d.inputs.tenantObservations} steps have no counterpart in the mock project's observations: run the mock project in full first (npm run test:contracts) or pass --with-mock`
          : undefined,
  );
  check(
    "every message the mock sent was handled by the Action",
    t0,
    faithful.failed > 0
      ? `the Action failed on ${faithful.failed} message(s)`
      : faithful.skipped > 0
        ? `${faithful.skipped} message(s) reached no Action`
        : faithful.delivered === 0
          ? "no message was sent"
          : undefined,
  );

  // 2. The same, narrowed, against a mock with a named deviation: it must show as step drift.
  t0 = Date.now();
  const deviantLog = path.join(out, "deviant.log");
  console.log(
    `tenant-on-mock: against a mock with the deviation ${DEVIATION.name}, the suite fails on purpose (output: ${shownPath(deviantLog)})`,
  );
  const deviant = await runTenant({
    log: deviantLog,
    dir: path.join(out, "deviant"),
    runner,
    budget,
    deviations: [DEVIATION.name],
    trigger: "custom-phone-provider",
    args: ["--grep", DEVIANT_GREP],
    baseline: ownBaseline ? path.join(out, "contracts", "observations", "mock.jsonl") : saved,
  });
  const caught = deviant.drift?.versusMock.some(
    (s) => s.operation === DEVIATION.operation && s.aspect === "status" && s.tenant === DEVIATION.tenant,
  );
  check(
    `a mock with the deviation ${DEVIATION.name} shows as step drift`,
    t0,
    caught
      ? undefined
      : `no ${DEVIATION.operation} status ${DEVIATION.tenant} drift in ${inReports(path.join(out, "deviant", "drift.json"))} (${deviant.drift?.summary.stepDrifts ?? "no"} step drifts)`,
  );

  let suitesXml = "";
  try {
    suitesXml = fs.readFileSync(path.join(out, "contracts", "junit.xml"), "utf8");
  } catch {
    // The runner refused to start or died: the checks below still say so.
  }
  // The deviant run's suites fail on purpose; only its drift check counts, so its reports go.
  fs.rmSync(path.join(out, "deviant", "contracts"), { recursive: true, force: true });
  for (const c of checks)
    console.log(`${c.failure ? "✗" : "✓"} ${c.name}${c.failure ? `: ${c.failure}` : ""}`);
  console.log(`tenant-on-mock: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    ok: faithful.status === 0 && checks.every((c) => !c.failure),
    checks,
    suitesXml,
    junitPath: path.join(out, "junit.xml"),
  };
}
