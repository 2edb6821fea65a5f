/**
 * The rate limits of docs/behaviour.md#per-user-limits, #plan-limits, #factor-limits, #limit-metadata,
 * #throttled-answer applied to requests: the tenant's global bucket (its figures go into the
 * `x-ratelimit-*` headers of every answer), the mfa-oob exchange per mfa_token, SMS and voice messages,
 * emails and push notifications per user, and failed codes per user. Which limits exist comes from the
 * profile (`off` has none).
 */

import { type ErrorEntry, errors, fail, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { BucketSpec, Take } from "./rate-limit.ts";

// With the `off` profile the headers still have to be there (docs/behaviour.md#limit-metadata); they then
// describe a bucket that never runs dry.
const UNLIMITED: BucketSpec = { name: "off-global", burst: 1_000_000, refillPerSecond: 1_000_000 };
const TENANT = "tenant";

/** Takes one request from the tenant's global bucket (`now`: the request's time, read once). */
export function takeGlobal(rt: Runtime, now = rt.clock.now()): Take {
  return rt.limiter.take(rt.profile.global ?? UNLIMITED, TENANT, 1, now);
}

/** The tenant's global bucket as it stands, without taking from it (for answers that are not calls). */
export function peekGlobal(rt: Runtime): Take {
  return rt.limiter.peek(rt.profile.global ?? UNLIMITED, TENANT);
}

/**
 * Takes one request from the Management API's bucket: on Auth0 it is not the Authentication API's
 * global bucket, so fixtures calling /api/v2 must not drain the MFA endpoints' limit. Its figures are
 * not in docs/behaviour.md#plan-limits: the profile's global spec is reused under its own key.
 */
export function takeManagement(rt: Runtime): Take {
  return rt.limiter.take(rt.profile.global ?? UNLIMITED, "management-api");
}

/** The 429 of docs/behaviour.md#throttled-answer (body configurable), carrying the bucket that said no. */
export function tooManyRequests(rt: Runtime, take: Take): Reply {
  const body = rt.config.rateLimitBody;
  return { status: 429, body: { error: body.error, error_description: body.error_description }, limit: take };
}

/** Counts one mfa-oob exchange for an mfa_token; a reply when the session is over its limit. */
export function takeOobExchange(rt: Runtime, mfaToken: string): Reply | undefined {
  const spec = rt.profile.oobExchangePerMfaToken;
  if (!spec) return undefined;
  const take = rt.limiter.take(spec, mfaToken);
  return take.allowed ? undefined : tooManyRequests(rt, take);
}

/**
 * Counts one SMS or voice message for a user; the answer of docs/behaviour.md#per-user-limits when the user
 * is over the limit.
 */
export function takeMessage(rt: Runtime, userId: string): Reply | undefined {
  const spec = rt.profile.messagesPerUser;
  if (!spec) return undefined;
  const take = rt.limiter.take(spec, userId);
  return take.allowed ? undefined : lockout(rt, errors.tooManySms, take);
}

/** Counts one email for a user; the answer of docs/behaviour.md#factor-limits when over the limit. */
export function takeEmail(rt: Runtime, userId: string): Reply | undefined {
  const spec = rt.profile.emailsPerUser;
  if (!spec || rt.deviates("email-limit-never-triggers")) return undefined;
  const take = rt.limiter.take(spec, userId);
  return take.allowed ? undefined : lockout(rt, errors.tooManyEmails, take);
}

/** Counts one push notification for a user; the answer of docs/behaviour.md#factor-limits when over the limit. */
export function takePush(rt: Runtime, userId: string): Reply | undefined {
  const spec = rt.profile.pushesPerUser;
  if (!spec || rt.deviates("push-limit-never-triggers")) return undefined;
  const take = rt.limiter.take(spec, userId);
  return take.allowed ? undefined : lockout(rt, errors.tooManyPushes, take);
}

/**
 * The 429 `slow_down` of a push polled again within the interval (docs/behaviour.md#push): the
 * headers describe the mfa_token's exchange bucket (the tenant's without one), retry-after the wait.
 */
export function slowDown(rt: Runtime, mfaToken: string, waitMs: number): Reply {
  const spec = rt.profile.oobExchangePerMfaToken;
  const take = spec ? rt.limiter.peek(spec, mfaToken) : peekGlobal(rt);
  return {
    ...fail(errors.slowDown),
    limit: { ...take, allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  };
}

/**
 * The lockout answer of docs/behaviour.md#per-user-limits when the user has no failed attempt left; checked
 * before a code is compared, so that even the right code is refused while locked.
 */
export function lockedOut(rt: Runtime, userId: string): Reply | undefined {
  const spec = rt.profile.failedCodesPerUser;
  if (!spec || rt.deviates("lockout-never-triggers")) return undefined;
  const take = rt.limiter.peek(spec, userId);
  return take.allowed ? undefined : lockout(rt, errors.tooManyFailed, take);
}

/** Records a wrong code for a user. */
export function recordFailure(rt: Runtime, userId: string): void {
  const spec = rt.profile.failedCodesPerUser;
  if (spec) rt.limiter.take(spec, userId);
}

function lockout(rt: Runtime, entry: ErrorEntry, take: Take): Reply {
  return { ...fail(entry, rt.config), limit: take };
}
