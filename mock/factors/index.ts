/**
 * The factor registry: authenticator kind → factor module, and the lookups the handlers dispatch
 * through (associate by request, challenge and listing by kind, the MFA grants by grant and oob
 * channel, deletion with the ids enrolled together). registry.ts keeps the factor names, which the
 * configuration reads without loading the modules.
 *
 * Adding a factor (say WebAuthn) takes:
 *   1. its authenticator variant in the `Authenticator` union (store/records.ts: kind + its fields);
 *   2. its name in `factorNames` (registry.ts) if a tenant switches it with `--factors`;
 *   3. one module, `factors/<name>.ts`, exporting a `FactorModule` (factor.ts): kinds, the factor it
 *      counts as, its enrollment requests and enroll, its challenge, its grant's redeem, its list entry,
 *      what a delete removes with it, its per-user limit; sending a code is `code.ts`'s;
 *   4. one line in `modules` below.
 * The handlers (operations/associate.ts, challenge.ts, token.ts, authenticators.ts) do not change. Its
 * answers also go into the description (openapi/) and its decisions into docs/behaviour.md.
 */

import type { Runtime } from "../runtime.ts";
import type { Authenticator, AuthenticatorKind, OobChannel, User } from "../store/records.ts";
import { emailFactor } from "./email.ts";
import type { FactorModule, MfaGrant, ModuleOf } from "./factor.ts";
import { otpFactor } from "./otp.ts";
import { phoneFactor } from "./phone.ts";
import { pushFactor } from "./push.ts";
import { recoveryCodeFactor } from "./recovery-code.ts";
import type { Factor } from "./registry.ts";

/** Every factor module, one registration line each. */
const modules: readonly FactorModule[] = [
  phoneFactor,
  emailFactor,
  otpFactor,
  pushFactor,
  recoveryCodeFactor,
] as FactorModule[];

const byKind = {} as { [K in AuthenticatorKind]: ModuleOf<K> };
const enrollments = new Map<string, { module: FactorModule; factor: Factor }>();
const byOobChannel = new Map<OobChannel, FactorModule>();
const byGrant = new Map<MfaGrant, FactorModule>();
for (const m of modules) {
  for (const kind of m.kinds) (byKind as Record<string, FactorModule>)[kind] = m;
  for (const [request, factor] of Object.entries(m.enrollment?.requests ?? {})) {
    enrollments.set(request, { module: m, factor });
  }
  const verify = m.verify;
  if (verify?.grant === "mfa-oob") for (const c of verify.channels ?? []) byOobChannel.set(c, m);
  else if (verify) byGrant.set(verify.grant, m);
}

/** The authenticator kinds, in registration order (the prefixes an authenticator id may have). */
export const authenticatorKinds: readonly AuthenticatorKind[] = modules.flatMap((m) => m.kinds);

/** The module of an authenticator. */
export function factorModule(a: Authenticator): FactorModule {
  return byKind[a.kind] as FactorModule;
}

/** The tenant's factor an authenticator belongs to (undefined for a recovery code). */
export function factorOf(a: Authenticator): Factor | undefined {
  return factorModule(a).factorOf(a);
}

/**
 * The module and factor of an associate request: `otp` for authenticator_types ["otp"], `oob <channel>`
 * for an oob channel; undefined when no factor enrolls that way.
 */
export function enrollmentFor(request: string): { module: FactorModule; factor: Factor } | undefined {
  return enrollments.get(request);
}

/** The module that redeems an mfa-oob transaction of a channel. */
export function oobRedeemer(channel: OobChannel): FactorModule | undefined {
  return byOobChannel.get(channel);
}

/** The module that redeems a grant other than mfa-oob (mfa-otp, mfa-recovery-code). */
export function grantRedeemer(grant: MfaGrant): FactorModule | undefined {
  return byGrant.get(grant);
}

/** The registered modules, in registration order. */
export function factorModules(): readonly FactorModule[] {
  return modules;
}

/** True when an active authenticator of the user counts as an enrollment (docs/behaviour.md#already-enrolled). */
export function hasEnrolled(user: User): boolean {
  return user.authenticators.some((a) => a.active && factorModule(a).countsAsEnrolled);
}

/**
 * Deletes an authenticator with the ones its factor removes with it (sms and voice on one device; a
 * push and its totp); false when it is not the user's. `rt` (the MFA API's delete) applies the
 * deviations that change what goes with it.
 */
export function removeAuthenticator(
  state: { removeAuthenticators(user: User, ids: readonly string[]): boolean },
  user: User,
  id: string,
  rt?: Runtime,
): boolean {
  const target = user.authenticators.find((a) => a.id === id);
  if (!target) return false;
  return state.removeAuthenticators(user, factorModule(target).removedWith(user, target, rt));
}
