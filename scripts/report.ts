/**
 * `npm run report [-- --dir reports] [--target mock] [--base-url URL] [--expect contracts,load]`:
 * composes reports/index.html, reports/junit.xml and reports/history.json from whatever the stages
 * left under the reports folder. Exits 1 when the composed run failed (a failed test, a finding, a
 * failed threshold, an expected result missing) and 1 with "nothing to report" when there were no
 * contract, load, tenant or client results at all (history.json is then left as it was).
 */
import { pathToFileURL } from "node:url";
import { OptionError, readCommandLine } from "../cli/options.ts";
import { findK6 } from "../load/tooling/find-k6.ts";
import { reportsDir } from "../redaction/secrets.ts";
import { composeReport, RESULT_KINDS, type ResultKind } from "../report/compose.ts";
import { gitCommit, k6Version, versions } from "../report/environment.ts";

/** `--expect`: kinds of results, each one known. */
function resultKinds(text: string, where: string): ResultKind[] {
  const kinds = text.split(",").filter(Boolean);
  const known = (k: string): k is ResultKind => (RESULT_KINDS as readonly string[]).includes(k);
  if (kinds.length === 0 || !kinds.every(known))
    throw new OptionError(`${where} takes a comma-separated list of: ${RESULT_KINDS.join(", ")}`, where);
  return kinds.filter(known);
}

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
    expect: {
      type: "string",
      value: "<kind,...>",
      parse: resultKinds,
      description: `results the run was meant to leave (${RESULT_KINDS.join(", ")}); each one missing fails the report`,
    },
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
  ...(values.expect ? { expected: values.expect } : {}),
});
if (result.nothing) console.error(`report: nothing to report: ${result.nothing}`);
console.log(`report: ${result.nothing ? "failed (nothing to report)" : result.ok ? "passed" : "failed"}`);
console.log(`report: ${result.junitPath}`);
console.log(`report: ${result.indexPath}`);
console.log(`report: open ${pathToFileURL(result.indexPath).href}`);
process.exitCode = result.ok ? 0 : 1;
