/**
 * The factors a tenant offers through the MFA API (docs/behaviour.md#factors): `--factors
 * sms,voice,otp,email,push`, `PUT /__mock/config {"factors": [...]}`. No imports, so the
 * configuration parser can check the names where it reads them without loading the factor modules;
 * the modules themselves are registered in index.ts (which says what adding a factor takes).
 */

/** Every factor the MFA API enrolls, in the order the configuration shows them. */
export const factorNames = ["sms", "voice", "otp", "email", "push"] as const;

/** A factor a tenant can offer. */
export type Factor = (typeof factorNames)[number];

/** True when `value` names a factor. */
export function isFactor(value: unknown): value is Factor {
  return typeof value === "string" && (factorNames as readonly string[]).includes(value);
}

/**
 * The factors in their canonical order without repeats, or the reason the set cannot be a tenant's:
 * Auth0 lets email be enabled only beside another factor (docs/behaviour.md#factors).
 */
export function normaliseFactors(list: readonly Factor[]): Factor[] | string {
  const set = new Set(list);
  const out = factorNames.filter((f) => set.has(f));
  if (out.length === 1 && out[0] === "email") return "email can only be enabled beside another factor";
  return out;
}
