/**
 * Scenario 1: POST /mfa/challenge at a constant 80% of the profile's global limit. Nothing may be
 * refused (no 429), the p95 stays within budget and every challenge opens an oob transaction.
 */
import { check } from "k6";
import { Counter } from "k6/metrics";
import type { Options } from "k6/options";
import { challenge, field } from "../lib/k6/client.ts";
import {
  commonOptions,
  commonThresholds,
  constantArrival,
  guarded,
  load,
  summaryHandler,
} from "../lib/k6/scenario.ts";
import { iterationUser, prepareTarget, type SetupData } from "../lib/k6/target.ts";

const { opts, plan } = load("challenge-under-limit");
const rateLimited = new Counter("rate_limited");

export const options: Options = {
  ...commonOptions,
  scenarios: constantArrival(plan, 2),
  thresholds: {
    ...commonThresholds(opts, "challenge"),
    rate_limited: ["count==0"],
    checks: ["rate>0.99"],
  },
};

/** Enrols the users the run needs (each gets fewer messages than the per-user burst). */
export const setup = (): SetupData => prepareTarget(opts, plan.users);

export default guarded((data: SetupData): void => {
  const user = iterationUser(data);
  const res = challenge(data.settings, user.mfaToken, user.authenticatorId);
  if (res.status === 429) rateLimited.add(1);
  check(res, {
    "challenge accepted (200)": (r) => r.status === 200,
    "oob_code issued": (r) => field(r.body, "oob_code") !== undefined,
  });
});

export const handleSummary = summaryHandler("challenge-under-limit", opts, () => ({
  figures: { rate: plan.rate, users: plan.users },
}));
