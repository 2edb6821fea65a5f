import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Authenticator, User } from "../store/records.ts";
import { MockState } from "../store/state.ts";
import {
  authenticatorKinds,
  enrollmentFor,
  factorModule,
  factorOf,
  grantRedeemer,
  hasEnrolled,
  oobRedeemer,
  removeAuthenticator,
} from "./index.ts";
import { factorNames } from "./registry.ts";

/** A user of a fresh state holding `authenticators`. */
function userWith(authenticators: Authenticator[]): { state: MockState; user: User } {
  const state = new MockState(1, 0, []);
  const user = state.createUser({ username: "u@example.com", password: "x" });
  user.authenticators = authenticators;
  user.recoveryCode = "RECOVERY";
  return { state, user };
}

const base = { active: true, createdAt: 0 };
const sms: Authenticator = { id: "sms|dev_A", kind: "sms", phone: "+15550100", ...base };
const voice: Authenticator = { id: "voice|dev_A", kind: "voice", phone: "+15550100", ...base };
const otherSms: Authenticator = { id: "sms|dev_B", kind: "sms", phone: "+15550101", ...base };
const email: Authenticator = { id: "email|dev_C", kind: "email", email: "a@example.com", ...base };
const push: Authenticator = { id: "push|dev_D", kind: "push", pairedWith: "totp|dev_E", ...base };
const pushTotp: Authenticator = {
  id: "totp|dev_E",
  kind: "totp",
  secret: "S",
  pairedWith: "push|dev_D",
  ...base,
};
const totp: Authenticator = { id: "totp|dev_F", kind: "totp", secret: "S", ...base };
const recovery: Authenticator = { id: "recovery-code|dev_G", kind: "recovery-code", ...base };
const all = [sms, voice, otherSms, email, push, pushTotp, totp, recovery];

describe("factor registry (factors/index.ts)", () => {
  it("every kind of the Authenticator union has one module, and the id prefixes are the kinds", () => {
    assert.deepEqual([...authenticatorKinds].sort(), [
      "email",
      "push",
      "recovery-code",
      "sms",
      "totp",
      "voice",
    ]);
    for (const a of all) assert.ok(factorModule(a).kinds.includes(a.kind), a.kind);
  });

  // Each associate request reaches the module of its factor; a request no module enrolls reaches none
  // (the handler then answers "not enabled").
  const requests: Array<[string, string | undefined]> = [
    ["otp", "otp"],
    ["oob sms", "sms"],
    ["oob voice", "voice"],
    ["oob email", "email"],
    ["oob auth0", "push"],
    ["oob otp", undefined],
    ["oob push", undefined],
    ["sms", undefined],
    ["constructor", undefined],
    ["oob recovery-code", undefined],
  ];
  for (const [request, factor] of requests) {
    it(`associate request "${request}" → ${factor ?? "no factor"}`, () => {
      assert.equal(enrollmentFor(request)?.factor, factor);
    });
  }

  it("every factor a tenant can offer is enrolled by some request", () => {
    const enrolled = new Set(requests.map(([r]) => enrollmentFor(r)?.factor));
    for (const f of factorNames) assert.ok(enrolled.has(f), f);
  });

  it("the grants: mfa-oob by the transaction's channel, mfa-otp and mfa-recovery-code by the grant", () => {
    assert.equal(oobRedeemer("sms"), factorModule(sms));
    assert.equal(oobRedeemer("voice"), factorModule(voice));
    assert.equal(oobRedeemer("email"), factorModule(email));
    assert.equal(oobRedeemer("push"), factorModule(push));
    assert.equal(grantRedeemer("mfa-otp"), factorModule(totp));
    assert.equal(grantRedeemer("mfa-recovery-code"), factorModule(recovery));
    assert.equal(grantRedeemer("mfa-oob"), undefined, "mfa-oob goes by channel");
  });

  it("factorOf: a push's totp belongs to push; a recovery code to no factor (its own switch)", () => {
    assert.equal(factorOf(totp), "otp");
    assert.equal(factorOf(pushTotp), "push");
    assert.equal(factorOf(voice), "voice");
    assert.equal(factorOf(email), "email");
    assert.equal(factorOf(recovery), undefined);
  });

  it("an email or a recovery code alone is no enrollment (docs/behaviour.md#already-enrolled)", () => {
    assert.equal(hasEnrolled(userWith([email, recovery]).user), false);
    assert.equal(hasEnrolled(userWith([{ ...sms, active: false }]).user), false);
    assert.equal(hasEnrolled(userWith([email, totp]).user), true);
  });

  // What a delete removes (docs/behaviour.md#sms-voice-pair, #push-pair); the rest stays in order.
  const deletions: Array<[string, string, string[]]> = [
    ["sms takes the voice of its device, not another phone's", sms.id, [sms.id, voice.id]],
    ["voice takes the sms of its device", voice.id, [sms.id, voice.id]],
    ["a lone sms goes alone", otherSms.id, [otherSms.id]],
    ["push takes its totp", push.id, [push.id, pushTotp.id]],
    ["a push's totp takes its push", pushTotp.id, [push.id, pushTotp.id]],
    ["an otp of its own goes alone", totp.id, [totp.id]],
    ["email goes alone", email.id, [email.id]],
    ["the recovery code goes alone", recovery.id, [recovery.id]],
  ];
  for (const [name, id, removed] of deletions) {
    it(`delete: ${name}`, () => {
      const { state, user } = userWith([...all]);
      assert.equal(removeAuthenticator(state, user, id), true);
      assert.deepEqual(
        user.authenticators.map((a) => a.id),
        all.map((a) => a.id).filter((x) => !removed.includes(x)),
      );
      // The recovery code lives on the user: deleting its authenticator makes it stop working.
      assert.equal(user.recoveryCode, removed.includes(recovery.id) ? undefined : "RECOVERY");
    });
  }

  it("delete: an id that is not the user's removes nothing", () => {
    const { state, user } = userWith([...all]);
    assert.equal(removeAuthenticator(state, user, "sms|dev_Z"), false);
    assert.equal(user.authenticators.length, all.length);
  });
});
