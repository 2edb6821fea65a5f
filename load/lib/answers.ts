/**
 * What Auth0 answers when a limit is hit (docs/behaviour.md#failure-answers, #limit-metadata,
 * #throttled-answer, #per-user-limits) and the invariants every response's rate-limit headers must hold. Each
 * check returns problems as plain sentences (empty = fine), so a k6 check and a unit test read the same
 * result. Pure module: no k6 and no Node imports.
 */

export interface ErrorBody {
  error: string;
  error_description: string;
}

/** The 429 body of a rate limit (docs/behaviour.md#throttled-answer). */
export const RATE_LIMITED: ErrorBody = {
  error: "too_many_requests",
  error_description: "Rate limit exceeded.",
};
/** More than 10 messages per user inside an hour (docs/behaviour.md#per-user-limits). */
export const TOO_MANY_SMS: ErrorBody = {
  error: "invalid_request",
  error_description: "Too many SMS sent by the user. Wait for some minutes before retrying.",
};
/** More than 10 wrong codes per user (docs/behaviour.md#per-user-limits). */
export const TOO_MANY_FAILED_CODES: ErrorBody = {
  error: "invalid_request",
  error_description: "Too many failed codes. Wait for some minutes before retrying.",
};
/** A wrong binding code (docs/behaviour.md#code-mismatch-status). */
export const INVALID_BINDING_CODE: ErrorBody = {
  error: "invalid_grant",
  error_description: "Invalid binding_code.",
};

/** A wrong or replayed TOTP code (docs/behaviour.md#otp; status of #code-mismatch-status). */
export const INVALID_OTP: ErrorBody = {
  error: "invalid_grant",
  error_description: "Invalid otp_code.",
};
/** A push polled before the user's tap (docs/behaviour.md#push). */
export const AUTHORIZATION_PENDING: ErrorBody = {
  error: "authorization_pending",
  error_description: "Authorization pending: please repeat the request in a few seconds.",
};
/** A push polled again within the polling interval, with status 429 (docs/behaviour.md#push). */
export const SLOW_DOWN: ErrorBody = {
  error: "slow_down",
  error_description: "You are polling faster than the specified interval of 5 seconds.",
};

/** Headers as a plain object with lower-case names (k6 and Node spell them differently). */
export function lowerCaseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Problems with an error body compared with the answer expected (empty when it matches). */
export function bodyProblems(body: unknown, expected: ErrorBody): string[] {
  if (typeof body !== "object" || body === null)
    return [`body is not a JSON object, expected error "${expected.error}"`];
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  if (b.error !== expected.error)
    problems.push(`error is ${JSON.stringify(b.error)}, expected "${expected.error}"`);
  if (b.error_description !== expected.error_description) {
    problems.push(
      `error_description is ${JSON.stringify(b.error_description)}, expected "${expected.error_description}"`,
    );
  }
  return problems;
}

/** True when a body carries `expected`'s error code and description. */
export function isAnswer(body: unknown, expected: ErrorBody): boolean {
  return bodyProblems(body, expected).length === 0;
}

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** Epoch seconds at which the bucket is full again. */
  reset: number;
  /** Seconds, on a 429 only. */
  retryAfter?: number;
}

/** The rate-limit headers as numbers, or undefined when one is missing or not a whole number. */
export function parseRateLimitHeaders(
  headers: Record<string, string | undefined>,
): RateLimitHeaders | undefined {
  const limit = wholeNumber(headers["x-ratelimit-limit"]);
  const remaining = wholeNumber(headers["x-ratelimit-remaining"]);
  const reset = wholeNumber(headers["x-ratelimit-reset"]);
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  const retryAfter = wholeNumber(headers["retry-after"]);
  return retryAfter === undefined ? { limit, remaining, reset } : { limit, remaining, reset, retryAfter };
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Problems with the rate-limit headers of one response (docs/behaviour.md#limit-metadata): all three
 * `x-ratelimit-*` present and whole numbers, remaining <= limit; on a 429 remaining is 0, `retry-after` is at
 * least 1 and `x-ratelimit-reset` lies after the moment the request was sent (`sentAtMs`, on the target's
 * clock, give or take `skewMs`). A push's `slow_down` (`intervalRefusal`) is a 429 for polling too
 * often, not for an empty bucket: its headers describe the mfa_token's bucket as it stands, so the
 * remaining tokens need not be 0 (docs/behaviour.md#push).
 */
export function rateLimitHeaderProblems(
  status: number,
  headers: Record<string, string | undefined>,
  sentAtMs: number,
  skewMs = 0,
  intervalRefusal = false,
): string[] {
  const problems: string[] = [];
  for (const name of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
    const value = headers[name];
    if (value === undefined) problems.push(`${name} is missing`);
    else if (wholeNumber(value) === undefined) problems.push(`${name} is "${value}", not a whole number`);
  }
  const parsed = parseRateLimitHeaders(headers);
  if (parsed && parsed.remaining > parsed.limit) {
    problems.push(`x-ratelimit-remaining ${parsed.remaining} exceeds x-ratelimit-limit ${parsed.limit}`);
  }
  if (status !== 429) return problems;
  const retryAfter = headers["retry-after"];
  if (retryAfter === undefined) problems.push("retry-after is missing on a 429");
  else if ((wholeNumber(retryAfter) ?? 0) < 1)
    problems.push(`retry-after is "${retryAfter}", expected whole seconds >= 1`);
  if (parsed) {
    if (parsed.remaining !== 0 && !intervalRefusal)
      problems.push(`x-ratelimit-remaining is ${parsed.remaining} on a 429, expected 0`);
    if (parsed.reset * 1000 <= sentAtMs - skewMs) {
      problems.push(
        `x-ratelimit-reset ${parsed.reset} is not in the future (request sent at ${Math.floor(sentAtMs / 1000)})`,
      );
    }
  }
  return problems;
}

/**
 * How long a client that honours the headers waits before its next request: nothing while tokens
 * remain, else until `x-ratelimit-reset` (seconds, from `nowMs` on the target's clock, at least 0).
 */
export function waitBeforeNext(headers: RateLimitHeaders | undefined, nowMs: number): number {
  if (!headers || headers.remaining > 0) return 0;
  return Math.max(0, headers.reset - nowMs / 1000);
}
