/**
 * The options every scenario reads from its environment (`k6 run --env KEY=V`, or the process
 * environment, which k6 passes through), read once and validated; an error names the variable.
 * Pure module: no k6 and no Node imports.
 */
import { isProfileName, type ProfileName } from "./rate-limits.ts";

export type TargetName = "mock" | "tenant";

export interface LoadOptions {
  target: TargetName;
  /** Base URL of the API (no trailing slash). */
  baseUrl: string;
  profile: ProfileName;
  /** Main phase length for the time-based scenarios. */
  durationSeconds: number;
  /** Virtual users for the flow scenarios (token exchange, SMS per user, wrong codes). */
  vus: number;
  /** Iterations per VU for the flow scenarios: each iteration uses its own users. */
  iterations: number;
  /** p95 latency budget of the scenario's main request, in milliseconds. */
  p95Ms: number;
  /** Share of responses checked against the OpenAPI description, 0..1. */
  schemaSampleRate: number;
  /** Lowest acceptable share of checked responses that conform, 0..1. */
  schemaMinConformance: number;
  /** How far admitted requests may stray from the token-bucket envelope, in percent. */
  envelopeTolerancePercent: number;
  /**
   * Status of the lockout answers ("Too many SMS…", "Too many failed codes…");
   * docs/behaviour.md#per-user-limits.
   */
  lockoutStatus: number;
  /** Status of `invalid_grant` for a wrong binding code; docs/behaviour.md#code-mismatch-status. */
  invalidGrantStatus: number;
  /** Allowed difference between this machine's clock and the target's, for `x-ratelimit-reset`. */
  clockSkewMs: number;
  /** Tenant only: JSON file with the user pool, `[{username, password, phone}]` (or the JSON itself). */
  tenantUsersFile?: string;
  tenantUsersJson?: string;
  /** Tenant only: the code sink, answering like the mock's outbox (`?recipient=&after=`). */
  inboxUrl?: string;
  /** Tenant only: bearer token that reads the sink's outbox. */
  inboxToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Tenant only: realm for the password-realm grant; without it the password grant is used. */
  connection?: string;
  audience?: string;
  /** Reference of Auth0's written approval of this load test (a support ticket); required off loopback. */
  approval?: string;
  /** Lets a non-loopback run go past the profile's published limit: only for a deployment the user operates. */
  allowOverLimit: boolean;
}

export class OptionError extends Error {}

/** Parses a k6-style duration ("500ms", "30s", "1m30s", "2h", or plain seconds) into seconds. */
export function parseDuration(value: string, name = "duration"): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    const n = Number(m[1]);
    total += m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
  }
  if (consumed !== text.length || text.length === 0) {
    throw new OptionError(`${name}: "${value}" is not a duration (examples: 30s, 1m30s, 500ms)`);
  }
  return total;
}

/** Formats seconds as a k6 duration string ("90s" → "1m30s"; fractions in ms). */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds)) return `${Math.round(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || (!h && !m) ? `${s}s` : ""}`;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function number(
  env: Env,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  rule: string,
): number {
  const v = text(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new OptionError(`${name}: "${v}" must be ${rule}`);
  return n;
}

/** A yes/no variable: unset, empty or "0" is no, "1" is yes, anything else is refused with its name. */
export function readSwitch(env: Env, name: string): boolean {
  const v = text(env, name);
  if (v === undefined || v === "0") return false;
  if (v === "1") return true;
  throw new OptionError(`${name}: "${v}" must be 1 (or 0, or unset)`);
}

const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
const share = (n: number) => n >= 0 && n <= 1;
const httpStatus = (n: number) => Number.isInteger(n) && n >= 400 && n <= 599;

/** Reads and validates the LOAD_* variables; defaults fit the embedded mock. */
export function readLoadOptions(env: Env): LoadOptions {
  const target = text(env, "LOAD_TARGET") ?? "mock";
  if (target !== "mock" && target !== "tenant") {
    throw new OptionError(`LOAD_TARGET: "${target}" must be mock or tenant`);
  }
  const baseUrl = text(env, "LOAD_BASE_URL");
  if (!baseUrl)
    throw new OptionError("LOAD_BASE_URL is required (the target's base URL, e.g. http://127.0.0.1:4010)");
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) {
    throw new OptionError(`LOAD_BASE_URL: "${baseUrl}" must be an http(s) URL`);
  }
  const profile = text(env, "LOAD_PROFILE") ?? "essentials";
  if (!isProfileName(profile)) {
    throw new OptionError(`LOAD_PROFILE: "${profile}" must be one of free, essentials, enterprise, off`);
  }
  const duration = text(env, "LOAD_DURATION");
  return {
    target,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    profile,
    durationSeconds:
      duration === undefined ? 30 : positive(parseDuration(duration, "LOAD_DURATION"), "LOAD_DURATION"),
    vus: number(env, "LOAD_VUS", 1, positiveInt, "a whole number >= 1"),
    iterations: number(env, "LOAD_ITERATIONS", 1, positiveInt, "a whole number >= 1"),
    p95Ms: number(env, "LOAD_P95_MS", 500, (n) => n >= 0, "a number of milliseconds >= 0"),
    schemaSampleRate: number(env, "LOAD_SCHEMA_SAMPLE", 1, share, "a share between 0 and 1"),
    schemaMinConformance: number(env, "LOAD_SCHEMA_MIN", 1, share, "a share between 0 and 1"),
    envelopeTolerancePercent: number(env, "LOAD_ENVELOPE_TOLERANCE", 2, (n) => n >= 0, "a percentage >= 0"),
    lockoutStatus: number(env, "LOAD_LOCKOUT_STATUS", 429, httpStatus, "an HTTP error status"),
    invalidGrantStatus: number(env, "LOAD_INVALID_GRANT_STATUS", 403, httpStatus, "an HTTP error status"),
    clockSkewMs: number(env, "LOAD_CLOCK_SKEW_MS", 0, (n) => n >= 0, "a number of milliseconds >= 0"),
    tenantUsersFile: text(env, "LOAD_TENANT_USERS"),
    tenantUsersJson: text(env, "LOAD_TENANT_USERS_JSON"),
    inboxUrl: text(env, "LOAD_INBOX_URL"),
    inboxToken: text(env, "LOAD_INBOX_TOKEN"),
    clientId: text(env, "LOAD_CLIENT_ID"),
    clientSecret: text(env, "LOAD_CLIENT_SECRET"),
    connection: text(env, "LOAD_CONNECTION"),
    audience: text(env, "LOAD_AUDIENCE"),
    approval: text(env, "LOAD_AUTH0_APPROVAL"),
    allowOverLimit: readSwitch(env, "LOAD_ALLOW_OVER_LIMIT"),
  };
}

function positive(n: number, name: string): number {
  if (n <= 0) throw new OptionError(`${name} must be longer than 0`);
  return n;
}

/** The variables the tenant target needs that `opts` lacks (empty when it is configured). */
export function missingTenantSettings(opts: LoadOptions): string[] {
  const missing: string[] = [];
  if (!opts.tenantUsersFile && !opts.tenantUsersJson)
    missing.push("LOAD_TENANT_USERS (or LOAD_TENANT_USERS_JSON)");
  if (!opts.inboxUrl) missing.push("LOAD_INBOX_URL");
  if (!opts.clientId) missing.push("LOAD_CLIENT_ID");
  if (!opts.clientSecret) missing.push("LOAD_CLIENT_SECRET");
  return missing;
}

/**
 * Scenarios that move the mock's clock need a single VU: a move refills every bucket, including those
 * another VU is in the middle of emptying.
 */
export function assertSingleVuOnClockTarget(opts: LoadOptions, scenario: string): void {
  if (opts.target === "mock" && opts.vus > 1) {
    throw new OptionError(
      `LOAD_VUS: ${scenario} moves the mock's clock, which other VUs would see; use 1 (iterations run one after another)`,
    );
  }
}
