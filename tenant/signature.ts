/**
 * The signature scheme between the phone-message Actions and the sink: HMAC-SHA256 over
 * `<unix seconds>.<raw body>`, sent as `x-sink-timestamp` and `x-sink-signature: v1=<hex>`.
 * Signing the timestamp with the body lets the sink refuse replays outside a short window.
 * The Actions carry their own copy of `signBody` (Actions cannot import from this repository);
 * signature.test.ts checks that the copies agree.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-sink-timestamp";
export const SIGNATURE_HEADER = "x-sink-signature";
/** How far a request's timestamp may be from the sink's clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Computes the `v1=<hex>` signature of a body sent at `timestampSeconds`. */
export function signBody(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks a signed request: timestamp present and within the window, signature equal in constant time. */
export function verifySignature(opts: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const { timestamp, signature } = opts;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  if (!signature) return { ok: false, reason: `missing ${SIGNATURE_HEADER}` };
  const skew = Math.abs(opts.nowMs / 1000 - Number(timestamp));
  if (skew > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { ok: false, reason: "timestamp outside the window" };
  const expected = Buffer.from(signBody(opts.secret, Number(timestamp), opts.body));
  const actual = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of the input.
  const same =
    actual.length === expected.length
      ? timingSafeEqual(actual, expected)
      : !timingSafeEqual(expected, expected);
  return same ? { ok: true } : { ok: false, reason: "signature mismatch" };
}

/**
 * The bearer token that reads the sink's outbox: derived from the secret, so the secret itself
 * never travels with a read request.
 */
export function sinkReadToken(secret: string): string {
  return createHmac("sha256", secret).update("sink-read-v1").digest("hex");
}
