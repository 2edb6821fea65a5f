/**
 * OTP brute force: the failed-code lockout (10 burst, then 1 per 6 minutes, per user, shared by every
 * 6-digit code; docs/behaviour.md#per-user-limits, #factor-limits) against an authenticator app's codes.
 * Each iteration takes a user with an active OTP authenticator (its secret known, as the app knows it)
 * and sends `mfa-otp` grants:
 * 1. 11 wrong codes and then the right one: the first 10 answered "Invalid otp_code."
 *    (LOAD_INVALID_GRANT_STATUS), the 11th and the right code refused with "Too many failed codes…"
 *    (LOAD_LOCKOUT_STATUS) and the rate-limit headers;
 * 2. one refill interval later (6 minutes: the mock's clock is moved, any other target is waited
 *    for), on a new mfa_token, exactly one more wrong code is let through and the next is refused;
 * 3. one more interval later, the right code returns tokens.
 * Wrong codes are none of the codes of the steps around the request, so they are wrong whichever step
 * the target accepts. Every answer is compared with the bucket replayed on the times the requests
 * reached the target, and the admitted count with the plan's prediction; the summary prints the
 * accuracy. That is 12 grants on the first mfa_token, the exchange limit's burst, should a target
 * count mfa-otp grants towards it.
 */
import { check } from "k6";
import { Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { INVALID_OTP, isAnswer, parseRateLimitHeaders, TOO_MANY_FAILED_CODES } from "../lib/answers.ts";
import { type CodeAttempt, type CodeOutcome, predictCodeAttempts } from "../lib/failed-codes.ts";
import { type ApiResult, type ClientSettings, exchangeOtp, field } from "../lib/k6/client.ts";
import { type FactorSetup, type OtpUser, prepareOtpUsers } from "../lib/k6/factors.ts";
import { ReplayMetrics } from "../lib/k6/replay-metrics.ts";
import { flowOptions, guarded, load, summaryHandler } from "../lib/k6/scenario.ts";
import {
  iterationUser,
  letGlobalLimitRefill,
  letTimePass,
  mfaToken,
  targetNow,
  vuSettings,
} from "../lib/k6/target.ts";
import { otpCode, wrongOtpCode } from "../lib/k6/totp.ts";
import { assertSingleVuOnClockTarget } from "../lib/options.ts";
import type { Bucket } from "../lib/rate-limits.ts";

const { opts, plan } = load("otp-brute-force");
assertSingleVuOnClockTarget(opts, "otp-brute-force");
const bucket = plan.bucket as Bucket; // the plan refuses a profile without the failed-code limit
const refillSeconds = Math.ceil(1 / bucket.refillPerSecond);

/** The attempts of one iteration, phase by phase: which are right, and when (ms after the first). */
const phases: Array<{ afterMs: number; right: boolean[] }> = [
  { afterMs: 0, right: [...Array<boolean>(bucket.burst + 1).fill(false), true] },
  { afterMs: (refillSeconds + 1) * 1000, right: [false, false] },
  { afterMs: 2 * (refillSeconds + 1) * 1000, right: [true] },
];
/** What the plan predicts for one iteration (the attempts of a phase a few milliseconds apart). */
const plannedAttempts: CodeAttempt[] = [];
for (const p of phases) {
  for (const [i, right] of p.right.entries()) plannedAttempts.push({ atMs: p.afterMs + i, right });
}
const planned = predictCodeAttempts(bucket, plannedAttempts);
const plannedAdmitted = planned.filter((o) => o !== "locked").length;
const iterations = opts.vus * opts.iterations;

const codes = new ReplayMetrics("otp");
const lockoutEnforced = new Rate("lockout_enforced");
const refillOk = new Rate("failed_codes_refill_ok");

// A real target makes each iteration wait two refill intervals (12 minutes).
export const options: Options = flowOptions(opts, "token", `${opts.iterations * 15 + 2}m`, [
  "lockout_enforced",
  "failed_codes_refill_ok",
  "otp_as_predicted",
]);
(options.thresholds as Record<string, string[]>).otp_admitted = [`count==${plannedAdmitted * iterations}`];
(options.thresholds as Record<string, string[]>).otp_limited = [
  `count==${(planned.length - plannedAdmitted) * iterations}`,
];

export const setup = (): FactorSetup<OtpUser> => prepareOtpUsers(opts, plan.users);

interface Sent {
  res: ApiResult;
  right: boolean;
  /** When the target answered, on its clock (the midpoint of send and answer). */
  atMs: number;
}

/** One mfa-otp grant: the right code of the moment, or a wrong one. */
function send(settings: ClientSettings, token: string, user: OtpUser, right: boolean): Sent {
  const now = targetNow(settings);
  const code = right ? otpCode(user.otpSecret, now) : wrongOtpCode(user.otpSecret, now);
  const res = exchangeOtp(settings, token, code, { phase: right ? "right" : "wrong" });
  return { res, right, atMs: (res.sentAtMs + res.receivedAtMs) / 2 + settings.clockOffsetMs };
}

/** What the answer says, in the model's terms ("other" for anything the model has no name for). */
function outcome(res: ApiResult): CodeOutcome | "other" {
  if (res.status === opts.lockoutStatus && isAnswer(res.body, TOO_MANY_FAILED_CODES)) return "locked";
  if (res.status === opts.invalidGrantStatus && isAnswer(res.body, INVALID_OTP)) return "wrong";
  if (res.status === 200 && field(res.body, "access_token") !== undefined) return "accepted";
  return "other";
}

/** A lockout answer whose retry-after is the wait for one token: at least 1 s, at most a refill interval. */
function lockedWithWait(s: Sent | undefined): boolean {
  if (!s || outcome(s.res) !== "locked") return false;
  const retryAfter = parseRateLimitHeaders(s.res.headers)?.retryAfter ?? 0;
  return retryAfter >= 1 && retryAfter <= refillSeconds;
}

export default guarded((data: FactorSetup<OtpUser>): void => {
  const settings = vuSettings(data);
  letGlobalLimitRefill(data, settings);
  const user = iterationUser(data);
  const sent: Sent[][] = [];
  for (const [i, phase] of phases.entries()) {
    if (i > 0) letTimePass(data, settings, (phase.afterMs - (phases[i - 1]?.afterMs ?? 0)) / 1000);
    // A new mfa_token per phase: the first one would not outlive two refill intervals.
    const token = mfaToken(settings, user);
    sent.push(phase.right.map((right) => send(settings, token, user, right)));
  }

  const all = ([] as Sent[]).concat(...sent);
  const predicted = predictCodeAttempts(
    bucket,
    all.map((s) => ({ atMs: s.atMs, right: s.right })),
  );
  codes.record(
    all.map((s, i) => ({
      atMs: s.atMs,
      admitted: outcome(s.res) !== "locked",
      predictedAdmitted: predicted[i] !== "locked",
      asPredicted: outcome(s.res) === predicted[i],
    })),
  );

  const [first = [], second = [], third = []] = sent;
  const burstRejected = first.slice(0, bucket.burst).every((s) => outcome(s.res) === "wrong");
  const lockedOut = first.slice(bucket.burst).every(lockedWithWait);
  lockoutEnforced.add(burstRejected && lockedOut);
  const oneMore = outcome((second[0] as Sent).res) === "wrong" && lockedWithWait(second[1]);
  const accepted = third[0] !== undefined && outcome(third[0].res) === "accepted";
  refillOk.add(oneMore && accepted);
  check(null, {
    "10 wrong codes answered Invalid otp_code.": () => burstRejected,
    "the 11th wrong code and the right one are locked out, with retry-after": () => lockedOut,
    "one refill interval later, exactly one more wrong code is let through": () => oneMore,
    "another interval later, the right code returns tokens": () => accepted,
  });
});

export const handleSummary = summaryHandler("otp-brute-force", opts, (data) => ({
  envelope: codes.envelope(data, bucket, "failed-codes-per-user", opts.envelopeTolerancePercent),
  figures: {
    users: plan.users,
    plannedAdmittedPerUser: plannedAdmitted,
    plannedLockedPerUser: planned.length - plannedAdmitted,
  },
}));
