/**
 * A run split over several k6 runners, merged into one: what `npm run load -- --runners N` does after
 * its runners end and what `npm run load:merge` does with folders from elsewhere (k6-operator).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { summaryText } from "../../load/lib/summary.ts";
import { type MergeResult, mergeRunners, mergeText, writeMerge } from "../../load/tooling/merge.ts";
import { renderLoadHtml } from "../../report/load-page.ts";

/**
 * Merges the runners' folders (load/tooling/merge.ts) into `outDir`: `summary.json`, `series.json`
 * and the page `index.html`; prints the merged summary, each runner's share and the caveats.
 */
export async function mergeInto(
  dirs: string[],
  outDir: string,
): Promise<MergeResult & { summaryPath: string }> {
  const result = await mergeRunners(dirs);
  // Relative to the summary: `npm run load` renames its folder into place once the run is done.
  for (const share of result.summary.runners)
    share.dir = path.relative(outDir, path.resolve(share.dir)) || ".";
  const { summaryPath } = writeMerge(result, outDir);
  writeFileSync(path.join(outDir, "index.html"), renderLoadHtml(result.summary, result.series));
  process.stdout.write(`${summaryText(result.summary)}${mergeText(result)}`);
  return { ...result, summaryPath };
}
