/** `npm run generate [-- --check] [--out <dir>]`: types and validators from the description (openapi/generate.ts). */
import { main } from "../openapi/generate.ts";

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
