/** `npm run build:load [-- <scenario> ...]`: bundles the k6 scenarios to load/dist (load/tooling/build.ts). */
import { shownPath } from "../cli/shown-path.ts";
import { buildLoad } from "../load/tooling/build.ts";

buildLoad(process.argv.slice(2)).then(
  (files) => {
    for (const f of files) console.log(`built ${shownPath(f)}`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
