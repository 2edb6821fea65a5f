/**
 * `npm run check:leaks [-- --dir reports] [--require-secrets]`: fails when any file under the
 * reports folder holds a secret the run recorded (see reports/README.md). Prints the file and the
 * secret's kind and masked form, never the value.
 */
import { readCommandLine } from "../cli/options.ts";
import { checkLeaks } from "../redaction/leaks.ts";
import { publicFiles } from "../redaction/public-files.ts";
import { readSecretEntries, registryDir, reportsDir } from "../redaction/secrets.ts";

const { values } = readCommandLine({
  usage: "Usage: npm run check:leaks -- [options]",
  options: {
    dir: {
      type: "string",
      value: "<dir>",
      description: "the reports folder (default reports, or REPORTS_DIR)",
    },
    "require-secrets": { type: "boolean", description: "fail when the run recorded no secrets" },
  },
});
const dir = reportsDir(values.dir ? { dir: values.dir } : {});
const secrets = readSecretEntries({ dir });
if (secrets.length === 0) {
  const message = `check:leaks: no secrets recorded for ${dir} (in ${registryDir({ dir })}): nothing to look for`;
  if (values["require-secrets"]) {
    console.error(`${message} (a run that used secrets must record them; see reports/README.md)`);
    process.exit(1);
  }
  console.warn(message);
}
const scan = checkLeaks(dir, secrets, publicFiles());
const committed = scan.committed
  ? ` (${scan.committed} of them also in the repository's source or Playwright's report template, so public)`
  : "";
if (scan.hits.length > 0) {
  console.error(`check:leaks: ${scan.hits.length} leak(s) found:`);
  for (const hit of scan.hits)
    console.error(`  ${hit.file}: ${hit.kind} ${hit.masked}\n      …${hit.context}…`);
  console.error(`check:leaks: scanned ${scan.files} file(s) for ${scan.secrets} secret(s)${committed}`);
  process.exit(1);
}
console.log(`check:leaks: no leaks in ${scan.files} file(s) for ${scan.secrets} secret(s)${committed}`);
