/**
 * `npm run mutation`: the contract suites once per named deviation of the mock (contracts/mutation.ts),
 * side by side. Writes reports/mutation/summary.json; exits 1 unless every fault is caught.
 */
import { availableParallelism } from "node:os";
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { defaultPlan, runMutation } from "../contracts/mutation.ts";
import { checkDeviationNames, UnknownDeviationError } from "../mock/deviations.ts";

const plan = defaultPlan(availableParallelism());
const command = {
  usage:
    "Usage: npm run mutation -- [options] [deviation ...]   (the suites without a fault and once per deviation of the mock; every deviation unless named)",
  options: {
    full: {
      type: "boolean",
      env: "MUTATION_FULL",
      description: "run each fault's whole suite and list every failing test (slower)",
    },
    jobs: {
      type: "integer",
      env: "MUTATION_JOBS",
      min: 1,
      max: 64,
      default: plan.jobs,
      defaultText: `${plan.jobs} (two per core)`,
      value: "N",
      description: "fault runs side by side, each with its own mock",
    },
    workers: {
      type: "integer",
      env: "MUTATION_WORKERS",
      min: 1,
      max: 16,
      default: plan.workers,
      value: "N",
      description: "Playwright workers in each fault run",
    },
  },
  positionals: true,
  notes: [
    "Each fault run stops at its first failing test; when that failure does not name the fault's",
    "symptom, the fault's whole suite runs again, so the score is the one --full gives.",
  ],
} satisfies CommandSpec;
const { values, positionals } = readCommandLine(command, { prefix: "mutation: " });
try {
  process.exitCode = await runMutation({ ...values, faults: checkDeviationNames(positionals, "mutation") });
} catch (e) {
  if (!(e instanceof UnknownDeviationError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
