import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError, Harness, json, phone, T0 } from "../testing.ts";

const FAILED = "Too many failed codes. Wait for some minutes before retrying.";
const SMS = "Too many SMS sent by the user. Wait for some minutes before retrying.";

describe("rate limits (docs/behaviour.md#per-user-limits, #plan-limits, #limit-metadata, #throttled-answer)", () => {
  it("every answer carries x-ratelimit-*, driven by the clock; the 26th request in a second is 429 (docs/behaviour.md#limit-metadata, #throttled-answer)", async () => {
    const h = new Harness({ profile: "essentials" });
    const seen: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await h.app.request(i % 2 ? "/mfa/authenticators" : "/nope");
      assert.equal(res.headers["x-ratelimit-limit"], "25");
      assert.ok(Number(res.headers["x-ratelimit-reset"]) >= Math.floor(T0 / 1000));
      seen.push(Number(res.headers["x-ratelimit-remaining"]));
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 25 }, (_, i) => 24 - i),
    );
    const limited = await h.app.request("/mfa/authenticators");
    assertError(limited, 429, "too_many_requests", "Rate limit exceeded.");
    assert.equal(limited.headers["retry-after"], "1");
    assert.equal(limited.headers["x-ratelimit-remaining"], "0");
    h.clock.advance(1000);
    const refilled = await h.app.request("/mfa/authenticators");
    assert.equal(refilled.status, 401);
    assert.equal(refilled.headers["x-ratelimit-remaining"], "24");
  });

  it("the 429 body is configurable (docs/behaviour.md#throttled-answer)", async () => {
    const h = new Harness({
      profile: "essentials",
      rateLimitBody: { error: "too_many_requests", error_description: "Slow down." },
    });
    for (let i = 0; i < 25; i++) await h.app.request("/nope");
    assertError(await h.app.request("/nope"), 429, "too_many_requests", "Slow down.");
  });

  it("the 11th wrong code locks the user out; the right code is refused too; one attempt per 6 minutes (docs/behaviour.md#per-user-limits)", async () => {
    const h = new Harness({ profile: "essentials" });
    const { mfaToken: mfa, phone: number } = await h.enrolled();
    const oob = String(json(await h.challenge(mfa)).oob_code);
    const code = h.lastCode(number).code;
    const wrong = code === "111111" ? "222222" : "111111";
    for (let i = 0; i < 10; i++) {
      // Spread over time so the per-mfa_token exchange bucket (12/min) is not what answers.
      h.clock.advance(6_000);
      assertError(await h.oob(mfa, oob, wrong), 403, "invalid_grant", "Invalid binding_code.");
    }
    h.clock.advance(6_000);
    const locked = await h.oob(mfa, oob, wrong);
    assertError(locked, 429, "invalid_request", FAILED);
    assert.ok(Number(locked.headers["retry-after"]) > 0);
    assertError(await h.oob(mfa, oob, code), 429, "invalid_request", FAILED);
    // One failed attempt comes back 6 minutes after the first failure; the code has expired by then.
    h.clock.advance(300_000);
    const ch = json(await h.challenge(mfa));
    assert.equal(typeof ch.oob_code, "string");
    const res = await h.oob(mfa, String(ch.oob_code), h.lastCode(number).code);
    assert.equal(res.status, 200, res.body);
  });

  it("the lockout status is configurable", async () => {
    // 403 with invalid_request is outside the description, so response validation is off here.
    const h = new Harness({ profile: "essentials", lockoutStatus: 403, validateResponses: false });
    const mfa = await h.mfaToken(await h.user());
    const number = phone();
    const oob = String(json(await h.associatePhone(mfa, "sms", number)).oob_code);
    for (let i = 0; i < 10; i++) {
      h.clock.advance(6_000);
      await h.oob(mfa, oob, "999999" === h.lastCode(number).code ? "888888" : "999999");
    }
    h.clock.advance(6_000);
    assertError(await h.oob(mfa, oob, "999999"), 403, "invalid_request", FAILED);
  });

  it("the 11th message within the hour is 'Too many SMS sent by the user.'; one more per hour (docs/behaviour.md#per-user-limits)", async () => {
    const h = new Harness({ profile: "essentials" });
    const e = await h.enrolled(); // the enrollment sent message 1
    for (let i = 0; i < 9; i++) {
      h.clock.advance(1000);
      assert.equal((await h.challenge(e.mfaToken)).status, 200);
    }
    h.clock.advance(1000);
    const limited = await h.challenge(e.mfaToken);
    assertError(limited, 429, "invalid_request", SMS);
    assert.ok(Number(limited.headers["retry-after"]) > 3000);
    const sent = h.app.outbox.list({ recipient: e.phone }).length;
    assert.equal(sent, 10, "nothing is sent when refused");
    // The mfa_token lives 10 minutes; a new one is needed after the hour's refill.
    h.clock.advance(3600_000);
    const fresh = await h.mfaToken(e.user);
    assert.equal((await h.challenge(fresh)).status, 200);
    h.clock.advance(1000);
    assertError(await h.challenge(fresh), 429, "invalid_request", SMS);
  });

  it("the mfa-oob exchange is capped at 12 per minute per mfa_token (docs/behaviour.md#plan-limits)", async () => {
    const h = new Harness({ profile: "enterprise" });
    const e = await h.enrolled(); // the confirmation used one exchange
    const ch = json(await h.challenge(e.mfaToken));
    const code = h.lastCode(e.phone).code;
    assert.equal((await h.oob(e.mfaToken, String(ch.oob_code), code)).status, 200);
    // Replays are refused without counting as failed codes, so only the exchange bucket fills up.
    for (let i = 0; i < 10; i++) {
      assertError(await h.oob(e.mfaToken, String(ch.oob_code), code), 403, "invalid_grant");
    }
    const limited = await h.oob(e.mfaToken, String(ch.oob_code), code);
    assertError(limited, 429, "too_many_requests");
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
  });

  it("the off profile never limits and still sends the headers", async () => {
    const h = new Harness({ profile: "off" });
    const e = await h.enrolled();
    for (let i = 0; i < 30; i++) assert.equal((await h.challenge(e.mfaToken)).status, 200);
    const res = await h.challenge(e.mfaToken);
    assert.ok(res.headers["x-ratelimit-limit"]);
    assert.ok(res.headers["x-ratelimit-remaining"]);
  });
});
