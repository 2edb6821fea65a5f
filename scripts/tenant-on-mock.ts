/**
 * `npm run test:tenant-on-mock [-- --with-mock] [--budget N] [<playwright args>]`: the tenant path
 * against the mock (tenant/on-mock.ts). Writes reports/tenant/junit.xml: the suites' cases plus the
 * drift checks as a suite of their own (the file `npm test` counts). Exits 1 when anything failed.
 */
import { writeFileSync } from "node:fs";
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { addSuite } from "../report/junit.ts";
import { runTenantOnMock } from "../tenant/on-mock.ts";

const command = {
  usage: "Usage: npm run test:tenant-on-mock -- [options] [<playwright arguments>]",
  passThrough: true,
  options: {
    "with-mock": {
      type: "boolean",
      description: "run the mock project here too instead of reading the contracts stage's observations",
    },
    budget: {
      type: "integer",
      min: 0,
      max: 1000,
      default: 300,
      value: "N",
      description: "TENANT_SMS_BUDGET of the tenant runs",
    },
  },
  notes: ["Any other argument goes to Playwright."],
} satisfies CommandSpec;

/** Parses the options, runs the tenant path, writes its JUnit; answers the exit code. */
async function main(argv: string[]): Promise<number> {
  const { values, rest } = readCommandLine(command, { argv });
  const result = await runTenantOnMock({
    withMock: values["with-mock"],
    budget: values.budget,
    playwrightArgs: rest,
    runner: [process.execPath, "--import", "tsx", "scripts/test-tenant.ts"],
  });
  const cases = result.checks.map((c) => ({ ...c, classname: "tenant-on-mock" }));
  writeFileSync(result.junitPath, addSuite(result.suitesXml, "tenant-on-mock drift", cases));
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`tenant-on-mock: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
