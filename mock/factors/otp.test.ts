import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secret, TOTP } from "otpauth";
import { assertError, Harness, json, T0 } from "../testing.ts";
import { matchTotp, newTotpSecret, otpauthUri, totpCode, totpStep } from "./otp.ts";

// RFC 6238, appendix B: the SHA1 seed "12345678901234567890" and its 8-digit codes. A 6-digit code is
// the same truncation modulo 10^6, so the last six digits are the codes with Auth0's parameters.
const RFC_SEED = Secret.fromUTF8("12345678901234567890").base32;
const RFC_VECTORS: Array<[seconds: number, eight: string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (docs/behaviour.md#otp)", () => {
  for (const [seconds, eight] of RFC_VECTORS) {
    it(`RFC 6238 SHA1 vector at T=${seconds}: ${eight}`, () => {
      const at = seconds * 1000;
      const long = TOTP.generate({
        secret: Secret.fromBase32(RFC_SEED),
        algorithm: "SHA1",
        digits: 8,
        period: 30,
        timestamp: at,
      });
      assert.equal(long, eight);
      assert.equal(totpCode(RFC_SEED, at), eight.slice(2));
      assert.equal(matchTotp(RFC_SEED, eight.slice(2), at), totpStep(at));
    });
  }

  it("accepts the current and the previous step, refuses the one before and the next (on any clock)", () => {
    const secret = newTotpSecret();
    const now = T0 + 12_345;
    const step = totpStep(now);
    assert.equal(matchTotp(secret, totpCode(secret, now), now), step);
    assert.equal(matchTotp(secret, totpCode(secret, now - 30_000), now), step - 1);
    assert.equal(matchTotp(secret, totpCode(secret, now - 60_000), now), undefined);
    assert.equal(matchTotp(secret, totpCode(secret, now + 30_000), now), undefined);
    assert.equal(matchTotp(secret, totpCode(secret, now), now, step), undefined, "a used step");
  });

  it("refuses what is not six digits", () => {
    const secret = newTotpSecret();
    for (const code of ["", "12345", "1234567", "12345a", " 123456", "１２３４５６"]) {
      assert.equal(matchTotp(secret, code, T0), undefined, code);
    }
  });

  it("secrets are 32 base32 characters, fresh each time; the barcode carries the recorded parameters", () => {
    const a = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret(), a);
    assert.equal(
      otpauthUri("My Test Tenant", "user@example.com", a),
      `otpauth://totp/My%20Test%20Tenant:user%40example.com?secret=${a}&issuer=My%20Test%20Tenant&algorithm=SHA1&digits=6&period=30`,
    );
  });
});

describe("OTP flows (docs/behaviour.md#otp, #enrollment)", () => {
  it("associate answers secret and barcode_uri (and the first recovery code); confirming with a code activates it", async () => {
    const h = new Harness();
    const user = await h.user();
    const mfa = await h.mfaToken(user);
    const res = await h.associateOtp(mfa);
    assert.equal(res.status, 200, res.body);
    const body = json(res);
    assert.deepEqual(Object.keys(body), ["authenticator_type", "secret", "barcode_uri", "recovery_codes"]);
    assert.equal(body.authenticator_type, "otp");
    const secret = String(body.secret);
    assert.equal(body.barcode_uri, otpauthUri(h.app.config().domain, `${user.username}@example.com`, secret));
    assert.equal(h.app.outbox.size(), 0, "no message is sent");
    const listed = json(await h.list(mfa));
    assert.deepEqual(
      listed.map((a) => [String(a.id).split("|")[0], a.authenticator_type, a.active, "name" in a]),
      [
        ["totp", "otp", false, false],
        ["recovery-code", "recovery-code", false, false],
      ],
    );
    const ok = await h.otp(mfa, h.totp(secret));
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.headers["content-type"], "application/json");
    assert.ok(json(await h.list(mfa)).every((a) => a.active === true));
    // Now enrolled: the mfa_token may not enrol again (docs/behaviour.md#already-enrolled).
    assertError(await h.associateOtp(mfa), 403, "access_denied", "User is already enrolled.");
  });

  it("on the mock's clock: the previous step's code is accepted, the one before refused, a code works once", async () => {
    const h = new Harness();
    const e = await h.otpEnrolled();
    const mfa = await h.mfaToken(await userOf(h, e.user_id));
    const previous = h.totp(e.secret, -30);
    const older = h.totp(e.secret, -60);
    assertError(await h.otp(mfa, older), 403, "invalid_grant", "Invalid otp_code.");
    assert.equal((await h.otp(mfa, previous)).status, 200);
    assertError(await h.otp(mfa, previous), 403, "invalid_grant", "Invalid otp_code.");
    const current = h.totp(e.secret);
    assert.equal((await h.otp(mfa, current)).status, 200);
    assertError(await h.otp(mfa, current), 403, "invalid_grant", "Invalid otp_code.");
    h.clock.advance(30_000);
    assert.equal((await h.otp(mfa, h.totp(e.secret))).status, 200, "the next step's code");
  });

  it("challenge_type otp answers exactly {challenge_type: otp}; oob for a totp is unsupported", async () => {
    const h = new Harness();
    const e = await h.otpEnrolled();
    const res = await h.challenge(e.mfaToken, { challenge_type: "otp", authenticator_id: e.id });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body, '{"challenge_type":"otp"}');
    assert.deepEqual(json(await h.challenge(e.mfaToken)), { challenge_type: "otp" }, "no type, no id");
    assertError(
      await h.challenge(e.mfaToken, { challenge_type: "oob", authenticator_id: e.id }),
      401,
      "unsupported_challenge_type",
      "The user does not support the requested challenge type (oob). Supported type: otp.",
    );
    assertError(await h.challenge(e.mfaToken, { challenge_type: "oob" }), 401, "unsupported_challenge_type");
  });

  it("wrong codes count towards the lockout shared with SMS codes; the 11th is refused even when right", async () => {
    const h = new Harness();
    const e = await h.otpEnrolled();
    for (let i = 0; i < 10; i++) assertError(await h.otp(e.mfaToken, "000000"), 403, "invalid_grant");
    const locked = await h.otp(e.mfaToken, h.totp(e.secret));
    assertError(
      locked,
      429,
      "invalid_request",
      "Too many failed codes. Wait for some minutes before retrying.",
    );
    assert.equal(locked.headers["x-ratelimit-limit"], "10");
    assert.equal(locked.headers["x-ratelimit-remaining"], "0");
    assert.equal(locked.headers["retry-after"], "360");
  });

  it("a pending OTP is confirmed only by the mfa_token that enrolled it", async () => {
    const h = new Harness();
    const user = await h.user();
    const first = await h.mfaToken(user);
    const second = await h.mfaToken(user);
    const secret = String(json(await h.associateOtp(first)).secret);
    assertError(await h.otp(second, h.totp(secret)), 403, "invalid_grant", "Invalid otp_code.");
    assert.equal((await h.otp(first, h.totp(secret))).status, 200);
  });

  it("mfa-otp without otp is a missing parameter", async () => {
    const h = new Harness();
    const e = await h.otpEnrolled();
    assertError(
      await h.token({ grant_type: "http://auth0.com/oauth/grant-type/mfa-otp", mfa_token: e.mfaToken }),
      400,
      "invalid_request",
      "Missing required parameter: otp",
    );
  });
});

/** The username and password of a user created by the harness (for a second mfa_token). */
async function userOf(h: Harness, userId: string): Promise<{ username: string; password: string }> {
  const user = h.app.runtime.state.users.get(userId);
  assert.ok(user);
  return { username: user.username, password: user.password };
}
