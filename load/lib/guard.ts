/**
 * The gate in front of every run that is not against loopback: the host must be named in
 * LOAD_ALLOW_HOST (an explicit opt-in, so a mistyped URL never loads a production tenant) and the
 * scenario's planned messages must fit LOAD_SMS_BUDGET (a real tenant sends real SMS).
 * Checked twice: by `npm run load` before it starts anything, and by every scenario's init code, so
 * a bundle run with k6 directly (or on Kubernetes) is gated too.
 * Pure module: no k6 and no Node imports (k6 has no URL class, hence the pattern).
 */
import { checkSmsBudget, type ScenarioPlan } from "./plan.ts";

/** Host name of a URL, lower case, without user info, port or IPv6 brackets. */
export function hostName(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return (m?.[1] ?? "").replace(/^\[|\]$/g, "").toLowerCase();
}

/** True for localhost and the loopback addresses (127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
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
  if (!loopback) {
    const allowed = (env.LOAD_ALLOW_HOST ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (!allowed.includes(host)) {
      return {
        ok: false,
        loopback,
        message: `${host} is not loopback: set LOAD_ALLOW_HOST=${host} to load it on purpose (and LOAD_SMS_BUDGET)`,
      };
    }
  }
  const raw = env.LOAD_SMS_BUDGET?.trim();
  const budget = raw === undefined || raw === "" ? undefined : Number(raw);
  if (budget !== undefined && (!Number.isInteger(budget) || budget < 0)) {
    return { ok: false, loopback, message: `LOAD_SMS_BUDGET: "${raw}" must be a whole number of messages` };
  }
  const decision = checkSmsBudget(plan, loopback, budget);
  return { ok: decision.ok, loopback, message: decision.message };
}
