/**
 * `npm run report [-- --dir reports] [--target mock] [--base-url URL]`: composes reports/index.html,
 * reports/junit.xml and reports/history.json from whatever the stages left under the reports folder.
 * Exits 1 when the composed run failed (a failed test, a finding, a failed threshold).
 */
import { pathToFileURL } from "node:url";
import { readCommandLine } from "../cli/options.ts";
import { findK6 } from "../load/tooling/find-k6.ts";
import { reportsDir } from "../redaction/secrets.ts";
import { composeReport } from "../report/compose.ts";
import { gitCommit, k6Version, versions } from "../report/environment.ts";

const { values } = readCommandLine({
  usage: "Usage: npm run report -- [options]",
  options: {
    dir: {
      type: "string",
      value: "<dir>",
      description: "the reports folder (default reports, or REPORTS_DIR)",
    },
    target: { type: "string", value: "<name>", description: "the target the run used, as the page names it" },
    "base-url": { type: "string", value: "<url>", description: "the target's base URL" },
  },
});
/** Runs a lookup that may throw (a K6_BIN that is not executable): the report then says "not installed". */
function safely<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch {
    return undefined;
  }
}

const commit = gitCommit();
const result = composeReport({
  reportsDir: reportsDir(values.dir ? { dir: values.dir } : {}),
  versions: versions(k6Version(safely(findK6))),
  ...(commit ? { commit } : {}),
  ...(values.target ? { target: values.target } : {}),
  ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
});
console.log(`report: ${result.ok ? "passed" : "failed"}`);
console.log(`report: ${result.junitPath}`);
console.log(`report: ${result.indexPath}`);
console.log(`report: open ${pathToFileURL(result.indexPath).href}`);
process.exitCode = result.ok ? 0 : 1;
