/**
 * What the mock takes from the Actions bound to its post-login trigger (docs/behaviour.md#post-login-actions).
 * The mock runs no Action code: it recognises one pattern, the post-login Action that requires MFA on
 * refresh (`tenant/actions/require-mfa-on-refresh.js` is one), and plays it with its own switch,
 * `mfa_on_refresh`, narrowed to the audiences of the Action's `MFA_ON_REFRESH_AUDIENCES` secret as the
 * Action narrows itself. Every other Action is stored and listed, and changes nothing.
 */
import { audienceList, Expected } from "../config/parsers.ts";

/** The secret the Action reads its audiences from (comma-separated; none: every audience). */
export const AUDIENCES_SECRET = "MFA_ON_REFRESH_AUDIENCES";

/** What the bound post-login Actions do to the mock: MFA on refresh for these audiences ([]: every one). */
export interface PostLoginEffect {
  audiences: string[];
}

/**
 * True for code that requires MFA on a refresh-token exchange: it calls `api.multifactor.enable(` and
 * names the refresh-token protocol, `oauth2-refresh-token`. A pattern, not an evaluation: code that
 * names both for another purpose counts too (the README of tenant/ says so).
 */
export function requiresMfaOnRefresh(code: string): boolean {
  return /\bapi\s*\.\s*multifactor\s*\.\s*enable\s*\(/.test(code) && code.includes("oauth2-refresh-token");
}

/** The audiences a deployed version's secret narrows to, as the Action splits them. */
function audiencesOf(secrets: ReadonlyMap<string, string>): string[] {
  return (secrets.get(AUDIENCES_SECRET) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The effect of the deployed versions bound to post-login, in binding order: the first that requires
 * MFA on refresh decides; undefined when none does.
 */
export function postLoginEffect(
  bound: ReadonlyArray<{ code: string; secrets: ReadonlyMap<string, string> }>,
): PostLoginEffect | undefined {
  const first = bound.find((v) => requiresMfaOnRefresh(v.code));
  return first === undefined ? undefined : { audiences: audiencesOf(first.secrets) };
}

/**
 * Why the configuration cannot take an effect's audiences, by the configuration's own rule for
 * `mfa_on_refresh_audiences`: the secret's name, which of its audiences, and the rule, never the
 * value (a secret stays out of every answer); undefined when it can.
 */
export function audiencesRefusal(effect: PostLoginEffect | undefined): string | undefined {
  if (effect === undefined) return undefined;
  try {
    audienceList(effect.audiences, false);
    return undefined;
  } catch (e) {
    if (!(e instanceof Expected)) throw e;
    const entry = /^\[(\d+)\]$/.exec(e.path)?.[1];
    if (entry === undefined) {
      return `The secret ${AUDIENCES_SECRET} lists more audiences than mfa_on_refresh_audiences takes.`;
    }
    return `The secret ${AUDIENCES_SECRET}: its audience number ${Number(entry) + 1} must be ${e.allowed}.`;
  }
}

/** True when two effects switch the mock the same way. */
export function sameEffect(a: PostLoginEffect | undefined, b: PostLoginEffect | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.audiences.length === b.audiences.length && a.audiences.every((x, i) => x === b.audiences[i]);
}

/**
 * The configuration change (in the control API's names, the path `PUT /__mock/config` takes) that
 * makes the mock do what the trigger now does.
 */
export function configPatch(effect: PostLoginEffect | undefined): Record<string, unknown> {
  return {
    mfa_on_refresh: effect !== undefined,
    mfa_on_refresh_audiences: effect?.audiences ?? [],
    // The Action narrows by audience only.
    mfa_on_refresh_scopes: [],
  };
}
