/**
 * `npm run test:tenant [-- --with-mock] [--env-file <path>] [<playwright args>]`: the contract suites
 * against a real tenant, within its message budget (tenant/run-contracts.ts).
 */
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { runTenantContracts } from "../tenant/run-contracts.ts";

const command = {
  usage: "Usage: npm run test:tenant -- [options] [<playwright arguments>]",
  passThrough: true,
  options: {
    "with-mock": { type: "boolean", description: "run the mock project too (the baseline for the drift)" },
    "env-file": {
      type: "string",
      value: "<path>",
      description: "the tenant's settings (default .env.tenant; TENANT_ENV_FILE)",
    },
  },
  notes: ["Any other argument goes to Playwright."],
} satisfies CommandSpec;

const read = readCommandLine(command);
const envFile = read.values["env-file"];
runTenantContracts({
  withMock: read.values["with-mock"],
  ...(envFile === undefined ? {} : { envFile }),
  playwrightArgs: read.rest,
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`test:tenant: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
