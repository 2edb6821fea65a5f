/**
 * `npm run test:tenant [-- <playwright args>]`: the contract suites against a real tenant, safely.
 * 1. validates the tenant configuration (every problem named with its variable);
 * 2. lists the selected tests and plans their SMS/voice messages: over TENANT_SMS_BUDGET, it refuses
 *    to start, before anything is sent;
 * 3. runs `playwright test --project=tenant` with the same arguments (`--with-mock`: the mock project too);
 * 4. writes reports/drift.json (tenant vs description, and vs the mock when that project ran too;
 *    beside the contract outputs when CONTRACTS_REPORT_DIR moves them).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { planMessages, testsFromPlaywrightJson } from "./budget.ts";
import { loadTenantConfig, TenantConfigError } from "./config.ts";
import { writeDriftReport } from "./drift-report.ts";

const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const argv = process.argv.slice(2);
// `--with-mock` also runs the mock project in the same run: the baseline for the per-step drift.
const withMock = argv.includes("--with-mock");
const args = argv.filter(
  (a, i, all) =>
    a !== "--with-mock" && a !== "--env-file" && all[i - 1] !== "--env-file" && !a.startsWith("--env-file="),
);

function main(): number {
  let config: ReturnType<typeof loadTenantConfig>;
  try {
    config = loadTenantConfig();
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
  const plan = planMessages(
    testsFromPlaywrightJson(JSON.parse(list.stdout), "tenant"),
    config.messageBudget,
    {
      sink: Boolean(config.sink),
    },
  );
  console.log(`tenant budget: ${plan.summary}`);
  if (!plan.ok) return 3;

  const projects = withMock ? ["--project=mock", "--project=tenant"] : ["--project=tenant"];
  const run = spawnSync(npx, ["playwright", "test", ...projects, ...args], {
    stdio: "inherit",
    env: { ...process.env, TENANT_PLANNED_MESSAGES: String(plan.planned) },
  });
  // The drift goes beside the contract outputs: reports/drift.json, or <dir>/../drift.json when
  // CONTRACTS_REPORT_DIR moved them (the tenant-on-mock run keeps its own).
  const contractsDir =
    process.env.CONTRACTS_REPORT_DIR ?? path.join(process.env.REPORTS_DIR ?? "reports", "contracts");
  writeDriftReport(path.dirname(contractsDir), contractsDir);
  return run.status ?? 1;
}

process.exit(main());
