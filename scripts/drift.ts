/**
 * `npm run drift`: writes reports/drift.json from the contract run's findings and observations
 * (tenant against description, tenant against mock). Prints a one-line summary.
 */
import path from "node:path";
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { reportDir } from "../contracts/findings.ts";
import { writeDriftReport } from "../tenant/drift-report.ts";

const command = {
  usage: "Usage: npm run drift   (REPORTS_DIR: the reports folder, default reports)",
  options: {},
} satisfies CommandSpec;
readCommandLine(command);
writeDriftReport(path.dirname(reportDir()), reportDir());
