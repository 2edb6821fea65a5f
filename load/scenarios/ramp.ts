/**
 * Scenario 6: POST /mfa/challenge at a rate that climbs in equal steps from a quarter of the
 * profile's global limit to twice it (or to 200/s with the `off` profile, to find the mock's own
 * capacity). Each request is tagged with its step; handleSummary reports the knee: the first step
 * whose error share (any non-2xx, 429 included) or p95 latency degrades.
 */
import exec from "k6/execution";
import { Counter, Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { challenge } from "../lib/k6/client.ts";
import { commonOptions, commonThresholds, guarded, load, MAIN, summaryHandler } from "../lib/k6/scenario.ts";
import { iterationUser, prepareTarget, type SetupData } from "../lib/k6/target.ts";
import { rampKnee, stageAt, stepMetrics } from "../lib/knee.ts";
import { formatDuration } from "../lib/options.ts";

const { opts, plan } = load("ramp");
const peak = Math.max(...plan.stages.map((s) => s.rate));

/** Share of requests answered with anything but a 2xx, per step (tag `step`). */
const rampErrors = new Rate("ramp_errors");
/** The 429s among them, as the challenge scenarios count them (the report's 429 column). */
const rateLimited = new Counter("rate_limited");

// k6 only keeps per-tag figures for sub-metrics that a threshold names: these always-true thresholds
// make the summary carry each step's p95 and error share for the knee.
const perStep: Record<string, string[]> = {};
plan.stages.forEach((_, i) => {
  const names = stepMetrics(i, MAIN);
  perStep[names.duration] = ["max>=0"];
  perStep[names.errors] = ["rate>=0"];
});

// Each step: one second to climb to its rate, then held for the rest of the step.
const steps: Array<{ target: number; duration: string }> = [];
for (const s of plan.stages) {
  steps.push(
    { target: s.rate, duration: "1s" },
    { target: s.rate, duration: formatDuration(Math.max(1, s.seconds - 1)) },
  );
}

export const options: Options = {
  ...commonOptions,
  scenarios: {
    [MAIN]: {
      executor: "ramping-arrival-rate",
      startRate: plan.stages[0]?.rate ?? 1,
      timeUnit: "1s",
      preAllocatedVUs: Math.max(4, Math.ceil(peak / 4)),
      maxVUs: Math.max(20, peak * 2),
      stages: steps,
    },
  },
  thresholds: {
    ...perStep,
    ...commonThresholds(opts),
    // The p95 budget holds for the first step, below the limit; later steps are what is measured.
    [stepMetrics(0, MAIN).duration]: ["max>=0", `p(95)<${opts.p95Ms}`],
  },
};

export const setup = (): SetupData => prepareTarget(opts, plan.users);

export default guarded((data: SetupData): void => {
  const step = String(stageAt(plan.stages, (Date.now() - exec.scenario.startTime) / 1000));
  const user = iterationUser(data);
  const res = challenge(data.settings, user.mfaToken, user.authenticatorId, { step });
  rampErrors.add(res.status < 200 || res.status > 299, { step });
  // A sample on every answer, 0 included: a run without a 429 shows 0, not "no figure".
  rateLimited.add(res.status === 429 ? 1 : 0);
});

export const handleSummary = summaryHandler("ramp", opts, (data) => ({
  knee: rampKnee(
    plan.stages.map((s) => s.rate),
    data,
    MAIN,
  ),
  figures: { peakRate: peak, steps: plan.stages.length, users: plan.users },
}));
