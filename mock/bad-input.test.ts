import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError, Harness, json, OOB, OTP } from "./testing.ts";

describe("bad input: Auth0-shaped JSON errors, never a 5xx", () => {
  const rows: Array<{
    name: string;
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
    status: number;
    error: string;
  }> = [
    {
      name: "malformed JSON",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "application/json" },
      body: "{nope",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "JSON array",
      method: "POST",
      url: "/mfa/challenge",
      headers: { "content-type": "application/json" },
      body: "[1,2]",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "JSON null",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "application/json" },
      body: "null",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "text/plain body",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "text/plain" },
      body: "grant_type=password",
      status: 415,
      error: "invalid_request",
    },
    {
      name: "no content type with a body",
      method: "POST",
      url: "/mfa/challenge",
      body: "{}x",
      status: 415,
      error: "invalid_request",
    },
    {
      name: "form on associate",
      method: "POST",
      url: "/mfa/associate",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer x" },
      body: "a=b",
      status: 415,
      error: "invalid_request",
    },
    {
      name: "empty body on token",
      method: "POST",
      url: "/oauth/token",
      body: "",
      status: 400,
      error: "invalid_request",
    },
    {
      name: "unknown grant",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "application/json" },
      body: '{"grant_type":"urn:nope","client_id":"x"}',
      status: 400,
      error: "unsupported_grant_type",
    },
    {
      name: "wrong field type",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "application/json" },
      body: '{"grant_type":"password","client_id":"x","username":1,"password":[]}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "oversized body",
      method: "POST",
      url: "/oauth/token",
      headers: { "content-type": "application/json" },
      body: `{"a":"${"x".repeat(70_000)}"}`,
      status: 413,
      error: "invalid_request",
    },
    { name: "unknown path", method: "GET", url: "/mfa/nothing", status: 404, error: "not_found" },
    {
      name: "nested authenticator path",
      method: "DELETE",
      url: "/mfa/authenticators/a/b",
      status: 404,
      error: "not_found",
    },
    { name: "wrong method", method: "PUT", url: "/oauth/token", status: 405, error: "method_not_allowed" },
    {
      name: "GET on delete path",
      method: "GET",
      url: "/mfa/authenticators/sms%7Cdev_x",
      status: 405,
      error: "method_not_allowed",
    },
    {
      name: "missing auth on list",
      method: "GET",
      url: "/mfa/authenticators",
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "garbled bearer",
      method: "GET",
      url: "/mfa/authenticators",
      headers: { authorization: "Bearer \u0000\u00ff" },
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "basic instead of bearer",
      method: "GET",
      url: "/mfa/authenticators",
      headers: { authorization: "Basic Zm9vOmJhcg==" },
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "forged JWT",
      method: "GET",
      url: "/mfa/authenticators",
      headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." },
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "bad percent-encoding",
      method: "DELETE",
      url: "/mfa/authenticators/%E0%A4%A",
      headers: { authorization: "Bearer x" },
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "garbled basic client auth",
      method: "POST",
      url: "/mfa/challenge",
      headers: { "content-type": "application/json", authorization: "Basic !!!" },
      body: '{"client_id":"x","mfa_token":"y"}',
      status: 401,
      error: "invalid_client",
    },
    { name: "unknown control path", method: "GET", url: "/__mock/nothing", status: 404, error: "not_found" },
    {
      name: "bad clock advance",
      method: "POST",
      url: "/__mock/clock",
      headers: { "content-type": "application/json" },
      body: '{"advance_seconds":-5}',
      status: 400,
      error: "invalid_request",
    },
    {
      name: "bad config",
      method: "PUT",
      url: "/__mock/config",
      headers: { "content-type": "application/json" },
      body: '{"profile":"gold"}',
      status: 400,
      error: "invalid_config",
    },
    {
      name: "unknown deviation",
      method: "PUT",
      url: "/__mock/config",
      headers: { "content-type": "application/json" },
      body: '{"faults":{"deviations":["nope"]}}',
      status: 400,
      error: "invalid_config",
    },
    {
      name: "bad outbox after",
      method: "GET",
      url: "/__mock/outbox?after=yesterday",
      status: 400,
      error: "invalid_request",
    },
  ];

  for (const row of rows) {
    it(row.name, () => {
      const h = new Harness({ profile: "off" });
      const res = h.app.handle({
        method: row.method,
        url: row.url,
        headers: row.headers ?? {},
        body: row.body ?? "",
      });
      assertError(res, row.status, row.error);
      assert.match(res.headers["content-type"] ?? "", /^application\/json/);
    });
  }

  it("a bad request changes nobody's state", async () => {
    const h = new Harness({ profile: "off" });
    const e = await h.enrolled();
    const before = json(await h.list(e.mfaToken));
    for (const row of rows)
      h.app.handle({ method: row.method, url: row.url, headers: row.headers ?? {}, body: row.body ?? "" });
    assert.deepEqual(json(await h.list(e.mfaToken)), before);
  });
});

describe("isolation: one user's tokens never reach another user's authenticators", () => {
  it("list, challenge, confirm and delete stay within the caller's user, and foreign ids look unknown", async () => {
    const h = new Harness({ profile: "off" });
    const alice = await h.enrolled();
    const bob = await h.mfaAccessToken("read:authenticators remove:authenticators");
    const bobIds = bob.enrolled.ids;
    // list: alice sees only hers
    const aliceList = json(await h.list(alice.mfaToken)).map((a) => a.id);
    assert.ok(aliceList.every((id) => !bobIds.includes(String(id))));
    // challenge: bob's id answers exactly like an unknown one
    const bobSms = bobIds.find((id) => id.startsWith("sms|")) ?? "";
    const foreign = await h.challenge(alice.mfaToken, { authenticator_id: bobSms });
    const unknown = await h.challenge(alice.mfaToken, { authenticator_id: "sms|dev_AAAAAAAAAAAAAAAA" });
    assertError(foreign, 400, "invalid_request");
    assert.equal(
      String(json(foreign).error_description).replace(bobSms, "ID"),
      String(json(unknown).error_description).replace("sms|dev_AAAAAAAAAAAAAAAA", "ID"),
    );
    assert.equal(
      h.app.outbox.list({ recipient: bob.enrolled.phone }).at(-1)?.action,
      "second-factor-authentication",
    );
    const bobMessages = h.app.outbox.list({ recipient: bob.enrolled.phone }).length;
    // confirm: alice's mfa_token cannot complete bob's challenge
    const ch = json(await h.challenge(bob.enrolled.mfaToken, { authenticator_id: bobSms }));
    const code = h.lastCode(bob.enrolled.phone).code;
    assertError(await h.oob(alice.mfaToken, String(ch.oob_code), code), 400, "invalid_request");
    // delete: bob's token cannot delete alice's authenticator, and the answer is the unknown-id 404
    const aliceSms = alice.ids.find((id) => id.startsWith("sms|")) ?? "";
    assertError(await h.remove(bob.token, aliceSms), 404, "not_found", "Authenticator not found.");
    assertError(
      await h.remove(bob.token, "sms|dev_AAAAAAAAAAAAAAAA"),
      404,
      "not_found",
      "Authenticator not found.",
    );
    assert.deepEqual(
      json(await h.list(alice.mfaToken)).map((a) => a.id),
      aliceList,
    );
    assert.equal(h.app.outbox.list({ recipient: bob.enrolled.phone }).length, bobMessages + 1);
  });

  it("an mfa_token of another client is refused on challenge and token", async () => {
    const h = new Harness({ profile: "off" });
    const e = await h.enrolled();
    h.app.runtime.state.clients.set("other", { clientId: "other", clientSecret: "s", name: "Other" });
    const res = await h.app.request("/mfa/challenge", {
      body: { client_id: "other", client_secret: "s", mfa_token: e.mfaToken },
    });
    assertError(res, 400, "invalid_request", "mfa_token not issued to this client");
    const tok = await h.app.request("/oauth/token", {
      body: {
        grant_type: OOB,
        client_id: "other",
        client_secret: "s",
        mfa_token: e.mfaToken,
        oob_code: "x",
        binding_code: "1",
      },
    });
    assertError(tok, 400, "invalid_request", "mfa_token not issued to this client");
  });
});

describe("bad input in the OTP, email and push fields: Auth0-shaped 4xx, never a 5xx", () => {
  type Ctx = { h: Harness; mfa: string; otpMfa: string; pushMfa: string; pushOob: string };
  const rows: Array<{
    name: string;
    send: (c: Ctx) => ReturnType<Harness["associate"]>;
    status: number;
    error: string;
  }> = [
    {
      name: "email of the wrong type",
      send: (c) => c.h.associate(c.mfa, { authenticator_types: ["oob"], oob_channels: ["email"], email: 5 }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "email as an array",
      send: (c) =>
        c.h.associate(c.mfa, { authenticator_types: ["oob"], oob_channels: ["email"], email: ["a@b.c"] }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "email that is no address",
      send: (c) => c.h.associateEmail(c.mfa, "\u0000@\u0000"),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "email of 64 KiB",
      send: (c) => c.h.associateEmail(c.mfa, `${"a".repeat(60_000)}@example.com`),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "an unknown authenticator type",
      send: (c) => c.h.associate(c.mfa, { authenticator_types: ["webauthn"] }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "an unknown channel",
      send: (c) => c.h.associate(c.mfa, { authenticator_types: ["oob"], oob_channels: ["duo"] }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "otp of the wrong type",
      send: (c) =>
        c.h.app.request("/oauth/token", {
          body: { ...c.h.client, grant_type: OTP, mfa_token: c.otpMfa, otp: [1] },
        }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "otp that is not six digits",
      send: (c) => c.h.otp(c.otpMfa, "12e4\u0000"),
      status: 403,
      error: "invalid_grant",
    },
    {
      name: "otp of 10,000 digits",
      send: (c) => c.h.otp(c.otpMfa, "1".repeat(10_000)),
      status: 403,
      error: "invalid_grant",
    },
    {
      name: "mfa-otp with an unknown mfa_token",
      send: (c) => c.h.otp("Fe26.2**nope", "123456"),
      status: 403,
      error: "invalid_grant",
    },
    {
      name: "a push polled with a junk binding_code is still pending",
      send: (c) =>
        c.h.token({ grant_type: OOB, mfa_token: c.pushMfa, oob_code: c.pushOob, binding_code: "\u0000x" }),
      status: 400,
      error: "authorization_pending",
    },
    {
      name: "a push oob_code with another user's mfa_token",
      send: (c) => c.h.poll(c.mfa, c.pushOob),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "challenge_type otp for an unknown totp",
      send: (c) =>
        c.h.challenge(c.otpMfa, { challenge_type: "otp", authenticator_id: "totp|dev_AAAAAAAAAAAAAAAA" }),
      status: 400,
      error: "invalid_request",
    },
    {
      name: "legacy oob_channel auth0 of the wrong type",
      send: (c) =>
        c.h.app.request("/mfa/challenge", { body: { ...c.h.client, mfa_token: c.pushMfa, oob_channel: 5 } }),
      status: 400,
      error: "invalid_request",
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const h = new Harness({ profile: "off" });
      const mfa = await h.mfaToken(await h.user());
      const otp = await h.otpEnrolled();
      const pushUser = await h.user();
      const pushMfa = await h.mfaToken(pushUser);
      const pushOob = String(json(await h.associatePush(pushMfa)).oob_code);
      const res = await row.send({ h, mfa, otpMfa: otp.mfaToken, pushMfa, pushOob });
      assertError(res, row.status, row.error);
      assert.match(res.headers["content-type"] ?? "", /^application\/json/);
    });
  }
});
