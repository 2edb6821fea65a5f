/**
 * What every scenario file shares: its options and plan read once in the init context, the
 * thresholds all scenarios hold, and the handleSummary that writes the summary file.
 */
import { Counter } from "k6/metrics";
import type { Options } from "k6/options";
import { guardTarget } from "../guard.ts";
import { formatDuration, type LoadOptions, readLoadOptions } from "../options.ts";
import { MAIN, planScenario, type ScenarioName, type ScenarioPlan } from "../plan.ts";
import {
  buildSummary,
  type HarnessSummary,
  type K6SummaryData,
  setupSecrets,
  summaryText,
} from "../summary.ts";
import { runnerSegment } from "./runners.ts";

export { MAIN };

/** Iterations that threw; k6 would log and go on, and a Rate never fed would pass its threshold. */
const iterationErrors = new Counter("iteration_errors");

/** Wraps a scenario's VU function: an exception is logged (message only) and counted, never lost. */
export function guarded<T>(fn: (data: T) => void): (data: T) => void {
  return (data) => {
    try {
      fn(data);
    } catch (error) {
      iterationErrors.add(1);
      console.error(`iteration failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/**
 * Reads the options, works out the plan and applies the target gate; an invalid option, an unnamed
 * non-loopback host or a plan over the SMS budget stops k6 in the init context, before any request.
 */
export function load(scenario: ScenarioName): { opts: LoadOptions; plan: ScenarioPlan } {
  const opts = readLoadOptions(__ENV);
  const plan = planScenario(scenario, opts);
  const gate = guardTarget(opts.baseUrl, plan, __ENV);
  if (!gate.ok) throw new Error(`refusing to start: ${gate.message}`);
  return { opts, plan };
}

/**
 * Thresholds every scenario holds: sampled responses conform to the description, every response
 * carries sound rate-limit headers, nothing fails with a 5xx or a transport error, and (when named)
 * the main request's p95 stays within LOAD_P95_MS (LOAD_P95_MS=0 makes that one impossible: the smoke test's
 * way to see exit code 99).
 */
export function commonThresholds(opts: LoadOptions, mainRequest?: string): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {
    schema_conformance: [`rate>=${opts.schemaMinConformance}`],
    rate_limit_headers_ok: ["rate==1"],
    http_req_failed: ["rate==0"],
    iteration_errors: ["count==0"],
  };
  if (mainRequest)
    thresholds[`http_req_duration{scenario:${MAIN},name:${mainRequest}}`] = [`p(95)<${opts.p95Ms}`];
  return thresholds;
}

/**
 * The main scenario at a constant arrival rate for the plan's duration; VUs scale with the rate, from
 * `minVUs` pre-allocated (a challenge takes a few ms on loopback; the headroom covers a slower tenant).
 */
export function constantArrival(plan: ScenarioPlan, minVUs: number): NonNullable<Options["scenarios"]> {
  return {
    [MAIN]: {
      executor: "constant-arrival-rate",
      rate: plan.rate,
      timeUnit: "1s",
      duration: formatDuration(plan.durationSeconds),
      preAllocatedVUs: Math.max(minVUs, Math.ceil(plan.rate / 2)),
      maxVUs: Math.max(minVUs * 5, plan.rate * 2),
    },
  };
}

/** Options every scenario shares: room for the setup to enrol its users, the trend stats read, tags. */
export const commonOptions = {
  setupTimeout: "10m",
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
  // k6's defaults without `url`: the inbox is read with the phone number in the query string, and an
  // output (--out json, Prometheus…) must not carry it. Requests are told apart by their `name` tag.
  systemTags: [
    "proto",
    "subproto",
    "status",
    "method",
    "name",
    "group",
    "check",
    "error",
    "error_code",
    "tls_version",
    "scenario",
    "service",
    "expected_response",
  ],
};

/**
 * Options of a flow scenario (each iteration walks one user through a limit): per-VU iterations
 * bounded by `maxDuration`, the common thresholds on `mainRequest`, and each verdict Rate at 1.
 */
export function flowOptions(
  opts: LoadOptions,
  mainRequest: string,
  maxDuration: string,
  verdicts: string[],
): Options {
  const thresholds = commonThresholds(opts, mainRequest);
  for (const verdict of verdicts) thresholds[verdict] = ["rate==1"];
  return {
    ...commonOptions,
    scenarios: {
      [MAIN]: { executor: "per-vu-iterations", vus: opts.vus, iterations: opts.iterations, maxDuration },
    },
    thresholds,
  };
}

/** host[:port] of a URL (k6 has no URL class without a remote library). */
function hostOf(url: string): string {
  return /^[a-z]+:\/\/([^/?#]+)/i.exec(url)?.[1] ?? url;
}

/**
 * A handleSummary for a scenario: prints the short text, writes the summary JSON to
 * LOAD_SUMMARY_PATH and the run's secrets (for the leak check) to LOAD_SECRETS_PATH when set.
 */
export function summaryHandler(
  scenario: ScenarioName,
  opts: LoadOptions,
  extras: (
    data: K6SummaryData,
  ) => Partial<Pick<HarnessSummary, "envelope" | "knee" | "figures" | "counted">> = () => ({}),
): (data: K6SummaryData) => Record<string, string> {
  return (data) => {
    const summary = buildSummary(data, {
      scenario,
      target: opts.target,
      host: hostOf(opts.baseUrl),
      profile: opts.profile,
      finishedAt: new Date().toISOString(),
      ...extras(data),
    });
    if (opts.approval) summary.harness.approval = opts.approval;
    const segment = runnerSegment();
    const out: Record<string, string> = {
      stdout: summaryText(summary, segment.count > 1 ? segment : undefined),
    };
    const summaryPath = __ENV.LOAD_SUMMARY_PATH;
    if (summaryPath) out[summaryPath] = JSON.stringify(summary, null, 2);
    const secretsPath = __ENV.LOAD_SECRETS_PATH;
    if (secretsPath) out[secretsPath] = JSON.stringify(setupSecrets(data.setup_data));
    return out;
  };
}
