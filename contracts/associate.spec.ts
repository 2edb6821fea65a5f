/**
 * POST /mfa/associate: enrolling sms and voice authenticators (docs/behaviour.md#enrollment,
 * #oob-channel, #associate-client-id, #recovery-codes, #already-enrolled, #phone-numbers) and its
 * negative cases, as tables.
 */

import { confirm, enroll, enrolledUser, expect, newSession, readCode, tamper, test } from "./fixtures.ts";
import { generatedRows } from "./negative-cases.ts";

test.describe("associateAuthenticator", { tag: "@op:associateAuthenticator" }, () => {
  for (const channel of ["sms", "voice"] as const) {
    test(`enrolling ${channel} answers 200 with an oob_code, binding_method prompt and one recovery code`, {
      tag: ["@sends-sms", "@check:status", "@check:body", `@factor:${channel}`],
    }, async ({ api, target }) => {
      const { mfaToken } = await newSession({ api, target });
      const phone = target.phoneNumber();
      const { response } = await enroll({ api, target }, mfaToken, channel, phone);
      expect(response.body.authenticator_type).toBe("oob");
      expect(response.body.oob_channel).toBe(channel);
      expect(response.body.binding_method).toBe("prompt");
      expect(response.body.oob_code as unknown).toMatchSecretly(/^[!-~]+$/);
      // docs/behaviour.md#recovery-codes: recovery codes are on by default; one 24-character code on the
      // first enrollment.
      expect(response.body.recovery_codes?.length, "one recovery code").toBe(1);
      expect(response.body.recovery_codes?.[0] as unknown).toMatchSecretly(/^[A-Z0-9]{24}$/);
      const message = await readCode({ api, target }, phone, { action: "enrollment", message_type: channel });
      expect(message.code).toMatchSecretly(/^\d{6}$/);
    });
  }

  test("client_id is optional, and accepted when it names the token's client (docs/behaviour.md#associate-client-id)", {
    tag: ["@sends-sms", "@check:status"],
  }, async ({ api, target }) => {
    const { mfaToken } = await newSession({ api, target });
    const res = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: {
        client_id: target.clientId,
        authenticator_types: ["oob"],
        oob_channels: ["sms"],
        phone_number: target.phoneNumber(),
      },
    });
    expect(res.status).toBe(200);
    expect(res).toConform("associateAuthenticator");
  });

  test("an mfa_token cannot enroll once an authenticator is active: 403 User is already enrolled. (docs/behaviour.md#already-enrolled)", {
    tag: ["@sends-sms", "@check:errors"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken } = await newSession(ctx);
    const phone = target.phoneNumber();
    const enrollment = await enroll(ctx, mfaToken, "sms", phone);
    await confirm(ctx, mfaToken, enrollment, phone);
    const again = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: { authenticator_types: ["oob"], oob_channels: ["voice"], phone_number: target.phoneNumber() },
    });
    expect(again).toBeError(403, "access_denied", "User is already enrolled.");
  });

  test("recovery codes come with the first enrollment only; an MFA API token may enroll more (docs/behaviour.md#recovery-codes, #already-enrolled)", {
    tag: ["@sends-sms", "@check:status", "@check:body"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms", { mfaApi: true });
    expect(user.recoveryCodes.length, "one recovery code").toBe(1);
    const phone = target.phoneNumber();
    api.secret("phone", phone);
    const more = await api.post("/mfa/associate", {
      bearer: user.accessToken,
      json: { authenticator_types: ["oob"], oob_channels: ["voice"], phone_number: phone },
    });
    expect(more.status).toBe(200);
    expect(more).toConform("associateAuthenticator");
    expect(more.body.recovery_codes === undefined, "no recovery codes once a factor is active").toBe(true);
  });

  test.describe("negative cases generated from the description", { tag: ["@check:errors"] }, () => {
    for (const row of generatedRows("associateAuthenticator")) {
      test(`${row.name} → ${row.status} ${row.error}`, async ({ api, target }) => {
        const { mfaToken } = await newSession({ api, target });
        const valid = {
          authenticator_types: ["oob"],
          oob_channels: ["sms"],
          phone_number: target.phoneNumber(),
        };
        const res = await api.post("/mfa/associate", { bearer: mfaToken, ...row.spoil(valid) });
        expect(res).toBeError(row.status, row.error);
      });
    }
  });

  test.describe("negative cases from docs/behaviour.md", { tag: ["@check:errors"] }, () => {
    const phones: [string, string][] = [
      ["without the leading +", "14155550123"],
      ["with spaces", "+1 415 555 0123"],
      ["with letters", "+1415555abcd"],
      ["too short", "+12345"],
      ["too long (16 digits)", "+1234567890123456"],
      ["starting with +0", "+04155550123"],
    ];
    for (const [name, phone] of phones) {
      test(`phone number ${name} → 400 invalid_request "The phone number is invalid." (docs/behaviour.md#phone-numbers)`, async ({
        api,
        target,
      }) => {
        const { mfaToken } = await newSession({ api, target });
        api.secret("phone", phone);
        const res = await api.post("/mfa/associate", {
          bearer: mfaToken,
          json: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
        });
        expect(res).toBeError(400, "invalid_request", "The phone number is invalid.");
      });
    }

    const bearerRows: {
      name: string;
      bearer?: (valid: string) => string;
      status: number;
      error: string;
      tag?: string[];
    }[] = [
      { name: "no Authorization header", status: 401, error: "invalid_grant" },
      {
        name: "an unknown mfa_token",
        bearer: () => "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz",
        status: 401,
        error: "invalid_grant",
      },
      { name: "a malformed mfa_token", bearer: () => "not a token", status: 401, error: "invalid_grant" },
      {
        name: "a tampered mfa_token",
        bearer: (valid) => tamper(valid),
        status: 401,
        error: "invalid_grant",
        tag: ["@check:security"],
      },
    ];
    for (const row of bearerRows) {
      test(`${row.name} → ${row.status} ${row.error}`, { tag: row.tag ?? [] }, async ({ api, target }) => {
        const { mfaToken } = await newSession({ api, target });
        const res = await api.post("/mfa/associate", {
          ...(row.bearer ? { bearer: row.bearer(mfaToken) } : {}),
          json: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: target.phoneNumber() },
        });
        expect(res).toBeError(row.status, row.error);
      });
    }

    test("an empty phone number → 400 invalid_request ([U] whether Auth0 says invalid or missing)", async ({
      api,
      target,
    }) => {
      const { mfaToken } = await newSession({ api, target });
      const res = await api.post("/mfa/associate", {
        bearer: mfaToken,
        json: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: "" },
      });
      expect(res).toBeError(400, "invalid_request");
    });

    test("a phone channel without a phone number → 400 invalid_request", async ({ api, target }) => {
      const { mfaToken } = await newSession({ api, target });
      const res = await api.post("/mfa/associate", {
        bearer: mfaToken,
        json: { authenticator_types: ["oob"], oob_channels: ["sms"] },
      });
      expect(res).toBeError(400, "invalid_request");
    });

    test("an unknown channel → 400 invalid_request", async ({ api, target }) => {
      const { mfaToken } = await newSession({ api, target });
      const res = await api.post("/mfa/associate", {
        bearer: mfaToken,
        json: { authenticator_types: ["oob"], oob_channels: ["pigeon"], phone_number: target.phoneNumber() },
      });
      expect(res).toBeError(400, "invalid_request");
    });
  });
});
