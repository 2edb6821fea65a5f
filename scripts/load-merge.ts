/**
 * `npm run load:merge -- <runner folders...> [--out <folder>]`
 *
 * One verdict for a run split over several k6 runners: reads each folder's points (`points.csv` or
 * `points.csv.gz`, k6's `--out csv`) and `summary.json` (for the metric types and the thresholds),
 * merges them (load/tooling/merge.ts), prints each runner's share and the merged result, and writes
 * `summary.json`, `series.json` and `index.html` into `--out` (default: the folder above the first
 * runner's). Exits as k6 would for the whole run: 0, or 99 when a merged threshold failed (2: usage).
 */

import path from "node:path";
import { readCommandLine } from "../cli/options.ts";
import { mergeInto } from "./lib/merged-run.ts";

const command = {
  usage: "usage: npm run load:merge -- <runner folders...> [--out <folder>]",
  positionals: true,
  options: {
    out: { type: "string", value: "folder", description: "where the merged summary, series and page go" },
  },
} as const;

const read = readCommandLine(command, { prefix: "load:merge: " });
const dirs = read.positionals;
if (dirs.length === 0) {
  console.error(`load:merge: name the runners' folders\n${command.usage}`);
  process.exit(2);
}
const outDir = read.values.out ?? path.dirname(path.resolve(dirs[0] ?? "."));
const result = await mergeInto(dirs, outDir);
console.log(
  `load:merge: ${result.exitCode === 99 ? "a merged threshold failed (exit 99)" : "every merged threshold held"}; ${path.relative(process.cwd(), result.summaryPath)}`,
);
process.exit(result.exitCode);
