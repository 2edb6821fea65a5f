/**
 * `mfa_requirements` of an `mfa_required` answer (docs/behaviour.md#mfa-requirements), one rule for
 * every grant that answers it: the password grants and a refresh refused by MFA on refresh.
 */
import type { FactorModule } from "../factors/factor.ts";
import { factorModule, factorModules } from "../factors/index.ts";
import type { Runtime } from "../runtime.ts";
import type { User } from "../store/records.ts";

/**
 * The order of Auth0's documented `mfa_requirements` example; a type it does not list goes last.
 */
const ENROLL_ORDER = ["otp", "phone", "push-notification"];
const CHALLENGE_ORDER = ["otp", "push-notification", "phone", "recovery-code", "email"];

/** Sorts requirement types by a documented order. */
function inOrder(types: Set<string>, order: readonly string[]): Array<{ type: string }> {
  const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
  return [...types].sort((a, b) => rank(a) - rank(b)).map((type) => ({ type }));
}

/**
 * What an unenrolled user may enroll (the factors the tenant offers; email is for challenges only),
 * or an enrolled one may use.
 */
export function mfaRequirements(rt: Runtime, user: User): Record<string, unknown> {
  const challenge = new Set<string>();
  let challengeable = false;
  for (const a of user.authenticators) {
    if (!a.active) continue;
    const m = factorModule(a);
    challenge.add(m.requirement.type);
    if (m.challenge !== undefined) challengeable = true;
  }
  if (challengeable) return { challenge: inOrder(challenge, CHALLENGE_ORDER) };
  const enroll = new Set<string>();
  for (const m of factorModules()) {
    if (m.requirement.enroll && offersAny(rt, m)) enroll.add(m.requirement.type);
  }
  return { enroll: inOrder(enroll, ENROLL_ORDER) };
}

/** True when the tenant offers one of the factors a module enrolls. */
function offersAny(rt: Runtime, m: FactorModule): boolean {
  return Object.values(m.enrollment?.requests ?? {}).some((f) => rt.config.factors.includes(f));
}
