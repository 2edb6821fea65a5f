import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig, mergeConfig } from "../config/config.ts";
import { assertError, email, Harness, json, phone } from "../testing.ts";
import { factorOf } from "./index.ts";
import { type Factor, factorNames, normaliseFactors } from "./registry.ts";

const NOT_ENABLED = "Requested factor type is not enabled";

describe("factors a tenant offers (docs/behaviour.md#factors)", () => {
  it("the embedded default offers all five", () => {
    assert.deepEqual(defaultConfig().factors, ["sms", "voice", "otp", "email", "push"]);
  });

  it("PUT /__mock/config sets them; GET shows them; email alone and unknown names are refused", async () => {
    const h = new Harness();
    const put = await h.app.request("/__mock/config", { method: "PUT", body: { factors: ["push", "otp"] } });
    assert.equal(put.status, 200, put.body);
    assert.deepEqual(json(put).factors, ["otp", "push"]);
    assert.deepEqual(json(await h.app.request("/__mock/config")).factors, ["otp", "push"]);
    // [] too: a tenant without any factor is refused by every caller (docs/behaviour.md#one-rule).
    for (const factors of [["email"], ["sms", "fax"], "sms", [1], []]) {
      const bad = await h.app.request("/__mock/config", { method: "PUT", body: { factors } });
      assertError(bad, 400, "invalid_config");
      assert.match(String(json(bad).error_description), /^factors/);
    }
    assert.throws(() => mergeConfig(defaultConfig(), { factors: [] }), /at least one/);
    assert.deepEqual(normaliseFactors(["email", "sms", "email"]), ["sms", "email"]);
  });

  const associations: Array<[Factor, (h: Harness, mfa: string) => ReturnType<Harness["associate"]>]> = [
    ["sms", (h, mfa) => h.associatePhone(mfa, "sms", phone())],
    ["voice", (h, mfa) => h.associatePhone(mfa, "voice", phone())],
    ["otp", (h, mfa) => h.associateOtp(mfa)],
    ["email", (h, mfa) => h.associateEmail(mfa, email())],
    ["push", (h, mfa) => h.associatePush(mfa)],
  ];
  for (const [factor, associate] of associations) {
    it(`${factor} not offered: associate answers 400 unsupported_challenge_type, nothing is enrolled or sent`, async () => {
      const h = new Harness({ factors: factorNames.filter((f) => f !== factor) });
      const mfa = await h.mfaToken(await h.user());
      assertError(await associate(h, mfa), 400, "unsupported_challenge_type", NOT_ENABLED);
      assert.deepEqual(json(await h.list(mfa)), []);
      assert.equal(h.app.outbox.size(), 0);
    });
  }

  it("an authenticator of a factor switched off since cannot be challenged, nor used by mfa-otp", async () => {
    const h = new Harness();
    const e = await h.otpEnrolled();
    const off = await h.app.request("/__mock/config", { method: "PUT", body: { factors: ["sms", "voice"] } });
    assert.equal(off.status, 200, off.body);
    assertError(
      await h.challenge(e.mfaToken, { challenge_type: "otp", authenticator_id: e.id }),
      400,
      "unsupported_challenge_type",
      NOT_ENABLED,
    );
    assertError(await h.challenge(e.mfaToken), 401, "unsupported_challenge_type");
    assertError(await h.otp(e.mfaToken, h.totp(e.secret)), 403, "invalid_grant", "Invalid otp_code.");
    assert.equal(json(await h.list(e.mfaToken)).length, 2, "still listed");
  });

  it("sms without voice: one authenticator, no twin (as the recording shows it; docs/behaviour.md#sms-voice-pair)", async () => {
    const h = new Harness({ factors: ["sms", "otp"] });
    const mfa = await h.mfaToken(await h.user());
    assert.equal((await h.associatePhone(mfa, "sms", phone())).status, 200);
    assert.deepEqual(
      json(await h.list(mfa)).map((a) => String(a.id).split("|")[0]),
      ["sms", "recovery-code"],
    );
  });

  it("mfa_requirements: enroll lists the offered factors (email is for challenges only); challenge the active ones", async () => {
    const h = new Harness({ mfaRequirements: true });
    const user = await h.user();
    const login = () => h.token({ grant_type: "password", username: user.username, password: user.password });
    assert.deepEqual(json(await login()).mfa_requirements, {
      enroll: [{ type: "otp" }, { type: "phone" }, { type: "push-notification" }],
    });
    const mfa = await h.mfaToken(user);
    const address = email();
    const enrol = json(await h.associateEmail(mfa, address));
    assert.equal((await h.oob(mfa, String(enrol.oob_code), h.lastCode(address).code)).status, 200);
    const otp = json(await h.associateOtp(mfa));
    assert.equal((await h.otp(mfa, h.totp(String(otp.secret)))).status, 200);
    assert.deepEqual(json(await login()).mfa_requirements, {
      challenge: [{ type: "otp" }, { type: "recovery-code" }, { type: "email" }],
    });
    const narrow = new Harness({ mfaRequirements: true, factors: ["voice", "email"] });
    const other = await narrow.user();
    const res = await narrow.token({
      grant_type: "password",
      username: other.username,
      password: other.password,
    });
    assert.deepEqual(json(res).mfa_requirements, { enroll: [{ type: "phone" }] });
  });

  it("factorOf: a push's totp belongs to push", () => {
    const at = { id: "x|dev_A", active: true, createdAt: 0 };
    assert.equal(factorOf({ ...at, kind: "totp", secret: "S" }), "otp");
    assert.equal(factorOf({ ...at, kind: "totp", secret: "S", pairedWith: "push|dev_B" }), "push");
    assert.equal(factorOf({ ...at, kind: "email", email: "a@example.com" }), "email");
    assert.equal(factorOf({ ...at, kind: "recovery-code" }), undefined);
  });
});
