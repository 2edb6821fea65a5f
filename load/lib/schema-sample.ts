/**
 * Which responses a VU checks against the OpenAPI description under load, and how a finding is logged.
 * Pure module: no k6 and no Node imports.
 */
import type { Finding } from "../../openapi/validate.ts";

/**
 * True for the responses to check when checking a `rate` share of them: the n-th response (1-based)
 * is checked when it carries the running total over a whole number, so 0.25 checks every 4th one,
 * evenly, with no random generator to seed per VU.
 */
export function isSampled(rate: number, n: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return Math.floor(n * rate) > Math.floor((n - 1) * rate);
}

/**
 * One line for a log: where the response broke the description and what was expected. The actual
 * value is left out on purpose: it may be a token, a code or a phone number.
 */
export function findingLine(f: Finding): string {
  const where = f.pointer === "" ? f.location : `${f.location} ${f.pointer}`;
  return `${f.operation}${f.status === undefined ? "" : ` ${f.status}`}: ${where}: expected ${f.expected}`;
}
