/**
 * Scenario 4: SMS per user (10 burst, then 1 per hour). Each iteration challenges one user 11 times:
 * the first 10 send a message, the 11th is refused with Auth0's answer ("Too many SMS sent by the
 * user…", `invalid_request`, status LOAD_LOCKOUT_STATUS). Where the target's clock can be moved, an
 * hour later exactly one more message is allowed. Users must not have been sent anything in the hour
 * before the run (the mock's are enrolled with its limits off).
 */
import { check } from "k6";
import { Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { isAnswer, TOO_MANY_SMS } from "../lib/answers.ts";
import { type ApiResult, challenge } from "../lib/k6/client.ts";
import { flowOptions, guarded, load, summaryHandler } from "../lib/k6/scenario.ts";
import {
  iterationUser,
  letGlobalLimitRefill,
  letTimePass,
  mfaToken,
  prepareTarget,
  type SetupData,
  vuSettings,
} from "../lib/k6/target.ts";
import { assertSingleVuOnClockTarget } from "../lib/options.ts";

const { opts, plan } = load("sms-per-user");
assertSingleVuOnClockTarget(opts, "sms-per-user");
const messages = { burst: 10, refillSeconds: 3600 };

const limitEnforced = new Rate("sms_limit_enforced");
const refillOk = new Rate("sms_refill_ok");

export const options: Options = flowOptions(opts, "challenge", "10m", [
  "sms_limit_enforced",
  "sms_refill_ok",
]);

export const setup = (): SetupData => prepareTarget(opts, plan.users);

const refusedWithAuth0sAnswer = (r: ApiResult) =>
  r.status === opts.lockoutStatus && isAnswer(r.body, TOO_MANY_SMS);

export default guarded((data: SetupData): void => {
  const settings = vuSettings(data);
  letGlobalLimitRefill(data, settings);
  const user = iterationUser(data);
  const token = mfaToken(settings, user);
  const answers: ApiResult[] = [];
  for (let i = 0; i <= messages.burst; i++) answers.push(challenge(settings, token, user.authenticatorId));
  const sent = answers.slice(0, messages.burst).every((r) => r.status === 200);
  const eleventh = answers[messages.burst] as ApiResult;
  limitEnforced.add(sent && refusedWithAuth0sAnswer(eleventh));
  check(eleventh, {
    "10 messages sent": () => sent,
    "11th message refused with Auth0's answer": refusedWithAuth0sAnswer,
  });

  if (!data.clock) return; // an hour of real waiting is not a load test; the mock's clock proves the refill
  letTimePass(data, settings, messages.refillSeconds);
  // The mfa_token from before the hour has expired: log in again.
  const fresh = mfaToken(settings, user);
  const again = challenge(settings, fresh, user.authenticatorId);
  const more = challenge(settings, fresh, user.authenticatorId);
  const refilled = again.status === 200 && refusedWithAuth0sAnswer(more);
  refillOk.add(refilled);
  check(again, { "an hour later, one more message and no second": () => refilled });
});

export const handleSummary = summaryHandler("sms-per-user", opts, () => ({
  figures: { users: plan.users, messagesPlanned: plan.messages },
}));
