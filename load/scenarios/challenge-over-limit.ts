/**
 * Scenario 2: POST /mfa/challenge at twice the profile's global limit. The target must admit what a
 * token bucket admits (burst + rate × elapsed, within LOAD_ENVELOPE_TOLERANCE percent, 2 by default),
 * answer every refusal with Auth0's documented 429 (body, `x-ratelimit-*` with a reset in the future,
 * `retry-after`) and never fail with a 5xx. handleSummary prints the accuracy and writes it into the
 * summary's `envelope`.
 */
import { check } from "k6";
import { Counter, Rate, Trend } from "k6/metrics";
import type { Options } from "k6/options";
import { isAnswer, RATE_LIMITED } from "../lib/answers.ts";
import { challenge } from "../lib/k6/client.ts";
import {
  commonOptions,
  commonThresholds,
  constantArrival,
  guarded,
  load,
  summaryHandler,
} from "../lib/k6/scenario.ts";
import { iterationUser, prepareTarget, type SetupData } from "../lib/k6/target.ts";
import { admittedBounds, type Bucket, envelopeAccuracy } from "../lib/rate-limits.ts";
import { metricValue } from "../lib/summary.ts";

const { opts, plan } = load("challenge-over-limit");
const bucket = plan.bucket as Bucket; // the plan refuses profiles without a global limit
const bounds = admittedBounds(bucket, plan.rate, plan.durationSeconds, opts.envelopeTolerancePercent);

const attempts = new Counter("attempts");
const admitted = new Counter("admitted");
const rateLimited = new Counter("rate_limited");
/** Every refusal carries the documented body (the headers are checked for every response). */
const refusalDocumented = new Rate("refusal_documented");
/** When each request happened (epoch ms, midway between send and answer): min and max give the elapsed time. */
const requestTime = new Trend("request_time");

export const options: Options = {
  ...commonOptions,
  scenarios: constantArrival(plan, 4),
  thresholds: {
    ...commonThresholds(opts, "challenge"),
    admitted: [`count>=${bounds.min}`, `count<=${bounds.max}`],
    refusal_documented: ["rate==1"],
    // Only a run long enough to empty the bucket must see refusals.
    ...(bounds.attempts > bounds.expected ? { rate_limited: ["count>0"] } : {}),
  },
};

/** Enrols enough users that no one reaches the per-user SMS limit. */
export const setup = (): SetupData => prepareTarget(opts, plan.users);

export default guarded((data: SetupData): void => {
  const user = iterationUser(data);
  const res = challenge(data.settings, user.mfaToken, user.authenticatorId);
  if (res.status === 0) return; // transport error: neither admitted nor refused (http_req_failed counts it)
  attempts.add(1);
  requestTime.add((res.sentAtMs + res.receivedAtMs) / 2);
  const refused = res.status === 429 && isAnswer(res.body, RATE_LIMITED);
  if (res.status === 429) {
    rateLimited.add(1);
    refusalDocumented.add(refused);
  }
  if (!refused) admitted.add(1);
  check(res, { "admitted (200) or refused (429)": (r) => r.status === 200 || r.status === 429 });
});

export const handleSummary = summaryHandler("challenge-over-limit", opts, (data) => {
  const first = metricValue(data, "request_time", "min");
  const last = metricValue(data, "request_time", "max");
  const accuracy = envelopeAccuracy({
    bucket,
    attempts: metricValue(data, "attempts", "count"),
    admitted: metricValue(data, "admitted", "count"),
    elapsedSeconds: Math.max(0, last - first) / 1000,
    tolerancePercent: opts.envelopeTolerancePercent,
  });
  return {
    envelope: {
      ...accuracy,
      key: "global",
      burst: bucket.burst,
      refillPerSecond: bucket.refillPerSecond,
      limited: metricValue(data, "rate_limited", "count"),
      durationSeconds: accuracy.elapsedSeconds,
    },
    figures: { rate: plan.rate, users: plan.users, admittedMin: bounds.min, admittedMax: bounds.max },
  };
});
