/**
 * POST /mfa/challenge (docs/behaviour.md#challenge-answer, #challenge-type, #request-media-types,
 * #authenticator-lookup): sms and voice challenges, both request content types, optional challenge_type, and
 * the negative cases as tables.
 */

import {
  challenge,
  clientAuth,
  enrolledUser,
  expect,
  newSession,
  readCode,
  tamper,
  test,
} from "./fixtures.ts";
import { generatedRows } from "./negative-cases.ts";

test.describe("challenge", { tag: ["@op:challenge", "@sends-sms"] }, () => {
  for (const channel of ["sms", "voice"] as const) {
    test(`a ${channel} challenge answers oob_code and binding_method prompt, and sends a ${channel} code`, {
      tag: ["@check:status", "@check:body", `@factor:${channel}`],
    }, async ({ api, target }) => {
      const ctx = { api, target };
      const user = await enrolledUser(ctx, channel);
      // The pair shares the phone: challenge the authenticator of the channel under test.
      const { response } = await challenge(ctx, user.mfaToken, user.authenticatorId);
      // Compared without the oob_code's value, so a failure never prints it.
      expect(Object.keys(response.body).sort()).toEqual(["binding_method", "challenge_type", "oob_code"]);
      expect(response.body.challenge_type).toBe("oob");
      expect(response.body.binding_method).toBe("prompt");
      expect(response.body.oob_code as unknown).toMatchSecretly(/^[!-~]+$/);
      await readCode(ctx, user.phone, { action: "second-factor-authentication", message_type: channel });
    });
  }

  const variants: { name: string; body: (id: string) => Record<string, string>; form?: boolean }[] = [
    {
      name: "form-urlencoded body (docs/behaviour.md#request-media-types)",
      body: (id) => ({ challenge_type: "oob", authenticator_id: id }),
      form: true,
    },
    {
      name: "challenge_type left out (docs/behaviour.md#challenge-type: any type)",
      body: (id) => ({ authenticator_id: id }),
    },
    {
      name: 'challenge_type "oob otp" (docs/behaviour.md#challenge-type: a whitespace-separated list)',
      body: (id) => ({ challenge_type: "oob otp", authenticator_id: id }),
    },
  ];
  for (const v of variants) {
    test(`accepted: ${v.name}`, { tag: ["@check:status"] }, async ({ api, target }) => {
      const user = await enrolledUser({ api, target }, "sms");
      const fields = {
        ...(await clientAuth(target)),
        mfa_token: user.mfaToken,
        ...v.body(user.authenticatorId),
      };
      const res = await api.post("/mfa/challenge", v.form ? { form: fields } : { json: fields });
      expect(res.status).toBe(200);
      expect(res).toConform("challenge");
      expect(res.body.challenge_type).toBe("oob");
    });
  }

  test.describe("negative cases generated from the description", { tag: ["@check:errors"] }, () => {
    for (const row of generatedRows("challenge")) {
      test(`${row.name} → ${row.status} ${row.error}`, async ({ api, target }) => {
        const user = await enrolledUser({ api, target }, "sms");
        const valid = {
          ...(await clientAuth(target)),
          mfa_token: user.mfaToken,
          challenge_type: "oob",
          authenticator_id: user.authenticatorId,
        };
        const res = await api.post("/mfa/challenge", row.spoil(valid));
        expect(res).toBeError(row.status, row.error);
      });
    }
  });

  test.describe("negative cases from docs/behaviour.md", { tag: ["@check:errors"] }, () => {
    type Row = {
      name: string;
      spoil: (valid: Record<string, string>) => Record<string, string>;
      status: number;
      error: string;
      description?: RegExp;
      tag?: string[];
    };
    const rows: Row[] = [
      {
        name: "an unknown authenticator_id (docs/behaviour.md#authenticator-lookup)",
        spoil: (v) => ({ ...v, authenticator_id: "sms|dev_AAAAAAAAAAAAAAAA" }),
        status: 400,
        error: "invalid_request",
        description: /sms\|dev_AAAAAAAAAAAAAAAA/,
      },
      {
        name: "an unknown mfa_token",
        spoil: (v) => ({ ...v, mfa_token: "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz" }),
        status: 401,
        error: "invalid_grant",
      },
      {
        name: "a malformed mfa_token",
        spoil: (v) => ({ ...v, mfa_token: "not-a-token" }),
        status: 401,
        error: "invalid_grant",
      },
      {
        name: "a tampered mfa_token",
        spoil: (v) => ({ ...v, mfa_token: tamper(v.mfa_token ?? "") }),
        status: 401,
        error: "invalid_grant",
        tag: ["@check:security"],
      },
      {
        name: "a wrong client_secret",
        spoil: (v) => ({ ...v, client_secret: `${v.client_secret}x` }),
        status: 401,
        error: "invalid_client",
      },
      {
        name: "an unknown client_id",
        spoil: (v) => ({ ...v, client_id: "unknown-client-id" }),
        status: 401,
        error: "invalid_client",
      },
      {
        name: 'challenge_type "push"',
        spoil: (v) => ({ ...v, challenge_type: "push" }),
        status: 400,
        error: "invalid_request",
      },
    ];
    for (const row of rows) {
      test(`${row.name} → ${row.status} ${row.error}`, { tag: row.tag ?? [] }, async ({ api, target }) => {
        const user = await enrolledUser({ api, target }, "sms");
        const valid = {
          ...(await clientAuth(target)),
          mfa_token: user.mfaToken,
          challenge_type: "oob",
          authenticator_id: user.authenticatorId,
        };
        const res = await api.post("/mfa/challenge", { json: row.spoil(valid) });
        expect(res).toBeError(row.status, row.error, row.description);
      });
    }

    test("a deleted authenticator_id → 400 invalid_request, like an unknown one (docs/behaviour.md#authenticator-lookup)", async ({
      api,
      target,
    }) => {
      const ctx = { api, target };
      const user = await enrolledUser(ctx, "sms", { mfaApi: true });
      const del = await api.delete(`/mfa/authenticators/${encodeURIComponent(user.authenticatorId)}`, {
        bearer: user.accessToken,
      });
      expect(del.status).toBe(204);
      const res = await api.post("/mfa/challenge", {
        json: {
          ...(await clientAuth(target)),
          mfa_token: user.mfaToken,
          challenge_type: "oob",
          authenticator_id: user.authenticatorId,
        },
      });
      expect(res).toBeError(400, "invalid_request");
    });

    test("a user without authenticators cannot be challenged → association_required or unsupported_challenge_type ([U] 400 or 401)", async ({
      api,
      target,
    }) => {
      const { mfaToken } = await newSession({ api, target });
      const res = await api.post("/mfa/challenge", {
        json: { ...(await clientAuth(target)), mfa_token: mfaToken, challenge_type: "oob" },
      });
      expect([400, 401]).toContain(res.status);
      expect(["association_required", "unsupported_challenge_type"]).toContain(res.body?.error);
    });
  });
});
