/**
 * Scenario 5: failed codes per user (10 burst, then 1 per 6 minutes). Each iteration challenges one
 * user and sends wrong binding codes: the first 10 are answered `invalid_grant` "Invalid
 * binding_code." (status LOAD_INVALID_GRANT_STATUS), the 11th locks the user out ("Too many failed
 * codes…", `invalid_request`, status LOAD_LOCKOUT_STATUS), and the right code right after is refused
 * the same way. Once a token has refilled (6 minutes: the mock's clock is moved, any other target is
 * waited for), a new challenge's right code is accepted. That is 12 exchanges on one mfa_token, the
 * exchange limit's burst, so that limit never interferes.
 */
import { check } from "k6";
import { Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { INVALID_BINDING_CODE, isAnswer, TOO_MANY_FAILED_CODES } from "../lib/answers.ts";
import type { ClientSettings } from "../lib/k6/client.ts";
import { type ApiResult, challenge, exchangeOob, field } from "../lib/k6/client.ts";
import { flowOptions, guarded, load, summaryHandler } from "../lib/k6/scenario.ts";
import {
  iterationUser,
  type LoadUser,
  latestMessageId,
  letGlobalLimitRefill,
  letTimePass,
  mfaToken,
  nextCode,
  prepareTarget,
  type SetupData,
  vuSettings,
} from "../lib/k6/target.ts";
import { assertSingleVuOnClockTarget } from "../lib/options.ts";

const { opts, plan } = load("wrong-codes");
assertSingleVuOnClockTarget(opts, "wrong-codes");
const failedCodes = { burst: 10, refillSeconds: 360 };

const lockoutEnforced = new Rate("lockout_enforced");
const refillOk = new Rate("failed_codes_refill_ok");

// A real target makes each iteration wait 6 minutes for the refill.
export const options: Options = flowOptions(opts, "token", `${opts.iterations * 8 + 2}m`, [
  "lockout_enforced",
  "failed_codes_refill_ok",
]);

export const setup = (): SetupData => prepareTarget(opts, plan.users);

/** A six-digit code that is not `code`. */
function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

/** Logs in, challenges, and reads the code: the mfa_token, oob_code and right binding code. */
function challenged(data: SetupData, settings: ClientSettings, user: LoadUser) {
  const token = mfaToken(settings, user);
  const before = latestMessageId(data, user.phone);
  const res = challenge(settings, token, user.authenticatorId);
  const oobCode = field(res.body, "oob_code");
  if (res.status !== 200 || !oobCode) return undefined;
  return { token, oobCode, code: nextCode(data, user.phone, before).code };
}

export default guarded((data: SetupData): void => {
  const settings = vuSettings(data);
  letGlobalLimitRefill(data, settings);
  const user = iterationUser(data);
  const first = challenged(data, settings, user);
  if (!first) {
    lockoutEnforced.add(false);
    return;
  }
  const wrong: ApiResult[] = [];
  for (let i = 0; i <= failedCodes.burst; i++) {
    wrong.push(exchangeOob(settings, first.token, first.oobCode, wrongCode(first.code)));
  }
  const rejected = wrong
    .slice(0, failedCodes.burst)
    .every((r) => r.status === opts.invalidGrantStatus && isAnswer(r.body, INVALID_BINDING_CODE));
  const lockedOut = (r: ApiResult) =>
    r.status === opts.lockoutStatus && isAnswer(r.body, TOO_MANY_FAILED_CODES);
  const eleventh = wrong[failedCodes.burst] as ApiResult;
  const right = exchangeOob(settings, first.token, first.oobCode, first.code);
  lockoutEnforced.add(rejected && lockedOut(eleventh) && lockedOut(right));
  check(right, {
    "10 wrong codes answered Invalid binding_code": () => rejected,
    "11th wrong code locks the user out": () => lockedOut(eleventh),
    "the right code is refused while locked out": lockedOut,
  });

  letTimePass(data, settings, failedCodes.refillSeconds + 1);
  // The first code expired after 5 minutes: a new challenge, then its right code.
  const second = challenged(data, settings, user);
  const accepted = second ? exchangeOob(settings, second.token, second.oobCode, second.code) : undefined;
  const ok =
    accepted !== undefined && accepted.status === 200 && field(accepted.body, "access_token") !== undefined;
  refillOk.add(ok);
  check(accepted, { "after the refill the right code is accepted": () => ok });
});

export const handleSummary = summaryHandler("wrong-codes", opts, () => ({
  figures: { users: plan.users },
}));
