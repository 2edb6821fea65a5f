/**
 * What each scenario will do, worked out before it starts: request rates, how many users it needs and
 * how many SMS it may cause. The scenario files build their k6 options from this plan, and the runner
 * checks the same plan against the SMS budget, so the budget check cannot drift from the traffic.
 * Pure module: no k6 and no Node imports.
 */
import type { LoadOptions } from "./options.ts";
import { arrivalRate, type Bucket, documentedLimits, type ProfileName } from "./rate-limits.ts";

/** The k6 scenario name every file uses for its main phase (thresholds select on it). */
export const MAIN = "main";

export const scenarioNames = [
  "challenge-under-limit",
  "challenge-over-limit",
  "token-exchange-per-mfa-token",
  "sms-per-user",
  "wrong-codes",
  "ramp",
  "otp-brute-force",
  "push-polling",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** True when `value` names a scenario. */
export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === "string" && (scenarioNames as readonly string[]).includes(value);
}

/** Messages a user may be sent by a time-based scenario: below the 10-message burst, for headroom. */
export const MESSAGES_PER_USER = 8;

/** SMS each iteration of a flow scenario may cause, counting every challenge as sent. */
const FLOW_MESSAGES: Record<
  "token-exchange-per-mfa-token" | "sms-per-user" | "wrong-codes" | "otp-brute-force" | "push-polling",
  number
> = {
  // one challenge; its oob_code carries every exchange (the last one with the right code)
  "token-exchange-per-mfa-token": 1,
  // ten accepted, the eleventh must be refused (counted in case the target does not refuse it),
  // and two more after the hour's refill (accepted, refused)
  "sms-per-user": 13,
  // one challenge before the wrong codes, one after the refill (the first code has expired by then)
  "wrong-codes": 2,
  // an authenticator app's codes and a push notification: no message at all
  "otp-brute-force": 0,
  "push-polling": 0,
};

/**
 * The scenarios whose requests arrive on a schedule (arrival rate): they never move the mock's clock,
 * so several runners can split one run against one mock. The flow scenarios above wait out refills
 * by moving it, which runners sharing a mock cannot do apart.
 */
export const timeBasedScenarios: readonly ScenarioName[] = scenarioNames.filter((s) => !(s in FLOW_MESSAGES));

export interface RampStage {
  /** Requests per second held during the stage. */
  rate: number;
  seconds: number;
}

export interface ScenarioPlan {
  scenario: ScenarioName;
  profile: ProfileName;
  /** The bucket the scenario measures (the global one for the challenge scenarios). */
  bucket: Bucket | null;
  /** Requests per second of the arrival-rate scenarios (0 for the flow scenarios). */
  rate: number;
  durationSeconds: number;
  /** Requests the main phase will send at most. */
  attempts: number;
  /** Users the setup needs (each enrolled with its own phone number). */
  users: number;
  /** Upper bound of SMS the run may cause, including enrolments when the setup enrols users. */
  messages: number;
  stages: RampStage[];
}

/** Ramp stages: from a quarter of the limit to `maxFactor` × the limit, in `steps` equal stages. */
export function rampStages(
  limitPerSecond: number,
  durationSeconds: number,
  steps = 6,
  maxFactor = 2,
): RampStage[] {
  // At least 2 s a step: one to climb to the rate, one (or more) to hold it.
  const seconds = Math.max(2, Math.round(durationSeconds / steps));
  const stages: RampStage[] = [];
  for (let i = 0; i < steps; i++) {
    const factor = 0.25 + ((maxFactor - 0.25) * i) / Math.max(1, steps - 1);
    stages.push({ rate: Math.max(1, Math.round(limitPerSecond * factor)), seconds });
  }
  return stages;
}

/** Rate used when the profile has no global limit (`off`): the ramp then measures raw capacity. */
const UNLIMITED_REFERENCE_RPS = 100;

/** Works out a scenario's traffic from the options; throws when the profile cannot run it. */
export function planScenario(scenario: ScenarioName, opts: LoadOptions): ScenarioPlan {
  const limits = documentedLimits[opts.profile];
  const enrolls = opts.target === "mock";
  const base = { scenario, profile: opts.profile, durationSeconds: opts.durationSeconds, stages: [] };
  const timeBased = (bucket: Bucket | null, rate: number, attempts: number, stages: RampStage[] = []) => {
    const users = Math.max(1, Math.ceil(attempts / MESSAGES_PER_USER));
    return { ...base, bucket, rate, attempts, users, messages: attempts + (enrolls ? users : 0), stages };
  };
  switch (scenario) {
    case "challenge-under-limit":
    case "challenge-over-limit": {
      if (!limits.global) {
        throw new Error(`${scenario} needs a rate-limited profile; "${opts.profile}" has no global limit`);
      }
      const rate = arrivalRate(limits.global, scenario === "challenge-under-limit" ? 0.8 : 2);
      return timeBased(limits.global, rate, Math.round(rate * opts.durationSeconds));
    }
    case "ramp": {
      const limit = limits.global?.refillPerSecond ?? UNLIMITED_REFERENCE_RPS;
      const stages = rampStages(limit, opts.durationSeconds);
      const attempts = stages.reduce((n, s) => n + s.rate * s.seconds, 0);
      return { ...timeBased(limits.global, 0, attempts, stages), durationSeconds: totalSeconds(stages) };
    }
    default: {
      const bucket =
        scenario === "token-exchange-per-mfa-token" || scenario === "push-polling"
          ? limits.oobExchangePerMfaToken
          : scenario === "otp-brute-force"
            ? limits.failedCodesPerUser
            : null;
      if (scenario === "token-exchange-per-mfa-token" && !bucket) {
        throw new Error(`${scenario}: profile "${opts.profile}" has no per-mfa_token exchange limit to test`);
      }
      // The polling interval holds on every plan; only the exchange bucket comes and goes with it.
      if (
        scenario !== "token-exchange-per-mfa-token" &&
        scenario !== "push-polling" &&
        opts.profile === "off"
      ) {
        throw new Error(`${scenario}: profile "off" has no per-user limits to test`);
      }
      if (scenario === "push-polling" && opts.target !== "mock") {
        throw new Error(
          `${scenario} runs on the mock only: a tenant's push goes to a real phone, and only the mock's Guardian stand-in lets the run approve it`,
        );
      }
      // One user per iteration: the per-user buckets of one iteration must not see another's traffic.
      const users = opts.vus * opts.iterations;
      const iterations = users;
      // Enrolling SMS on the mock sends a message; enrolling OTP or push sends none.
      const enrolment = enrolls && FLOW_MESSAGES[scenario] > 0 ? users : 0;
      const messages = iterations * FLOW_MESSAGES[scenario] + enrolment;
      return { ...base, bucket, rate: 0, attempts: 0, users, messages };
    }
  }
}

/** Total length of a list of stages, in seconds. */
export function totalSeconds(stages: RampStage[]): number {
  return stages.reduce((n, s) => n + s.seconds, 0);
}

export interface BudgetDecision {
  ok: boolean;
  message: string;
}

/**
 * Decides whether a run may start: a loopback target always may (nothing real is sent); any other
 * host needs an SMS budget that covers the plan's upper bound of messages.
 */
export function checkSmsBudget(
  plan: ScenarioPlan,
  loopback: boolean,
  budget: number | undefined,
): BudgetDecision {
  if (loopback)
    return { ok: true, message: `loopback target: ${plan.messages} planned messages are not real` };
  if (budget === undefined) {
    return {
      ok: false,
      message: `LOAD_SMS_BUDGET is required for a non-loopback target (plan: ${plan.messages} messages)`,
    };
  }
  if (plan.messages > budget) {
    return {
      ok: false,
      message: `${plan.scenario} plans up to ${plan.messages} messages, over LOAD_SMS_BUDGET=${budget}; shorten --duration, lower LOAD_VUS/LOAD_ITERATIONS or raise the budget`,
    };
  }
  return { ok: true, message: `${plan.messages} planned messages within LOAD_SMS_BUDGET=${budget}` };
}
