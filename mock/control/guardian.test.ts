import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError, Harness, json } from "../testing.ts";
import { DEFAULT_DEVICE_NAME } from "./guardian.ts";

const PENDING = "Authorization pending: please repeat the request in a few seconds.";

describe("push through the Guardian stand-in (docs/behaviour.md#push, #push-pair)", () => {
  it("associate answers a barcode with enrollment_tx_id and base_url; the device's scan activates push and its totp", async () => {
    const h = new Harness();
    const user = await h.user();
    const mfa = await h.mfaToken(user);
    const res = await h.associatePush(mfa);
    assert.equal(res.status, 200, res.body);
    const body = json(res);
    assert.deepEqual(Object.keys(body), [
      "authenticator_type",
      "barcode_uri",
      "recovery_codes",
      "oob_channel",
      "oob_code",
    ]);
    assert.equal(body.oob_channel, "auth0");
    const uri = new URL(String(body.barcode_uri));
    assert.equal(uri.protocol, "otpauth:");
    assert.equal(uri.searchParams.get("base_url"), `${h.app.config().issuer}__mock/guardian`);
    const listed = json(await h.list(mfa));
    assert.deepEqual(
      listed.map((a) => [String(a.id).split("|")[0], a.authenticator_type, a.active, a.oob_channel, a.name]),
      [
        ["push", "oob", false, "auth0", undefined],
        ["totp", "otp", false, undefined, undefined],
        ["recovery-code", "recovery-code", false, undefined, undefined],
      ],
    );
    const [push, totp] = listed;
    assert.notEqual(
      String(push?.id).split("|")[1],
      String(totp?.id).split("|")[1],
      "each on a device of its own",
    );

    assertError(await h.poll(mfa, String(body.oob_code)), 400, "authorization_pending", PENDING);
    const scanned = await h.guardian("enroll", {
      enrollment_tx_id: h.enrollmentTxId(uri.href),
      name: "Ada's phone",
    });
    assert.equal(scanned.status, 200, scanned.body);
    assert.deepEqual(Object.keys(json(scanned)), [
      "authenticator_id",
      "totp_authenticator_id",
      "totp_secret",
    ]);
    assert.equal(json(scanned).authenticator_id, push?.id);
    assert.equal(json(scanned).totp_authenticator_id, totp?.id);
    const again = await h.guardian("enroll", { enrollment_tx_id: h.enrollmentTxId(uri.href) });
    assertError(again, 409, "already_enrolled");
    // Polled again within 5 seconds: slow_down; then tokens.
    const fast = await h.poll(mfa, String(body.oob_code));
    assertError(fast, 429, "slow_down");
    assert.equal(fast.headers["retry-after"], "5");
    h.clock.advance(5000);
    const done = await h.poll(mfa, String(body.oob_code));
    assert.equal(done.status, 200, done.body);
    assert.deepEqual(
      json(await h.list(mfa)).map((a) => [a.active, a.name]),
      [
        [true, "Ada's phone"],
        [true, undefined],
        [true, undefined],
      ],
    );
    h.clock.advance(5000);
    assertError(await h.poll(mfa, String(body.oob_code)), 403, "invalid_grant", "Malformed oob_code");
  });

  it("a challenge waits in pending; polls answer pending, slow_down, pending, then tokens once approved", async () => {
    const h = new Harness();
    const e = await h.pushEnrolled();
    h.clock.advance(5000);
    const ch = await h.challenge(e.mfaToken, { challenge_type: "oob", authenticator_id: e.pushId });
    assert.equal(ch.status, 200, ch.body);
    assert.deepEqual(Object.keys(json(ch)), ["challenge_type", "oob_code"]);
    const oob = String(json(ch).oob_code);
    const pending = json(await h.guardian(`pending?user_id=${encodeURIComponent(e.user_id)}`));
    assert.deepEqual(
      pending.map((p) => [p.oob_code, p.authenticator_id, p.user_id]),
      [[oob, e.pushId, e.user_id]],
    );
    assertError(await h.poll(e.mfaToken, oob), 400, "authorization_pending", PENDING);
    h.clock.advance(4999);
    assertError(await h.poll(e.mfaToken, oob), 429, "slow_down");
    h.clock.advance(5000);
    assertError(await h.poll(e.mfaToken, oob), 400, "authorization_pending", PENDING);
    const tap = await h.guardian("respond", { oob_code: oob, approve: true });
    assert.deepEqual(json(tap), { status: "approved" });
    assert.deepEqual(json(await h.guardian(`pending?user_id=${encodeURIComponent(e.user_id)}`)), []);
    assertError(await h.guardian("respond", { oob_code: oob, approve: false }), 409, "already_answered");
    h.clock.advance(5000);
    const done = await h.poll(e.mfaToken, oob);
    assert.equal(done.status, 200, done.body);
    assert.ok(json(done).access_token);
  });

  it("a rejected push answers 400 access_denied (as recorded) and stays rejected", async () => {
    const h = new Harness();
    const e = await h.pushEnrolled();
    const oob = String(json(await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).oob_code);
    assert.deepEqual(json(await h.guardian("respond", { oob_code: oob, approve: false })), {
      status: "rejected",
    });
    h.clock.advance(5000);
    assertError(await h.poll(e.mfaToken, oob), 400, "access_denied", "MFA Authorization rejected.");
    h.clock.advance(5000);
    assertError(await h.poll(e.mfaToken, oob), 403, "invalid_grant");
  });

  it("a push not answered in 5 minutes expires", async () => {
    const h = new Harness();
    const e = await h.pushEnrolled();
    const oob = String(json(await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).oob_code);
    h.clock.advance(300_000);
    assert.deepEqual(json(await h.guardian(`pending?user_id=${encodeURIComponent(e.user_id)}`)), []);
    assertError(await h.guardian("respond", { oob_code: oob, approve: true }), 404, "not_found");
    assertError(await h.poll(e.mfaToken, oob), 403, "expired_token", "oob_code is expired");
  });

  it("the paired totp answers OTP challenges and the mfa-otp grant with the device's secret", async () => {
    const h = new Harness();
    const e = await h.pushEnrolled();
    const ch = await h.challenge(e.mfaToken, { challenge_type: "otp", authenticator_id: e.totpId });
    assert.equal(ch.body, '{"challenge_type":"otp"}');
    assert.equal((await h.otp(e.mfaToken, h.totp(e.totpSecret))).status, 200);
  });

  it("deleting the push deletes its totp, and the other way round", async () => {
    const h = new Harness({ profile: "off" });
    for (const first of ["push", "totp"] as const) {
      const { token, enrolled } = await h.mfaAccessToken("enroll read:authenticators remove:authenticators");
      const res = await h.associatePush(token);
      assert.equal(res.status, 200, res.body);
      const scanned = json(
        await h.guardian("enroll", { enrollment_tx_id: h.enrollmentTxId(String(json(res).barcode_uri)) }),
      );
      const ids = { push: String(scanned.authenticator_id), totp: String(scanned.totp_authenticator_id) };
      assert.equal((await h.remove(token, ids[first])).status, 204);
      const left = json(await h.list(token)).map((a) => String(a.id));
      assert.deepEqual(
        left.sort(),
        [...enrolled.ids].sort(),
        `deleting ${first} leaves only the SMS enrollment`,
      );
    }
  });

  it("5 pushes per user, then 5 a minute, with the bucket in the headers (docs/behaviour.md#factor-limits)", async () => {
    const h = new Harness({ profile: "essentials" });
    const e = await h.pushEnrolled();
    for (let i = 0; i < 5; i++) {
      assert.equal((await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).status, 200);
    }
    const limited = await h.challenge(e.mfaToken, { authenticator_id: e.pushId });
    assertError(
      limited,
      429,
      "invalid_request",
      "Too many push notifications sent by the user. Wait for some minutes before retrying.",
    );
    assert.equal(limited.headers["x-ratelimit-limit"], "5");
    assert.equal(limited.headers["x-ratelimit-remaining"], "0");
    assert.equal(limited.headers["retry-after"], "12");
    h.clock.advance(12_000);
    assert.equal((await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).status, 200);
  });

  it("every poll counts towards the mfa_token's exchange limit: 12, then 429 too_many_requests (docs/behaviour.md#factor-limits)", async () => {
    const h = new Harness({ profile: "essentials" });
    const e = await h.pushEnrolled();
    h.clock.advance(60_000);
    const oob = String(json(await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).oob_code);
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(String(json(await h.poll(e.mfaToken, oob)).error));
    assert.deepEqual(answers, ["authorization_pending", ...Array(11).fill("slow_down")]);
    const limited = await h.poll(e.mfaToken, oob);
    assertError(limited, 429, "too_many_requests");
    assert.equal(limited.headers["x-ratelimit-limit"], "12");
    assert.equal(limited.headers["x-ratelimit-remaining"], "0");
    assert.equal(limited.headers["retry-after"], "5");
  });

  it("the device's name defaults to the stand-in's", async () => {
    const h = new Harness();
    const e = await h.pushEnrolled();
    const item = json(await h.list(e.mfaToken)).find((a) => a.id === e.pushId);
    assert.equal(item?.name, DEFAULT_DEVICE_NAME);
  });
});

describe("Guardian stand-in: bad input answers 4xx in Auth0's shape", () => {
  const rows: Array<{
    name: string;
    path: string;
    body?: string;
    method: string;
    status: number;
    error: string;
  }> = [
    {
      name: "enroll without a body field",
      method: "POST",
      path: "enroll",
      body: "{}",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with a number",
      method: "POST",
      path: "enroll",
      body: '{"enrollment_tx_id":5}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with an unknown id",
      method: "POST",
      path: "enroll",
      body: '{"enrollment_tx_id":"nope"}',
      status: 404,
      error: "not_found",
    },
    {
      name: "enroll with an empty name",
      method: "POST",
      path: "enroll",
      body: '{"enrollment_tx_id":"x","name":" "}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with a long id",
      method: "POST",
      path: "enroll",
      body: JSON.stringify({ enrollment_tx_id: "x".repeat(300) }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with a JSON array",
      method: "POST",
      path: "enroll",
      body: "[]",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with broken JSON",
      method: "POST",
      path: "enroll",
      body: "{",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "enroll with a Reply-shaped body",
      method: "POST",
      path: "enroll",
      body: '{"status":999,"body":"x"}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "pending without user_id",
      method: "GET",
      path: "pending",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "pending of an unknown user",
      method: "GET",
      path: "pending?user_id=auth0%7Cnobody",
      status: 404,
      error: "not_found",
    },
    {
      name: "respond without approve",
      method: "POST",
      path: "respond",
      body: '{"oob_code":"x"}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "respond with approve as a string",
      method: "POST",
      path: "respond",
      body: '{"oob_code":"x","approve":"yes"}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "respond without oob_code",
      method: "POST",
      path: "respond",
      body: '{"approve":true}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "respond to an unknown oob_code",
      method: "POST",
      path: "respond",
      body: '{"oob_code":"x","approve":true}',
      status: 404,
      error: "not_found",
    },
    { name: "GET on respond", method: "GET", path: "respond", status: 405, error: "method_not_allowed" },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const h = new Harness();
      const res = h.app.handle({
        method: row.method,
        url: `/__mock/guardian/${row.path}`,
        headers: { "content-type": "application/json" },
        body: row.body ?? "",
      });
      assertError(res, row.status, row.error);
    });
  }

  it("respond to an SMS challenge's oob_code is not found: only pushes wait for a tap", async () => {
    const h = new Harness();
    const e = await h.enrolled("sms");
    const ch = json(await h.challenge(e.mfaToken, { authenticator_id: e.ids[0] ?? "" }));
    assertError(
      await h.guardian("respond", { oob_code: String(ch.oob_code), approve: true }),
      404,
      "not_found",
    );
  });
});
