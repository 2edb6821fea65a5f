/**
 * Auth0's published MFA rate limits and the token-bucket arithmetic the scenarios judge a target by.
 *
 * The numbers are copied from docs/behaviour.md#plan-limits, not
 * imported from the mock: the load scenarios are an independent oracle, so a mock whose profile drifts
 * from Auth0's documentation fails here instead of agreeing with itself.
 * Pure module: no k6 and no Node imports (unit-tested in Node, bundled into k6 scripts).
 */

export type ProfileName = "free" | "essentials" | "enterprise" | "off";

/** A token bucket as Auth0 describes it: `burst` tokens, refilled continuously at `refillPerSecond`. */
export interface Bucket {
  burst: number;
  refillPerSecond: number;
}

export interface DocumentedLimits {
  /** Authentication API, all endpoints, per tenant. */
  global: Bucket | null;
  /** `mfa-oob` exchanges on POST /oauth/token, per mfa_token. */
  oobExchangePerMfaToken: Bucket | null;
  /** SMS or voice messages, per user. */
  messagesPerUser: Bucket | null;
  /** Wrong codes, per user. */
  failedCodesPerUser: Bucket | null;
}

const oobExchange: Bucket = { burst: 12, refillPerSecond: 12 / 60 };
const messages: Bucket = { burst: 10, refillPerSecond: 1 / 3600 };
const failedCodes: Bucket = { burst: 10, refillPerSecond: 1 / 360 };

/** Limits per plan; `off` is the mock's profile without any limit (benchmarks). */
export const documentedLimits: Record<ProfileName, DocumentedLimits> = {
  free: {
    global: { burst: 300, refillPerSecond: 5 },
    oobExchangePerMfaToken: null,
    messagesPerUser: messages,
    failedCodesPerUser: failedCodes,
  },
  essentials: {
    global: { burst: 25, refillPerSecond: 25 },
    oobExchangePerMfaToken: oobExchange,
    messagesPerUser: messages,
    failedCodesPerUser: failedCodes,
  },
  enterprise: {
    global: { burst: 100, refillPerSecond: 100 },
    oobExchangePerMfaToken: oobExchange,
    messagesPerUser: messages,
    failedCodesPerUser: failedCodes,
  },
  off: { global: null, oobExchangePerMfaToken: null, messagesPerUser: null, failedCodesPerUser: null },
};

/** True when `value` names a profile. */
export function isProfileName(value: unknown): value is ProfileName {
  return typeof value === "string" && (Object.keys(documentedLimits) as string[]).includes(value);
}

/** The most requests a bucket can admit in `elapsedSeconds` starting full: burst + rate × elapsed. */
export function envelope(bucket: Bucket, elapsedSeconds: number): number {
  return bucket.burst + bucket.refillPerSecond * Math.max(0, elapsedSeconds);
}

/** Requests per second for a scenario that runs at `factor` × the bucket's sustained rate (at least 1). */
export function arrivalRate(bucket: Bucket, factor: number): number {
  const rate = bucket.refillPerSecond * factor;
  // Under the limit rounds down and over it rounds up, so neither side ends up on the limit itself.
  return Math.max(1, factor < 1 ? Math.floor(rate) : Math.ceil(rate));
}

export interface EnvelopeAccuracy {
  attempts: number;
  admitted: number;
  elapsedSeconds: number;
  /** burst + rate × elapsed, unrounded. */
  envelope: number;
  /** What a faithful bucket admits: every attempt while the burst lasts, else the envelope. */
  expected: number;
  /** admitted / expected × 100. */
  accuracyPercent: number;
  /** (admitted − expected) / expected × 100: positive means the target let more through. */
  deviationPercent: number;
  tolerancePercent: number;
  withinTolerance: boolean;
  /** False when the run was too short to empty the bucket: then the envelope was never tested. */
  burstExhausted: boolean;
  /**
   * "replay" when `expected` is the bucket replayed request by request on the times the requests
   * reached the target (load/lib/token-bucket.ts), as the flow scenarios judge; absent for the envelope.
   */
  basis?: "replay";
}

/** Compares the requests a target admitted with the token-bucket envelope over the same time. */
export function envelopeAccuracy(input: {
  bucket: Bucket;
  attempts: number;
  admitted: number;
  elapsedSeconds: number;
  tolerancePercent: number;
}): EnvelopeAccuracy {
  const { bucket, attempts, elapsedSeconds } = input;
  const env = envelope(bucket, elapsedSeconds);
  return {
    ...judge({ ...input, envelope: env, expected: Math.min(attempts, env) }),
    burstExhausted: attempts > env,
  };
}

/** Admitted against expected: the ratio, its deviation and whether it is within the tolerance. */
function judge(input: {
  attempts: number;
  admitted: number;
  elapsedSeconds: number;
  envelope: number;
  expected: number;
  tolerancePercent: number;
}): Omit<EnvelopeAccuracy, "burstExhausted" | "basis"> {
  const { admitted, expected, tolerancePercent } = input;
  const ratio = expected > 0 ? admitted / expected : admitted === 0 ? 1 : Number.POSITIVE_INFINITY;
  const deviationPercent = (ratio - 1) * 100;
  return {
    attempts: input.attempts,
    admitted,
    elapsedSeconds: input.elapsedSeconds,
    envelope: input.envelope,
    expected,
    accuracyPercent: ratio * 100,
    deviationPercent,
    tolerancePercent,
    withinTolerance: Math.abs(deviationPercent) <= tolerancePercent,
  };
}

/**
 * Bounds on the admitted count of an arrival-rate run, known before it starts (k6 thresholds are
 * fixed at init): `rate` requests per second for `durationSeconds`, the first at 0 and the last at
 * (n − 1) / rate, so the envelope spans exactly that time.
 */
export function admittedBounds(
  bucket: Bucket,
  rate: number,
  durationSeconds: number,
  tolerancePercent: number,
): { attempts: number; expected: number; min: number; max: number } {
  const attempts = Math.round(rate * durationSeconds);
  const elapsed = attempts > 0 ? (attempts - 1) / rate : 0;
  const expected = Math.min(attempts, envelope(bucket, elapsed));
  const slack = (expected * tolerancePercent) / 100;
  return { attempts, expected, min: Math.floor(expected - slack), max: Math.ceil(expected + slack) };
}

/**
 * Compares what a target admitted with what the bucket, replayed on the requests' own times, predicts
 * (`predicted`): the judge of the flow scenarios, whose few requests make the continuous envelope
 * (`envelope`, burst + rate × elapsed summed over their `keys` buckets) a bound, not a count.
 */
export function predictedAccuracy(input: {
  bucket: Bucket;
  attempts: number;
  admitted: number;
  predicted: number;
  /** Independent buckets (one per user or mfa_token) the attempts went to. */
  keys: number;
  /** Seconds from the first to the last attempt, summed over the keys. */
  elapsedSeconds: number;
  tolerancePercent: number;
}): EnvelopeAccuracy {
  const { bucket, attempts, predicted, keys, elapsedSeconds } = input;
  const env = bucket.burst * keys + bucket.refillPerSecond * Math.max(0, elapsedSeconds);
  return {
    ...judge({ ...input, envelope: env, expected: predicted }),
    burstExhausted: attempts > predicted,
    basis: "replay",
  };
}
