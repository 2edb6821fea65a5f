/**
 * Command line of `npm run load -- <scenario> [options] [-- k6 arguments]`, parsed into the LOAD_*
 * variables the scenarios read. Errors carry the usage text.
 */
import { isScenarioName, type ScenarioName, scenarioNames } from "../lib/plan.ts";

export interface LoadArgs {
  scenario: ScenarioName;
  /** LOAD_* variables set by flags (they win over the environment). */
  env: Record<string, string>;
  /** Passed to `k6 run` as they are (after `--`). */
  k6Args: string[];
}

export const usage = `usage: npm run load -- <scenario> [--target mock|tenant] [--duration 30s] [--profile essentials]
                     [--vus N] [--iterations N] [-- <k6 run arguments>]
scenarios: ${scenarioNames.join(", ")}
Any non-loopback target needs LOAD_ALLOW_HOST=<its host name> and LOAD_SMS_BUDGET=<messages>.`;

export class UsageError extends Error {}

const flags: Record<string, string> = {
  "--target": "LOAD_TARGET",
  "--duration": "LOAD_DURATION",
  "--profile": "LOAD_PROFILE",
  "--vus": "LOAD_VUS",
  "--iterations": "LOAD_ITERATIONS",
};

/** Parses the arguments after `npm run load --`. */
export function parseLoadArgs(argv: string[]): LoadArgs {
  const dash = argv.indexOf("--");
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const k6Args = dash === -1 ? [] : argv.slice(dash + 1);
  const env: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const arg = own[i] as string;
    const [flag, inline] = arg.startsWith("--")
      ? (arg.split(/=(.*)/s) as [string, string | undefined])
      : [arg, undefined];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const variable = flags[flag];
    if (!variable) throw new UsageError(`unknown option ${flag}\n${usage}`);
    const value = inline ?? own[++i];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value\n${usage}`);
    env[variable] = value;
  }
  if (positional.length !== 1) throw new UsageError(`name one scenario\n${usage}`);
  const scenario = positional[0];
  if (!isScenarioName(scenario)) throw new UsageError(`unknown scenario "${scenario}"\n${usage}`);
  if (env.LOAD_TARGET !== undefined && env.LOAD_TARGET !== "mock" && env.LOAD_TARGET !== "tenant") {
    throw new UsageError(`--target must be mock or tenant\n${usage}`);
  }
  return { scenario, env, k6Args };
}
