/**
 * Users for the scenarios about the other factors: each with an OTP authenticator (its secret kept, as
 * an authenticator app keeps it) or with a push authenticator scanned by the mock's Guardian stand-in.
 * Called from `setup()`; on the mock the users are made and enrolled with the limits off, so that the
 * enrolment traffic drains no bucket the scenario measures.
 */
import type { LoadOptions, TargetName } from "../options.ts";
import type { ProfileName } from "../rate-limits.ts";
import {
  associateOtp,
  associatePush,
  type ClientSettings,
  exchangeOob,
  exchangeOtp,
  explain,
  field,
} from "./client.ts";
import { control } from "./control.ts";
import { clientSettings, mfaToken, targetNow, tenantPoolJson } from "./target.ts";
import { otpCode } from "./totp.ts";

/** What `setup()` hands the VUs: the target, its clock, the client settings and the users. */
export interface FactorSetup<U> {
  target: TargetName;
  profile: ProfileName;
  /** True when the target's clock can be moved (the mock's control API). */
  clock: boolean;
  settings: ClientSettings;
  users: U[];
}

export interface OtpUser {
  username: string;
  password: string;
  /** The base32 secret of the user's active OTP authenticator. */
  otpSecret: string;
}

export interface PushUser {
  username: string;
  password: string;
  /** `push|dev_…`, active: the device scanned its barcode. */
  authenticatorId: string;
}

/** The mock with the limits off while `enroll` makes `count` users; then the run's profile. */
function onMock<U>(
  opts: LoadOptions,
  count: number,
  enroll: (settings: ClientSettings, user: { username: string; password: string }) => U,
): FactorSetup<U> {
  control(opts.baseUrl, "POST", "/reset");
  const config = control(opts.baseUrl, "GET", "/config") as Record<string, unknown>;
  const settings = clientSettings(opts, String(config.client_id ?? ""), String(config.client_secret ?? ""));
  control(opts.baseUrl, "PUT", "/config", { profile: "off" });
  const users: U[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const created = control(opts.baseUrl, "POST", "/users", {}) as { username: string; password: string };
      users.push(enroll(settings, created));
    }
  } finally {
    // A failed enrollment must not leave a shared mock without its limits (reset keeps the configuration).
    control(opts.baseUrl, "PUT", "/config", { profile: opts.profile });
  }
  return { target: "mock", profile: opts.profile, clock: true, settings, users };
}

/** Enrols OTP: associate, then confirm with the code of the secret it answered. */
function enrollOtp(settings: ClientSettings, user: { username: string; password: string }): OtpUser {
  const token = mfaToken(settings, user);
  const associated = associateOtp(settings, token);
  const secret = field(associated.body, "secret");
  if (associated.status !== 200 || !secret)
    throw new Error(`associate (otp) answered ${explain(associated)}`);
  const confirmed = exchangeOtp(settings, token, otpCode(secret, targetNow(settings)));
  if (confirmed.status !== 200)
    throw new Error(`confirming the OTP enrolment answered ${explain(confirmed)}`);
  return { ...user, otpSecret: secret };
}

/** Users with an active OTP authenticator: enrolled on the mock, or a tenant pool that names each secret. */
export function prepareOtpUsers(opts: LoadOptions, count: number): FactorSetup<OtpUser> {
  if (opts.target === "mock") return onMock(opts, count, enrollOtp);
  const raw = tenantPoolJson();
  if (!raw || !opts.clientId || !opts.clientSecret) {
    throw new Error(
      "the tenant target is not configured: set LOAD_TENANT_USERS (users with otp_secret), LOAD_CLIENT_ID, LOAD_CLIENT_SECRET (see load/README.md)",
    );
  }
  const pool = JSON.parse(raw) as Array<{ username?: string; password?: string; otp_secret?: string }>;
  const users = (Array.isArray(pool) ? pool : [])
    .filter((u) => u.username && u.password && u.otp_secret)
    .slice(0, count)
    .map((u) => ({
      username: String(u.username),
      password: String(u.password),
      otpSecret: String(u.otp_secret),
    }));
  if (users.length < count) {
    throw new Error(
      `LOAD_TENANT_USERS holds ${users.length} users with an otp_secret; this run needs ${count}`,
    );
  }
  const settings = clientSettings(opts, opts.clientId, opts.clientSecret);
  return { target: "tenant", profile: opts.profile, clock: false, settings, users };
}

/** Enrols push: associate, the device's scan through the Guardian stand-in, then the poll that confirms it. */
function enrollPush(
  baseUrl: string,
): (settings: ClientSettings, user: { username: string; password: string }) => PushUser {
  return (settings, user) => {
    const token = mfaToken(settings, user);
    const associated = associatePush(settings, token);
    const oobCode = field(associated.body, "oob_code");
    const txId = /[?&]enrollment_tx_id=([^&]+)/.exec(field(associated.body, "barcode_uri") ?? "")?.[1];
    if (associated.status !== 200 || !oobCode || !txId) {
      throw new Error(`associate (push) answered ${explain(associated)}`);
    }
    const scanned = control(baseUrl, "POST", "/guardian/enroll", {
      enrollment_tx_id: decodeURIComponent(txId),
    }) as { authenticator_id?: string };
    const confirmed = exchangeOob(settings, token, oobCode, undefined);
    if (confirmed.status !== 200 || !scanned.authenticator_id) {
      throw new Error(`confirming the push enrolment answered ${explain(confirmed)}`);
    }
    return { ...user, authenticatorId: scanned.authenticator_id };
  };
}

/** Users with an active push authenticator, on the mock (a tenant's pushes go to a real phone). */
export function preparePushUsers(opts: LoadOptions, count: number): FactorSetup<PushUser> {
  return onMock(opts, count, enrollPush(opts.baseUrl));
}
