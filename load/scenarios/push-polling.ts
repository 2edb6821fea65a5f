/**
 * Push polling: a client that polls `mfa-oob` for a push faster than allowed (docs/behaviour.md#push,
 * #factor-limits). Each iteration takes a user with a push authenticator, sends a push (a challenge)
 * and polls its oob_code without a binding code every 1.8 s, 24 times, before the user taps: a poll
 * within 5 s of the previous one is answered 429 `slow_down` (retry-after the seconds left), the
 * others `authorization_pending`, and every poll counts towards the mfa_token's exchange bucket (12,
 * then 12 a minute), so past its burst polls are refused with 429 `too_many_requests` and those leave
 * gaps after which a poll is pending again. The plan predicts the split (load/lib/push-polling.ts);
 * each answer is compared with the same model replayed on the times the polls reached the target.
 * Then the user approves (the mock's Guardian stand-in) and a poll 6 s later returns tokens.
 * The schedule runs on the mock's clock, moved to each poll's planned instant, so no real minute
 * passes. Mock only: on a tenant the push goes to a real phone and nobody taps it.
 */
import { check } from "k6";
import { Counter, Rate } from "k6/metrics";
import type { Options } from "k6/options";
import {
  AUTHORIZATION_PENDING,
  isAnswer,
  parseRateLimitHeaders,
  RATE_LIMITED,
  SLOW_DOWN,
} from "../lib/answers.ts";
import { type ApiResult, type ClientSettings, challenge, exchangeOob, field } from "../lib/k6/client.ts";
import { control } from "../lib/k6/control.ts";
import { type FactorSetup, type PushUser, preparePushUsers } from "../lib/k6/factors.ts";
import { ReplayMetrics } from "../lib/k6/replay-metrics.ts";
import { flowOptions, guarded, load, summaryHandler } from "../lib/k6/scenario.ts";
import {
  iterationUser,
  letGlobalLimitRefill,
  mfaToken,
  targetNow,
  vuSettings,
  waitUntil,
} from "../lib/k6/target.ts";
import { assertSingleVuOnClockTarget } from "../lib/options.ts";
import { type PollOutcome, plannedSplit, pollOffsets, predictPolls } from "../lib/push-polling.ts";
import { countedFigures } from "../lib/summary.ts";

const { opts, plan } = load("push-polling");
assertSingleVuOnClockTarget(opts, "push-polling");
/** The mfa_token's exchange bucket; null on a plan without it (free), where only the interval holds. */
const exchange = plan.bucket;
const offsets = pollOffsets();
const split = plannedSplit(exchange);
const iterations = opts.vus * opts.iterations;

const polls = new ReplayMetrics("polls");
const byOutcome: Record<"pending" | "slow_down" | "rate_limited", Counter> = {
  pending: new Counter("polls_pending"),
  slow_down: new Counter("polls_slow_down"),
  rate_limited: new Counter("polls_rate_limited"),
};
/** Every 429 carries the body of its kind and the retry-after the model gives (±1 s). */
const refusalsDocumented = new Rate("poll_refusals_documented");
const approvedOk = new Rate("push_approved_ok");

export const options: Options = flowOptions(opts, "token", `${opts.iterations * 2 + 2}m`, [
  "polls_as_predicted",
  "poll_refusals_documented",
  "push_approved_ok",
]);
const thresholds = options.thresholds as Record<string, string[]>;
for (const kind of ["pending", "slow_down", "rate_limited"] as const) {
  thresholds[`polls_${kind}`] = [`count==${split[kind] * iterations}`];
}

export const setup = (): FactorSetup<PushUser> => preparePushUsers(opts, plan.users);

interface Polled {
  res: ApiResult;
  approved: boolean;
  /** When the target answered, on its clock (the midpoint of send and answer). */
  atMs: number;
}

function poll(settings: ClientSettings, token: string, oobCode: string, approved: boolean): Polled {
  const res = exchangeOob(settings, token, oobCode, undefined, { phase: approved ? "approved" : "fast" });
  return { res, approved, atMs: (res.sentAtMs + res.receivedAtMs) / 2 + settings.clockOffsetMs };
}

/** What the answer says, in the model's terms ("other" for anything the model has no name for). */
function outcome(res: ApiResult): PollOutcome | "other" {
  if (res.status === 400 && isAnswer(res.body, AUTHORIZATION_PENDING)) return "pending";
  if (res.status === 429 && isAnswer(res.body, SLOW_DOWN)) return "slow_down";
  if (res.status === 429 && isAnswer(res.body, RATE_LIMITED)) return "rate_limited";
  if (res.status === 200 && field(res.body, "access_token") !== undefined) return "tokens";
  return "other";
}

export default guarded((data: FactorSetup<PushUser>): void => {
  const settings = vuSettings(data);
  letGlobalLimitRefill(data, settings);
  const user = iterationUser(data);
  const token = mfaToken(settings, user);
  const sent = challenge(settings, token, user.authenticatorId);
  const oobCode = field(sent.body, "oob_code");
  if (sent.status !== 200 || !oobCode) {
    approvedOk.add(false);
    check(sent, { "push challenge accepted (200)": () => false });
    return;
  }

  const start = targetNow(settings);
  const answers: Polled[] = [];
  for (const offset of offsets.fast) {
    waitUntil(data, settings, start + offset);
    answers.push(poll(settings, token, oobCode, false));
  }
  control(settings.baseUrl, "POST", "/guardian/respond", { oob_code: oobCode, approve: true });
  waitUntil(data, settings, start + offsets.final);
  const last = poll(settings, token, oobCode, true);
  answers.push(last);

  const predicted = predictPolls(
    exchange,
    answers.map((a) => ({ atMs: a.atMs, approved: a.approved })),
  );
  polls.record(
    answers.map((a, i) => ({
      atMs: a.atMs,
      admitted: outcome(a.res) !== "rate_limited",
      predictedAdmitted: predicted[i]?.outcome !== "rate_limited",
      asPredicted: outcome(a.res) === predicted[i]?.outcome,
    })),
  );
  // Every kind gets a sample, 0 included: k6 never fails a threshold on a metric without one.
  for (const kind of ["pending", "slow_down", "rate_limited"] as const) {
    byOutcome[kind].add(answers.filter((a) => outcome(a.res) === kind).length);
  }
  for (const [i, a] of answers.entries()) {
    const kind = outcome(a.res);
    if (a.res.status !== 429) continue;
    const retryAfter = parseRateLimitHeaders(a.res.headers)?.retryAfter;
    const expected = predicted[i]?.retryAfter;
    refusalsDocumented.add(
      kind !== "other" &&
        retryAfter !== undefined &&
        expected !== undefined &&
        Math.abs(retryAfter - expected) <= 1,
    );
  }
  const approved = outcome(last.res) === "tokens";
  approvedOk.add(approved);
  check(null, {
    "every poll answered as the model predicts": () =>
      answers.every((a, i) => outcome(a.res) === predicted[i]?.outcome),
    "after the tap, a poll at the interval returns tokens": () => approved,
  });
});

export const handleSummary = summaryHandler("push-polling", opts, (data) => {
  // What the polls got, counted: figures a merge of several runners counts again on all of them.
  const seen = countedFigures(data, {
    pending: "polls_pending",
    slowDown: "polls_slow_down",
    rateLimited: "polls_rate_limited",
  });
  return {
    ...(exchange
      ? {
          envelope: polls.envelope(
            data,
            exchange,
            "oob-exchange-per-mfa-token",
            opts.envelopeTolerancePercent,
          ),
        }
      : {}),
    figures: {
      pollsPerPush: offsets.fast.length + 1,
      ...seen.figures,
      plannedPending: split.pending * iterations,
      plannedSlowDown: split.slow_down * iterations,
      plannedRateLimited: split.rate_limited * iterations,
    },
    counted: seen.counted,
  };
});
