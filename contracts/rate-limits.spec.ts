/**
 * Rate limits (docs/behaviour.md#plan-limits, #per-user-limits, #limit-metadata, #throttled-answer): every
 * 429 conforms (body, headers, reset in the future, retry-after); x-ratelimit-remaining never rises inside a
 * window without a refill; the per-mfa_token exchange limit and the per-user message limit hold; refills
 * follow the clock.
 *
 * Every test runs against this worker's private mock (fixtures.ts): its global bucket sees no other
 * test's traffic and its clock can move. The client hands 429s to the test instead of waiting.
 */

import {
  type ApiResponse,
  challenge,
  clientAuth,
  enrolledUser,
  exchangeOob,
  expect,
  type FlowContext,
  login,
  newSession,
  test,
} from "./fixtures.ts";
import { controlOf } from "./targets/mock.ts";

/**
 * Refill rates of the essentials plan by bucket size (docs/behaviour.md#plan-limits; 10 is both the message
 * and the failed-code bucket: the faster counts).
 */
const REFILL_PER_SECOND_BY_LIMIT: Record<number, number> = { 25: 25, 12: 12 / 60, 10: 1 / 360 };
const BOGUS_OOB_CODE = "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz";
const TOO_MANY_SMS = "Too many SMS sent by the user. Wait for some minutes before retrying.";

/** A response with when it was sent and received (client clock, which the private mock shares after its reset). */
interface Sample {
  res: ApiResponse;
  sentAt: number;
  receivedAt: number;
}

/** Sends and timestamps a request. */
async function timed(send: () => Promise<ApiResponse>): Promise<Sample> {
  const sentAt = Date.now();
  const res = await send();
  return { res, sentAt, receivedAt: Date.now() };
}

/** A 429 conforms: the description's body and headers, reset in the future, retry-after at least 1 s. */
function expect429(
  sample: Sample,
  error: "too_many_requests" | "invalid_request",
  clockOffsetSeconds = 0,
): void {
  const { res, sentAt } = sample;
  expect(res.status).toBe(429);
  expect(res).toConform();
  expect(res.body?.error).toBe(error);
  const reset = Number(res.headers["x-ratelimit-reset"]);
  expect(reset, "x-ratelimit-reset is in the future (epoch seconds)").toBeGreaterThan(
    sentAt / 1000 + clockOffsetSeconds,
  );
  expect(Number(res.headers["retry-after"]), "retry-after (seconds)").toBeGreaterThanOrEqual(1);
  expect(Number(res.headers["x-ratelimit-remaining"])).toBe(0);
}

/** Most the remaining count may rise between two answers of a bucket: what refills in the time between them. */
function allowedRise(limit: number, seconds: number): number {
  const rate = REFILL_PER_SECOND_BY_LIMIT[limit] ?? Number.POSITIVE_INFINITY;
  return Math.max(0, Math.ceil(rate * seconds) - 1);
}

/** Sets the private mock's plan to essentials, the numbers the tests use. */
async function essentials({ target }: FlowContext): Promise<void> {
  await controlOf(target.baseURL).config.set({ profile: "essentials" });
}

test.describe("rate limits", { tag: ["@check:rate-limits", "@check:headers"] }, () => {
  test.use({ privateMock: true, waitOutRateLimits: false });

  test("x-ratelimit-remaining never rises without a refill, and the global 429s conform", {
    tag: ["@mock-only", "@op:listAuthenticators"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    await essentials(ctx);
    const { mfaToken } = await newSession(ctx);
    const samples: Sample[] = [];
    for (let i = 0; i < 40; i++)
      samples.push(await timed(() => api.get("/mfa/authenticators", { bearer: mfaToken })));
    for (let i = 1; i < samples.length; i++) {
      const [prev, next] = [samples[i - 1] as Sample, samples[i] as Sample];
      const limit = Number(next.res.headers["x-ratelimit-limit"]);
      if (Number(prev.res.headers["x-ratelimit-limit"]) !== limit) continue;
      const rise =
        Number(next.res.headers["x-ratelimit-remaining"]) - Number(prev.res.headers["x-ratelimit-remaining"]);
      const seconds = (next.receivedAt - prev.sentAt) / 1000;
      expect(
        rise,
        `remaining rose by ${rise} within ${seconds.toFixed(3)} s (bucket of ${limit})`,
      ).toBeLessThanOrEqual(allowedRise(limit, seconds));
    }
    // 40 requests in far less than the time 15 refills take: the burst of 25 runs dry.
    const throttled = await Promise.all(
      Array.from({ length: 40 }, () => timed(() => api.get("/mfa/authenticators", { bearer: mfaToken }))),
    );
    const limited = throttled.filter((s) => s.res.status === 429);
    expect(limited.length, "a burst beyond the global bucket gets 429s").toBeGreaterThan(0);
    for (const s of limited) expect429(s, "too_many_requests");
    expect(limited[0]?.res.body).toEqual({
      error: "too_many_requests",
      error_description: "Rate limit exceeded.",
    });
  });

  test("the mfa-oob exchange is limited per mfa_token: 12, then 429; another session of the user is not", {
    tag: ["@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { user, mfaToken } = await newSession(ctx);
    for (let i = 1; i <= 12; i++) {
      const res = await exchangeOob(ctx, mfaToken, BOGUS_OOB_CODE, "000000");
      expect(res.status, `exchange #${i} is not throttled`).not.toBe(429);
    }
    const over = await timed(() => exchangeOob(ctx, mfaToken, BOGUS_OOB_CODE, "000000"));
    expect429(over, "too_many_requests");
    expect(Number(over.res.headers["x-ratelimit-limit"]), "the 429 reports the exchange bucket").toBe(12);
    const other = await exchangeOob(ctx, await login(ctx, user), BOGUS_OOB_CODE, "000000");
    expect(other.status, "a new mfa_token has its own bucket").not.toBe(429);
  });

  test("exchange refills follow the clock: one per 5 s, all 12 after a minute", {
    tag: ["@mock-only", "@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    await essentials(ctx);
    const { mfaToken } = await newSession(ctx);
    const exchange = () => timed(() => exchangeOob(ctx, mfaToken, BOGUS_OOB_CODE, "000000"));
    for (let i = 0; i < 12; i++) await exchange();
    expect429(await exchange(), "too_many_requests");
    await target.advanceClock?.(5);
    expect((await exchange()).res.status, "one exchange refilled after 5 s").not.toBe(429);
    expect429(await exchange(), "too_many_requests", 5);
    await target.advanceClock?.(60);
    for (let i = 1; i <= 12; i++)
      expect((await exchange()).res.status, `exchange #${i} after a minute`).not.toBe(429);
    expect429(await exchange(), "too_many_requests", 65);
  });

  test("a user gets 10 SMS or voice messages (the enrollment's included), then 429 invalid_request", {
    tag: ["@sends-sms", "@op:challenge", "@factor:sms"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    // The enrollment sent message 1; challenges send 2 to 10.
    for (let i = 2; i <= 10; i++) await challenge(ctx, user.mfaToken, user.authenticatorId);
    const body = {
      ...(await clientAuth(target)),
      mfa_token: user.mfaToken,
      challenge_type: "oob",
      authenticator_id: user.authenticatorId,
    };
    const over = await timed(() => api.post("/mfa/challenge", { json: body }));
    expect429(over, "invalid_request");
    expect(over.res.body.error_description).toBe(TOO_MANY_SMS);
    const voiceId = user.authenticatorId.replace(/^sms\|/, "voice|");
    const voice = await api.post("/mfa/challenge", { json: { ...body, authenticator_id: voiceId } });
    expect(voice, "voice messages share the user's bucket").toBeError(429, "invalid_request", TOO_MANY_SMS);
  });

  test("the message limit refills one message per hour", {
    tag: ["@mock-only", "@sends-sms", "@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    await essentials(ctx);
    const user = await enrolledUser(ctx, "sms");
    for (let i = 2; i <= 10; i++) await challenge(ctx, user.mfaToken, user.authenticatorId);
    await target.advanceClock?.(3600);
    // The hour also expired the mfa_token: log in again.
    const mfaToken = await login(ctx, user.user);
    await challenge(ctx, mfaToken, user.authenticatorId);
    const body = {
      ...(await clientAuth(target)),
      mfa_token: mfaToken,
      challenge_type: "oob",
      authenticator_id: user.authenticatorId,
    };
    expect429(await timed(() => api.post("/mfa/challenge", { json: body })), "invalid_request", 3600);
  });
});
