/**
 * The target of a run, seen from k6: who the users are, how to read the code sent to a phone, and
 * (mock only) how to move the clock. `setup()` of every scenario calls `prepareTarget`; the VUs get
 * its result. Scenarios never branch on the target, only on its capabilities.
 */

import { sleep } from "k6";
import http from "k6/http";
import { type LoadOptions, missingTenantSettings, type TargetName } from "../options.ts";
import { documentedLimits, type ProfileName } from "../rate-limits.ts";
import { poolSlice } from "../segments.ts";
import {
  associateSms,
  type ClientSettings,
  exchangeOob,
  explain,
  field,
  listAuthenticators,
  passwordGrant,
} from "./client.ts";
import { control, controlHeaders } from "./control.ts";
import { iterationIndex, prepareMockShared, runnerSegment } from "./runners.ts";

export interface LoadUser {
  username: string;
  password: string;
  phone: string;
  /** `sms|dev_…`, from the list endpoint. */
  authenticatorId: string;
  /** From the setup; valid for the mfa_token lifetime (5 to 10 minutes). */
  mfaToken: string;
}

export interface SetupData {
  target: TargetName;
  profile: ProfileName;
  /** True when the target's clock can be moved (the mock's control API). */
  clock: boolean;
  settings: ClientSettings;
  users: LoadUser[];
  /** Where codes are read: the mock's outbox or the tenant's sink. */
  inboxUrl: string;
  inboxToken?: string;
}

// The tenant's user pool is read in the init context (k6's open() works nowhere else).
const tenantPool = readTenantPool();

/** The tenant's user pool as JSON text (LOAD_TENANT_USERS_JSON or the LOAD_TENANT_USERS file), read at init. */
export function tenantPoolJson(): string | undefined {
  return tenantPool;
}

function readTenantPool(): string | undefined {
  if (__ENV.LOAD_TARGET !== "tenant") return undefined;
  // Inline JSON suits a Kubernetes Secret mounted as an environment variable; a file suits a laptop.
  const file = __ENV.LOAD_TENANT_USERS;
  return __ENV.LOAD_TENANT_USERS_JSON || (file ? open(file) : undefined);
}

/** Gets the run's users ready: enrolled with an SMS authenticator, each with a fresh mfa_token. */
export function prepareTarget(opts: LoadOptions, users: number): SetupData {
  return opts.target === "mock" ? prepareMock(opts, users) : prepareTenant(opts, users);
}

function prepareMock(opts: LoadOptions, count: number): SetupData {
  const data: SetupData = {
    target: "mock",
    profile: opts.profile,
    clock: true,
    settings: clientSettings(opts, "", ""),
    users: [],
    inboxUrl: `${opts.baseUrl}/__mock/outbox`,
    // The outbox is a control route: a guarded mock wants its credential there too.
    ...(controlHeaders().authorization ? { inboxToken: __ENV.LOAD_CONTROL_TOKEN } : {}),
  };
  const prefix = phonePrefix();
  // Several runners (execution segments) share one mock: prepareMockShared orders the steps so that
  // it is reset once, and each runner enrols its own share of the users (load/lib/k6/runners.ts).
  prepareMockShared(opts.baseUrl, opts.profile, count, {
    // A fresh state (buckets full, clock at real time) makes the envelope start where the run starts.
    reset: () => control(opts.baseUrl, "POST", "/reset"),
    readConfig: () => {
      const config = control(opts.baseUrl, "GET", "/config") as Record<string, unknown>;
      const [id, secret] = [String(config.client_id ?? ""), String(config.client_secret ?? "")];
      data.settings = clientSettings(opts, id, secret);
    },
    // Enrolment traffic must not drain the buckets the scenario measures: no limits while seeding.
    setProfile: (profile) => control(opts.baseUrl, "PUT", "/config", { profile }),
    enrol: (users) => {
      for (let i = 0; i < users; i++) {
        const created = control(opts.baseUrl, "POST", "/users", {}) as { username: string; password: string };
        const phone = `${prefix}${String(i).padStart(5, "0")}`;
        data.users.push(enroll(data, created, phone));
      }
    },
    sendSms: (phone) => {
      const created = control(opts.baseUrl, "POST", "/users", {}) as { username: string; password: string };
      const sent = associateSms(data.settings, mfaToken(data.settings, created), phone);
      if (sent.status !== 200) throw new Error(`signalling the runners: associate answered ${explain(sent)}`);
    },
  });
  return data;
}

/** A run-unique +1555 number prefix, so numbers from runs sharing a mock never collide. */
function phonePrefix(): string {
  return `+1555${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}`;
}

/** Enrols one user with SMS (associate, read the code, confirm) and logs in again for an mfa_token. */
function enroll(data: SetupData, user: { username: string; password: string }, phone: string): LoadUser {
  const first = mfaToken(data.settings, user);
  const associated = associateSms(data.settings, first, phone);
  const oobCode = field(associated.body, "oob_code");
  if (associated.status !== 200 || !oobCode) throw new Error(`associate answered ${explain(associated)}`);
  const code = nextCode(data, phone);
  const confirmed = exchangeOob(data.settings, first, oobCode, code.code);
  if (confirmed.status !== 200) throw new Error(`confirming the enrolment answered ${explain(confirmed)}`);
  return loggedIn(data.settings, { ...user, phone });
}

/** Logs a pool user in and finds their SMS authenticator. */
function loggedIn(
  settings: ClientSettings,
  user: { username: string; password: string; phone: string },
): LoadUser {
  const token = mfaToken(settings, user);
  const listed = listAuthenticators(settings, token);
  const list = Array.isArray(listed.body) ? (listed.body as Array<Record<string, unknown>>) : [];
  const sms = list.find((a) => a.active === true && typeof a.id === "string" && a.id.startsWith("sms|"));
  if (!sms) throw new Error(`a user has no active SMS authenticator (list answered ${explain(listed)})`);
  return { ...user, authenticatorId: String(sms.id), mfaToken: token };
}

/** A fresh mfa_token for a user (password grant → 403 mfa_required). */
export function mfaToken(settings: ClientSettings, user: { username: string; password: string }): string {
  const res = passwordGrant(settings, user);
  const token = field(res.body, "mfa_token");
  if (field(res.body, "error") !== "mfa_required" || !token) {
    throw new Error(`password grant answered ${explain(res)}, expected mfa_required with an mfa_token`);
  }
  return token;
}

function prepareTenant(opts: LoadOptions, count: number): SetupData {
  const missing = missingTenantSettings(opts);
  if (missing.length > 0 || !tenantPool) {
    const names = missing.length > 0 ? missing.join(", ") : "LOAD_TENANT_USERS";
    throw new Error(
      `the tenant target is not configured: set ${names} (see load/README.md, "Against a tenant")`,
    );
  }
  const pool = JSON.parse(tenantPool) as Array<{ username: string; password: string; phone: string }>;
  if (!Array.isArray(pool) || pool.length < count) {
    throw new Error(
      `LOAD_TENANT_USERS holds ${Array.isArray(pool) ? pool.length : 0} users; this run needs ${count}`,
    );
  }
  const settings = clientSettings(opts, opts.clientId ?? "", opts.clientSecret ?? "");
  const data: SetupData = {
    target: "tenant",
    profile: opts.profile,
    clock: false,
    settings,
    users: [],
    inboxUrl: opts.inboxUrl ?? "",
    ...(opts.inboxToken ? { inboxToken: opts.inboxToken } : {}),
  };
  // Each runner (execution segment) logs in only its own slice: the runners' users never overlap.
  const { from, to } = poolSlice(count, runnerSegment());
  for (const user of pool.slice(from, to)) data.users.push(loggedIn(settings, user));
  return data;
}

/** The client settings of a run (credentials, sampling, clock skew), its clock offset 0. */
export function clientSettings(opts: LoadOptions, clientId: string, clientSecret: string): ClientSettings {
  return {
    baseUrl: opts.baseUrl,
    clientId,
    clientSecret,
    ...(opts.connection ? { connection: opts.connection } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
    schemaSampleRate: opts.schemaSampleRate,
    clockOffsetMs: 0,
    clockSkewMs: opts.clockSkewMs,
  };
}

export interface Message {
  id: string;
  code: string;
}

function listMessages(data: SetupData, phone: string, after?: string): Message[] {
  const query = `recipient=${encodeURIComponent(phone)}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
  const headers: Record<string, string> = data.inboxToken
    ? { authorization: `Bearer ${data.inboxToken}` }
    : {};
  const res = http.get(`${data.inboxUrl}?${query}`, { headers, tags: { name: "inbox" } });
  if (res.status !== 200 || typeof res.body !== "string") {
    throw new Error(`the inbox ${data.inboxUrl} answered ${res.status}`);
  }
  const list = JSON.parse(res.body) as unknown;
  return Array.isArray(list)
    ? (list as Array<Record<string, unknown>>)
        .filter((m) => typeof m.id === "string" && typeof m.code === "string")
        .map((m) => ({ id: String(m.id), code: String(m.code) }))
    : [];
}

/** Id of the newest message to `phone` so far (read it before a challenge, to wait for the next one). */
export function latestMessageId(data: SetupData, phone: string): string | undefined {
  const list = listMessages(data, phone);
  return list[list.length - 1]?.id;
}

/** The newest message to `phone` after message `after` (polls a tenant's sink for up to 30 s). */
export function nextCode(data: SetupData, phone: string, after?: string): Message {
  const attempts = data.clock ? 1 : 60;
  for (let i = 0; i < attempts; i++) {
    const list = listMessages(data, phone, after);
    const last = list[list.length - 1];
    if (last) return last;
    if (i + 1 < attempts) sleep(0.5);
  }
  // The number stays out of the message: errors end up in logs.
  throw new Error(`no message reached the user's phone (inbox ${data.inboxUrl})`);
}

/**
 * Lets `seconds` pass on the target: the mock's clock is moved (no real wait), anything else is
 * waited for. The VU's view of the target's clock (`settings.clockOffsetMs`) follows the move.
 */
export function letTimePass(data: Pick<SetupData, "clock">, settings: ClientSettings, seconds: number): void {
  if (seconds <= 0) return;
  if (!data.clock) {
    sleep(seconds);
    return;
  }
  syncClock(
    settings,
    control(settings.baseUrl, "POST", "/clock", { advance_seconds: Math.ceil(seconds) }) as { now?: string },
  );
}

/**
 * Lets the tenant-wide bucket fill up again (burst / rate: 1 s on essentials and enterprise, 60 s on
 * free), so that a flow scenario's short burst of requests meets only the limit it is about.
 */
export function letGlobalLimitRefill(
  data: Pick<SetupData, "clock" | "profile">,
  settings: ClientSettings,
): void {
  const global = documentedLimits[data.profile].global;
  if (global) letTimePass(data, settings, global.burst / global.refillPerSecond);
}

/**
 * Waits until `atMs` (epoch ms on the target's clock): the mock's clock is moved there to the
 * millisecond, so a schedule of requests lands where it was planned however long the requests before
 * took; any other target is waited for. Nothing happens when that time has passed.
 */
export function waitUntil(data: Pick<SetupData, "clock">, settings: ClientSettings, atMs: number): void {
  const ms = Math.ceil(atMs - targetNow(settings));
  if (ms <= 0) return;
  if (!data.clock) {
    sleep(ms / 1000);
    return;
  }
  syncClock(
    settings,
    control(settings.baseUrl, "POST", "/clock", { advance_seconds: ms / 1000 }) as { now?: string },
  );
}

/** The target's current time in epoch ms, as far as this VU knows (its clock offset applied). */
export function targetNow(settings: ClientSettings): number {
  return Date.now() + settings.clockOffsetMs;
}

/**
 * Settings for an iteration: a copy, because the iteration moves its own view of the target's clock,
 * starting from where the mock's clock stands now (an earlier iteration may have moved it).
 */
export function vuSettings(data: Pick<SetupData, "clock" | "settings">): ClientSettings {
  const settings = { ...data.settings };
  if (data.clock) syncClock(settings, control(settings.baseUrl, "GET", "/clock") as { now?: string });
  return settings;
}

function syncClock(settings: ClientSettings, answer: { now?: string }): void {
  const now = answer.now ? Date.parse(answer.now) : Number.NaN;
  if (Number.isFinite(now)) settings.clockOffsetMs = now - Date.now();
}

/**
 * The user for this iteration: iterations share nothing, across VUs and (distributed) instances. With
 * several runners each has its own users, taken in turn by the runner's own iterations.
 */
export function iterationUser<U>(data: { users: U[] }): U {
  const i = iterationIndex();
  const user = data.users[i % data.users.length];
  if (!user) throw new Error("setup produced no users");
  return user;
}
