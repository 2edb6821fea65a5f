/**
 * The contract suites against a real tenant, safely (`npm run test:tenant`):
 * 1. validates the tenant configuration (every problem named with its variable);
 * 2. lists the selected tests and plans their SMS/voice messages: over TENANT_SMS_BUDGET, it refuses
 *    to start, before anything is sent;
 * 3. runs `playwright test --project=tenant` with the given arguments (with the mock project too, on request);
 * 4. writes reports/drift.json (tenant vs description, and vs the mock when that project ran too;
 *    beside the contract outputs when CONTRACTS_REPORT_DIR moves them);
 * 5. with TENANT_STEP_UP=1 and @step-up tests selected, removes the post-login Action they installed
 *    (tenant/step-up-action.ts): the tenant is left as the run found it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { reportDir as contractsReportDir } from "../contracts/findings.ts";
import { STEP_UP_TAG } from "../contracts/tags.ts";
import { planMessages, testsFromPlaywrightJson } from "./budget.ts";
import { loadTenantConfig, TenantConfigError } from "./config.ts";
import { writeDriftReport } from "./drift-report.ts";
import { createManagementClient } from "./management.ts";
import { removeStepUpAction, STEP_UP_ACTION_NAME } from "./step-up-action.ts";

const npx = process.platform === "win32" ? "npx.cmd" : "npx";

export interface TenantContractsOptions {
  /** Also run the mock project in the same run: the baseline for the per-step drift. */
  withMock: boolean;
  /** The env file named on the command line (`--env-file`), if any. */
  envFile?: string;
  /** Passed to Playwright, for both the listing and the run. */
  playwrightArgs: string[];
}

/** Checks the configuration and the budget, runs the suites, writes the drift, tidies the tenant; answers the exit code. */
export async function runTenantContracts(options: TenantContractsOptions): Promise<number> {
  const args = options.playwrightArgs;
  let config: ReturnType<typeof loadTenantConfig>;
  try {
    config = loadTenantConfig({ argv: options.envFile === undefined ? [] : ["--env-file", options.envFile] });
  } catch (e) {
    console.error(e instanceof TenantConfigError ? e.message : e);
    return 2;
  }
  const list = spawnSync(
    npx,
    ["playwright", "test", "--project=tenant", "--list", "--reporter=json", ...args],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (list.status !== 0) {
    console.error(`listing the tenant tests failed:\n${list.stderr}`);
    return list.status ?? 1;
  }
  const tests = testsFromPlaywrightJson(JSON.parse(list.stdout), "tenant");
  const plan = planMessages(tests, config.messageBudget, {
    sink: Boolean(config.sink),
  });
  console.log(`tenant budget: ${plan.summary}`);
  if (!plan.ok) return 3;

  const projects = options.withMock ? ["--project=mock", "--project=tenant"] : ["--project=tenant"];
  const run = spawnSync(npx, ["playwright", "test", ...projects, ...args], {
    stdio: "inherit",
    env: { ...process.env, TENANT_PLANNED_MESSAGES: String(plan.planned) },
  });
  // The drift goes beside the contract outputs: reports/drift.json, or <dir>/../drift.json when
  // CONTRACTS_REPORT_DIR moved them (the tenant-on-mock run keeps its own).
  const contractsDir = contractsReportDir();
  writeDriftReport(path.dirname(contractsDir), contractsDir);
  const status = run.status ?? 1;
  if (!config.stepUp || !tests.some((t) => t.tags.includes(STEP_UP_TAG))) return status;
  // After every worker is done: a test never sees the Action go while another still needs it.
  try {
    const { removed } = await removeStepUpAction(createManagementClient(config));
    if (removed > 0)
      console.log(
        `tenant: removed the post-login Action "${STEP_UP_ACTION_NAME}" the step-up tests installed`,
      );
    return status;
  } catch (e) {
    console.error(
      `tenant: could not remove the post-login Action "${STEP_UP_ACTION_NAME}" (${e instanceof Error ? e.message : e}); ` +
        "remove it by hand (tenant/README.md, Step-up)",
    );
    return status === 0 ? 1 : status;
  }
}
