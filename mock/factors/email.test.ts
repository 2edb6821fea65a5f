import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError, email, Harness, json, phone } from "../testing.ts";
import { isEmail, maskedEmailName } from "./email.ts";

describe("email authenticators (docs/behaviour.md#email)", () => {
  it("associate sends a 6-digit code to the address (outbox: message_type email); the code confirms it", async () => {
    const h = new Harness();
    const mfa = await h.mfaToken(await h.user());
    const address = email();
    const res = await h.associateEmail(mfa, address);
    assert.equal(res.status, 200, res.body);
    const body = json(res);
    assert.deepEqual(Object.keys(body), [
      "authenticator_type",
      "binding_method",
      "recovery_codes",
      "oob_channel",
      "oob_code",
    ]);
    assert.equal(body.oob_channel, "email");
    assert.equal(body.binding_method, "prompt");
    const sent = h.lastCode(address);
    assert.equal(sent.message_type, "email");
    assert.equal(sent.action, "enrollment");
    assert.match(sent.code, /^\d{6}$/);
    const [message] = h.app.outbox.list({ recipient: address });
    assert.equal(message?.recipient, address);
    assert.match(message?.text ?? "", new RegExp(`^${sent.code} is your verification code`));
    const pending = json(await h.list(mfa)).find((a) => String(a.id).startsWith("email|"));
    assert.equal(pending?.active, false);
    assertError(
      await h.oob(mfa, String(body.oob_code), "000000"),
      403,
      "invalid_grant",
      "Invalid binding_code.",
    );
    const confirmed = await h.oob(mfa, String(body.oob_code), sent.code);
    assert.equal(confirmed.status, 200, confirmed.body);
    const item = json(await h.list(mfa)).find((a) => String(a.id).startsWith("email|"));
    assert.deepEqual(
      { ...item, id: "" },
      {
        id: "",
        authenticator_type: "oob",
        active: true,
        oob_channel: "email",
        name: maskedEmailName(address),
      },
    );
  });

  it("a challenge emails a new code (second-factor-authentication) completed by mfa-oob", async () => {
    const h = new Harness();
    const mfa = await h.mfaToken(await h.user());
    const address = email();
    const enrol = json(await h.associateEmail(mfa, address));
    assert.equal((await h.oob(mfa, String(enrol.oob_code), h.lastCode(address).code)).status, 200);
    const id = String(json(await h.list(mfa)).find((a) => String(a.id).startsWith("email|"))?.id);
    const ch = await h.challenge(mfa, { challenge_type: "oob", authenticator_id: id });
    assert.equal(ch.status, 200, ch.body);
    assert.deepEqual(Object.keys(json(ch)), ["challenge_type", "oob_code", "binding_method"]);
    const sent = h.lastCode(address);
    assert.equal(sent.action, "second-factor-authentication");
    assert.equal(sent.message_type, "email");
    assert.equal((await h.oob(mfa, String(json(ch).oob_code), sent.code)).status, 200);
  });

  it("a user whose only factor is email may still enrol another with the mfa_token; then not", async () => {
    const h = new Harness();
    const mfa = await h.mfaToken(await h.user());
    const address = email();
    const enrol = json(await h.associateEmail(mfa, address));
    assert.equal((await h.oob(mfa, String(enrol.oob_code), h.lastCode(address).code)).status, 200);
    const sms = await h.associatePhone(mfa, "sms", phone());
    assert.equal(sms.status, 200, sms.body);
    assert.equal(json(sms).recovery_codes, undefined, "recovery codes come with the first factor only");
    assert.equal(
      (await h.oob(mfa, String(json(sms).oob_code), h.lastCode(String(lastPhone(h))).code)).status,
      200,
    );
    assertError(await h.associateEmail(mfa, email()), 403, "access_denied", "User is already enrolled.");
  });

  it("the email is required and must be an address", async () => {
    const h = new Harness();
    const mfa = await h.mfaToken(await h.user());
    assertError(
      await h.associate(mfa, { authenticator_types: ["oob"], oob_channels: ["email"] }),
      400,
      "invalid_request",
      "Missing required parameter: email",
    );
    for (const bad of [
      "nobody",
      "a@b",
      "a b@example.com",
      "@example.com",
      `${"x".repeat(250)}@example.com`,
    ]) {
      assertError(await h.associateEmail(mfa, bad), 400, "invalid_request", "The email is invalid.");
    }
    assert.equal(h.app.outbox.size(), 0);
  });

  it("20 emails per user, then one a minute, with the bucket in the headers (docs/behaviour.md#factor-limits)", async () => {
    const h = new Harness({ profile: "essentials" });
    const mfa = await h.mfaToken(await h.user());
    for (let i = 0; i < 20; i++) {
      assert.equal((await h.associateEmail(mfa, email())).status, 200);
      // The tenant's bucket (25 a second) is not under test.
      h.clock.advance(100);
    }
    const limited = await h.associateEmail(mfa, email());
    assertError(
      limited,
      429,
      "invalid_request",
      "Too many emails sent by the user. Wait for some minutes before retrying.",
    );
    assert.equal(limited.headers["x-ratelimit-limit"], "20");
    assert.equal(limited.headers["x-ratelimit-remaining"], "0");
    assert.ok(Number(limited.headers["retry-after"]) >= 1 && Number(limited.headers["retry-after"]) <= 60);
    h.clock.advance(60_000);
    assert.equal((await h.associateEmail(mfa, email())).status, 200);
    // SMS has its own bucket.
    assert.equal((await h.associatePhone(mfa, "sms", phone())).status, 200);
  });
});

describe("maskedEmailName (docs/behaviour.md#masked-email)", () => {
  const rows: Array<[string, string]> = [
    ["user@example.com", "****@exam*******"],
    ["dlozano.test@gmail.com", "dloz********@gmai*****"],
    ["a@b.io", "*@b.i*"],
    ["abcde@x.y", "a****@x.*"],
  ];
  for (const [address, masked] of rows) {
    it(`${address} → ${masked}`, () => assert.equal(maskedEmailName(address), masked));
  }
  it("every masked name matches the description's pattern", () => {
    for (const [address] of rows) assert.match(maskedEmailName(address), /^[^@\s]*\*@[^@\s]*\*$/);
  });
  it("isEmail accepts addresses and refuses the rest", () => {
    assert.equal(isEmail("user@example.com"), true);
    for (const bad of ["", "user", "user@", "user@host", "a@b@c.d", "sp ace@x.y"])
      assert.equal(isEmail(bad), false, bad);
  });
});

/** The recipient of the last message in the outbox. */
function lastPhone(h: Harness): string | undefined {
  return h.app.outbox.list().at(-1)?.recipient;
}
