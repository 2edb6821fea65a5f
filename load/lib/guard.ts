/**
 * The gate in front of every run that is not against loopback, in the order a user meets it:
 * - the host must be named in LOAD_ALLOW_HOST (an explicit opt-in, so a mistyped URL never loads a
 *   production tenant);
 * - Auth0's load-testing policy: the run must carry the reference of Auth0's written approval
 *   (LOAD_AUTH0_APPROVAL), and its planned rate must stay within the profile's published limit unless
 *   LOAD_ALLOW_OVER_LIMIT=1 says the deployment is the user's own (a private cloud, say);
 * - the scenario's planned messages must fit LOAD_SMS_BUDGET (a real tenant sends real SMS).
 * Checked twice: by `npm run load` before it starts anything, and by every scenario's init code, so
 * a bundle run with k6 directly (or on Kubernetes) is gated too.
 * Pure module: no k6 and no Node imports (k6 has no URL class, hence the pattern). Loopback is the
 * repository's one rule (mock/http/loopback.ts): 0.0.0.0 is not loopback, so it needs LOAD_ALLOW_HOST.
 */
import { isLoopback } from "../../mock/http/loopback.ts";
import { OptionError, readSwitch } from "./options.ts";
import { checkSmsBudget, type ScenarioPlan } from "./plan.ts";

/** How refusals name the policy they enforce. */
export const AUTH0_POLICY = "Auth0's load-testing policy";

/** What the policy asks of a load test against Auth0, printed before any non-loopback run. */
export const auth0PolicyNotice: readonly string[] = [
  `${AUTH0_POLICY} (https://auth0.com/docs/troubleshoot/customer-support/operational-policies/load-testing-policy):`,
  "- only Enterprise customers may load test, and only tenants Auth0 approved;",
  "- with Auth0's prior written approval: a support ticket at least 7 days ahead, one test (up to 2 repeats) a year;",
  "- requests per second stay within Auth0's Rate Limit Policy.",
  "This run needs LOAD_AUTH0_APPROVAL=<the approval's reference>; a rate over the profile's limit needs",
  "LOAD_ALLOW_OVER_LIMIT=1, for a deployment you operate (a private cloud).",
];

/** Host name of a URL, lower case, without user info, port or IPv6 brackets. */
export function hostName(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return (m?.[1] ?? "").replace(/^\[|\]$/g, "").toLowerCase();
}

/** The highest request rate the plan holds at any time (0 for the flow scenarios, which have none). */
export function peakRate(plan: ScenarioPlan): number {
  return Math.max(plan.rate, ...plan.stages.map((s) => s.rate));
}

/** Why the plan's rate goes past the profile's published limit; undefined when it stays within it. */
export function overLimit(plan: ScenarioPlan): string | undefined {
  const peak = peakRate(plan);
  if (peak === 0) return undefined;
  if (!plan.bucket)
    return `${plan.scenario} plans ${peak} requests/s, and profile "${plan.profile}" publishes no limit to stay within`;
  if (peak <= plan.bucket.refillPerSecond) return undefined;
  return `${plan.scenario} plans up to ${peak} requests/s, over the ${plan.profile} profile's published limit of ${plan.bucket.refillPerSecond}/s`;
}

export interface GuardDecision {
  ok: boolean;
  loopback: boolean;
  message: string;
}

/** Decides whether the run may start; nothing has been sent when it says no. */
export function guardTarget(
  baseUrl: string,
  plan: ScenarioPlan,
  env: Record<string, string | undefined>,
): GuardDecision {
  const host = hostName(baseUrl);
  const loopback = isLoopback(host);
  const refuse = (message: string): GuardDecision => ({ ok: false, loopback, message });
  let policy = "";
  if (!loopback) {
    const allowed = (env.LOAD_ALLOW_HOST ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (!allowed.includes(host)) {
      return refuse(
        `${host} is not loopback: set LOAD_ALLOW_HOST=${host} to load it on purpose (and LOAD_SMS_BUDGET)`,
      );
    }
    const approval = env.LOAD_AUTH0_APPROVAL?.trim();
    if (!approval) {
      return refuse(
        `${AUTH0_POLICY} requires Auth0's prior written approval to load ${host}: set LOAD_AUTH0_APPROVAL=<its reference, e.g. the support ticket>`,
      );
    }
    const over = overLimit(plan);
    if (over) {
      let allowOver: boolean;
      try {
        allowOver = readSwitch(env, "LOAD_ALLOW_OVER_LIMIT");
      } catch (e) {
        return refuse(e instanceof OptionError ? e.message : String(e));
      }
      if (!allowOver) {
        return refuse(
          `${over}; ${AUTH0_POLICY} keeps requests within Auth0's Rate Limit Policy. Set LOAD_ALLOW_OVER_LIMIT=1 only for a deployment you operate (a private cloud)`,
        );
      }
      policy = ` (approval ${approval}; over the published limit: LOAD_ALLOW_OVER_LIMIT=1)`;
    } else policy = ` (approval ${approval})`;
  }
  const raw = env.LOAD_SMS_BUDGET?.trim();
  const budget = raw === undefined || raw === "" ? undefined : Number(raw);
  if (budget !== undefined && (!Number.isInteger(budget) || budget < 0)) {
    return refuse(`LOAD_SMS_BUDGET: "${raw}" must be a whole number of messages`);
  }
  const decision = checkSmsBudget(plan, loopback, budget);
  return { ok: decision.ok, loopback, message: decision.message + (decision.ok ? policy : "") };
}
