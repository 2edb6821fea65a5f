/**
 * Scenario 3: the "MFA OOB token exchange" limit (12 burst, 12 per minute, per mfa_token).
 *
 * Each iteration logs a user in, sends one challenge, then:
 * 1. burst: 12 `mfa-oob` exchanges without a binding code (answered "binding_code is required", which
 *    is no wrong code, so the failed-codes limit stays out of it), then a 13th that must be refused
 *    with the documented 429 while the 12 before it were not;
 * 2. a client that honours the headers: it waits until the 429's `x-ratelimit-reset` (and whenever
 *    `x-ratelimit-remaining` reads 0), then exchanges 11 more times and finally with the right code:
 *    no refusal, no 5xx, and the last exchange returns tokens.
 * On the mock the wait moves its clock (no real minute passes); on any other target it is slept.
 */
import { check } from "k6";
import { Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { isAnswer, parseRateLimitHeaders, RATE_LIMITED, waitBeforeNext } from "../lib/answers.ts";
import { type ApiResult, challenge, exchangeOob, field } from "../lib/k6/client.ts";
import { flowOptions, guarded, load, summaryHandler } from "../lib/k6/scenario.ts";
import {
  iterationUser,
  latestMessageId,
  letGlobalLimitRefill,
  letTimePass,
  mfaToken,
  nextCode,
  prepareTarget,
  type SetupData,
  targetNow,
  vuSettings,
} from "../lib/k6/target.ts";
import { assertSingleVuOnClockTarget } from "../lib/options.ts";

const { opts, plan } = load("token-exchange-per-mfa-token");
assertSingleVuOnClockTarget(opts, "token-exchange-per-mfa-token");
const burst = plan.bucket?.burst ?? 12;

const limitEnforced = new Rate("exchange_limit_enforced");
const politeClientOk = new Rate("polite_client_ok");

// A real target makes the client wait a minute per iteration; the mock does not.
export const options: Options = flowOptions(opts, "token", `${opts.iterations * 3 + 2}m`, [
  "exchange_limit_enforced",
  "polite_client_ok",
]);

export const setup = (): SetupData => prepareTarget(opts, plan.users);

export default guarded((data: SetupData): void => {
  const settings = vuSettings(data);
  letGlobalLimitRefill(data, settings);
  const user = iterationUser(data);
  const token = mfaToken(settings, user);
  const before = latestMessageId(data, user.phone);
  const sent = challenge(settings, token, user.authenticatorId);
  const oobCode = field(sent.body, "oob_code");
  if (sent.status !== 200 || !oobCode) {
    limitEnforced.add(false);
    check(sent, { "challenge accepted (200)": () => false });
    return;
  }

  // 1. The burst: 12 admitted, the 13th refused.
  const answers: ApiResult[] = [];
  for (let i = 0; i <= burst; i++)
    answers.push(exchangeOob(settings, token, oobCode, undefined, { phase: "burst" }));
  const admitted = answers.slice(0, burst).every((r) => r.status !== 429 && r.status < 500);
  const last = answers[burst] as ApiResult;
  const refused = last.status === 429 && isAnswer(last.body, RATE_LIMITED);
  limitEnforced.add(admitted && refused);
  check(last, {
    "12 exchanges admitted": () => admitted,
    "13th exchange refused with the documented 429": () => refused,
  });

  // 2. The client that honours the headers.
  const code = nextCode(data, user.phone, before).code;
  let headers = parseRateLimitHeaders(last.headers);
  let ok = true;
  for (let i = 1; i <= burst; i++) {
    letTimePass(data, settings, waitBeforeNext(headers, targetNow(settings)));
    const res = exchangeOob(settings, token, oobCode, i === burst ? code : undefined, { phase: "polite" });
    headers = parseRateLimitHeaders(res.headers);
    const good = res.status !== 429 && res.status < 500 && (i < burst || res.status === 200);
    if (!good) ok = false;
  }
  politeClientOk.add(ok);
  check(null, { "a client that waits for x-ratelimit-reset is never refused": () => ok });
});

export const handleSummary = summaryHandler("token-exchange-per-mfa-token", opts, () => ({
  figures: { burst, iterations: opts.vus * opts.iterations },
}));
