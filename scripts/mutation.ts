/**
 * `npm run mutation`: the contract suites once per named deviation of the mock (contracts/mutation.ts).
 * Writes reports/mutation/summary.json; exits 1 unless every fault is caught.
 */
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { runMutation } from "../contracts/mutation.ts";

const command = {
  usage: "Usage: npm run mutation   (a baseline run, then one whole-suite run per deviation of the mock)",
  options: {},
} satisfies CommandSpec;
readCommandLine(command);
process.exitCode = runMutation();
