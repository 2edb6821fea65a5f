/**
 * `npm run load:merge -- <runner folders...> [--out <folder>]`
 *
 * One verdict for a run split over several k6 runners: reads each folder's points (`points.csv` or
 * `points.csv.gz`, k6's `--out csv`) and `summary.json` (for the metric types and the thresholds),
 * merges them (load/tooling/merge.ts), prints each runner's share and the merged result, and writes
 * `summary.json`, `series.json` and `index.html` into `--out` (default: the folder above the first
 * runner's; above its `runners/` folder when there is one, where `npm run load --runners` puts them).
 * Exits as k6 would for the whole run: 0, or 99 when a merged threshold failed; 1 when no runner
 * wrote a summary (nothing to judge); 2: usage (also a path that is not a folder).
 */

import { statSync } from "node:fs";
import path from "node:path";
import { readCommandLine } from "../cli/options.ts";
import { shownPath } from "../cli/shown-path.ts";
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
// A file is no runner (a glob over a folder merged into before also finds its summary.json).
const notFolders = dirs.filter((d) => !statSync(d, { throwIfNoEntry: false })?.isDirectory());
if (notFolders.length > 0) {
  console.error(`load:merge: not a runner's folder: ${notFolders.join(", ")}\n${command.usage}`);
  process.exit(2);
}
const above = path.dirname(path.resolve(dirs[0] ?? "."));
const outDir = read.values.out ?? (path.basename(above) === "runners" ? path.dirname(above) : above);
const result = await mergeInto(dirs, outDir);
const verdict = {
  0: "every merged threshold held",
  1: "no runner wrote a summary.json: nothing to judge (exit 1)",
  99: "a merged threshold failed (exit 99)",
}[result.exitCode];
console.log(`load:merge: ${verdict}; ${shownPath(result.summaryPath)}`);
process.exit(result.exitCode);
