/**
 * Command line of `npm run load -- <scenario> [options] [-- k6 arguments]`, parsed into the LOAD_*
 * variables the scenarios read (a flag beats its variable). Errors carry the usage text.
 */
import { type CommandSpec, helpText, OptionError, readOptions } from "../../cli/options.ts";
import { isScenarioName, type ScenarioName, scenarioNames } from "../lib/plan.ts";

export interface LoadArgs {
  scenario: ScenarioName;
  /** LOAD_* variables set by flags (they win over the environment). */
  env: Record<string, string>;
  /** Passed to `k6 run` as they are (after `--`). */
  k6Args: string[];
  /** k6 processes sharing the run by execution segment (1: one k6, as always). */
  runners: number;
}

/** `--target`: checked here so a wrong one stops the run before anything is built. */
function target(text: string, where: string): string {
  if (text !== "mock" && text !== "tenant") throw new OptionError(`${where} must be mock or tenant`, where);
  return text;
}

const command = {
  usage: "usage: npm run load -- <scenario> [options] [-- <k6 run arguments>]",
  positionals: true,
  rest: true,
  options: {
    target: { type: "string", env: "LOAD_TARGET", value: "mock|tenant", parse: target, defaultText: "mock" },
    duration: { type: "string", env: "LOAD_DURATION", value: "30s" },
    profile: { type: "string", env: "LOAD_PROFILE", value: "essentials" },
    vus: { type: "string", env: "LOAD_VUS", value: "N" },
    iterations: { type: "string", env: "LOAD_ITERATIONS", value: "N" },
    runners: {
      type: "integer",
      min: 1,
      max: 32,
      default: 1,
      value: "N",
      description: "k6 processes splitting the run by execution segment, judged as one (merged points)",
    },
  },
  notes: [
    `scenarios: ${scenarioNames.join(", ")}`,
    "Any non-loopback target needs LOAD_ALLOW_HOST=<its host name>, LOAD_SMS_BUDGET=<messages> and, by",
    "Auth0's load-testing policy, LOAD_AUTH0_APPROVAL=<Auth0's written approval>; a rate over the",
    "profile's limit also needs LOAD_ALLOW_OVER_LIMIT=1 (a deployment you operate).",
  ],
} satisfies CommandSpec;

export const usage = helpText(command);

/** A refused command line, or (exit code 0) the help that was asked for. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Parses the arguments after `npm run load --`; LOAD_* variables in `env` are checked too. */
export function parseLoadArgs(argv: string[], env: Record<string, string | undefined> = {}): LoadArgs {
  let read: ReturnType<typeof readOptions<typeof command.options>>;
  try {
    read = readOptions(command, argv, env);
  } catch (e) {
    throw e instanceof OptionError ? new UsageError(`${e.message}\n${usage}`) : e;
  }
  if (read.help) throw new UsageError(usage, 0);
  const flags: Record<string, string> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    if (!("env" in spec)) continue;
    const value = read.values[name as keyof typeof command.options];
    if (read.sources[name as keyof typeof command.options]?.startsWith("--") && value !== undefined) {
      flags[spec.env] = String(value);
    }
  }
  if (read.positionals.length !== 1) throw new UsageError(`name one scenario\n${usage}`);
  const scenario = read.positionals[0];
  if (!isScenarioName(scenario)) throw new UsageError(`unknown scenario "${scenario}"\n${usage}`);
  return { scenario, env: flags, k6Args: read.rest, runners: read.values.runners };
}
