/**
 * The rate limits of each Auth0 plan that touch the MFA API, as token-bucket specs. Numbers come from
 * docs/behaviour.md#plan-limits, which cites Auth0's rate-limit policy pages for each plan:
 *
 * - global (Authentication API, sum of all endpoints, per tenant): free burst 300 at 300/minute;
 *   essentials/professional burst 25 at 25/second; enterprise burst 100 at 100/second.
 * - MFA OOB token exchange (POST /oauth/token with mfa-oob, per mfa_token, "to a unique session"):
 *   burst 12 at 12/minute on essentials/professional and enterprise. Auth0 does not list it for free,
 *   so the free profile has no such bucket.
 * - SMS or voice messages per user: burst 10, then 1 per hour ("SMS codes can be sent 10 times and
 *   refill once per hour"). Auth0 states this per user for every plan (SMS/voice configuration page),
 *   so free has it too although the free rate-limit table says "n/a".
 * - failed codes per user: burst 10, then 1 per 6 minutes ("invalid codes can be returned 10 times and
 *   refill once every six minutes"; the OTP brute-force bucket), every plan. One bucket for every
 *   6-digit code, whatever sent it: SMS, voice, email and TOTP (docs/behaviour.md#factor-limits).
 * - emails per user: burst 20, then 1 per minute ("Emails sent, per user" in the additional MFA limits),
 *   every plan, like the SMS limit.
 * - push notifications per user: burst 5, then 5 per minute ("Push notifications sent, per user"),
 *   every plan.
 *
 * `off` has no bucket at all, for benchmarks and for apps that test their own flows.
 *
 * Bucket names are what the limiter keys on: the global buckets differ per plan, so switching the
 * profile at run time starts them afresh; the per-user and per-token specs are the same on every plan,
 * so their state carries over.
 */
import type { BucketSpec } from "./rate-limit.ts";

export type ProfileName = "free" | "essentials" | "enterprise" | "off";
export interface RateLimitProfile {
  name: ProfileName;
  global: BucketSpec | null;
  oobExchangePerMfaToken: BucketSpec | null;
  messagesPerUser: BucketSpec | null;
  failedCodesPerUser: BucketSpec | null;
  emailsPerUser: BucketSpec | null;
  pushesPerUser: BucketSpec | null;
}

const oobExchangePerMfaToken: BucketSpec = {
  name: "oob-exchange-per-mfa-token",
  burst: 12,
  refillPerSecond: 12 / 60,
};
const messagesPerUser: BucketSpec = { name: "messages-per-user", burst: 10, refillPerSecond: 1 / 3600 };
const failedCodesPerUser: BucketSpec = { name: "failed-codes-per-user", burst: 10, refillPerSecond: 1 / 360 };
const emailsPerUser: BucketSpec = { name: "emails-per-user", burst: 20, refillPerSecond: 1 / 60 };
const pushesPerUser: BucketSpec = { name: "pushes-per-user", burst: 5, refillPerSecond: 5 / 60 };

/** Every profile by name; specs are frozen because buckets of all users share them. */
export const profiles: Record<ProfileName, RateLimitProfile> = deepFreeze({
  free: {
    name: "free",
    global: { name: "free-global", burst: 300, refillPerSecond: 300 / 60 },
    oobExchangePerMfaToken: null,
    messagesPerUser,
    failedCodesPerUser,
    emailsPerUser,
    pushesPerUser,
  },
  essentials: {
    name: "essentials",
    global: { name: "essentials-global", burst: 25, refillPerSecond: 25 },
    oobExchangePerMfaToken,
    messagesPerUser,
    failedCodesPerUser,
    emailsPerUser,
    pushesPerUser,
  },
  enterprise: {
    name: "enterprise",
    global: { name: "enterprise-global", burst: 100, refillPerSecond: 100 },
    oobExchangePerMfaToken,
    messagesPerUser,
    failedCodesPerUser,
    emailsPerUser,
    pushesPerUser,
  },
  off: {
    name: "off",
    global: null,
    oobExchangePerMfaToken: null,
    messagesPerUser: null,
    failedCodesPerUser: null,
    emailsPerUser: null,
    pushesPerUser: null,
  },
});

/** Profile names, in the order a usage text lists them. */
export const profileNames = Object.keys(profiles) as ProfileName[];

/** True when `value` names a profile. */
export function isProfileName(value: unknown): value is ProfileName {
  return typeof value === "string" && Object.hasOwn(profiles, value);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === "object") deepFreeze(child);
  }
  return Object.freeze(value);
}
