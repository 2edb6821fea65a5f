/** `npm run generate [-- --check] [--out <dir>]`: types and validators from the description (openapi/generate.ts). */
import { readCommandLine } from "../cli/options.ts";
import { generateInto } from "../openapi/generate.ts";

const { values } = readCommandLine({
  usage: "Usage: npm run generate -- [options]",
  options: {
    check: { type: "boolean", description: "only compare: exit 1 when the checked-in files differ" },
    out: { type: "string", value: "<dir>", description: "write here instead of openapi/generated" },
  },
});
generateInto({ check: values.check === true, ...(values.out ? { out: values.out } : {}) }).then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
