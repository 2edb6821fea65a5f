/**
 * GET /mfa/authenticators and DELETE /mfa/authenticators/{id} (docs/behaviour.md#listing, #removal,
 * #sms-voice-pair, #masked-name, #authenticator-lookup): listing, activation, sms/voice pairing, masking,
 * deletion and their negative cases.
 */
import {
  type ApiResponse,
  confirm,
  enroll,
  enrolledUser,
  expect,
  listAuthenticators,
  newSession,
  tamper,
  test,
} from "./fixtures.ts";

interface Item {
  id: string;
  authenticator_type: string;
  active: boolean;
  oob_channel?: string;
  name?: string;
}

/** The phone items (sms, voice) of a list answer. */
function phoneItems(res: ApiResponse): Item[] {
  return (res.body as Item[]).filter((a) => a.oob_channel === "sms" || a.oob_channel === "voice");
}

/** The path of an authenticator, percent-encoded as Auth0's recording has it (docs/behaviour.md#removal). */
function pathOf(id: string): string {
  return `/mfa/authenticators/${encodeURIComponent(id)}`;
}

test.describe("listAuthenticators", { tag: "@op:listAuthenticators" }, () => {
  test("a user without authenticators gets 200 []", { tag: ["@check:status", "@check:body"] }, async ({
    api,
    target,
  }) => {
    const { mfaToken } = await newSession({ api, target });
    const res = await listAuthenticators({ api, target }, mfaToken);
    expect(res.body).toEqual([]);
  });

  test("an sms enrollment is listed inactive, as an sms/voice pair on one device, until confirmed (docs/behaviour.md#sms-voice-pair)", {
    tag: ["@sends-sms", "@check:body", "@factor:sms", "@factor:voice"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken } = await newSession(ctx);
    const phone = target.phoneNumber();
    const enrollment = await enroll(ctx, mfaToken, "sms", phone);
    const before = phoneItems(await listAuthenticators(ctx, mfaToken));
    expect(before.map((a) => [a.oob_channel, a.active]).sort()).toEqual([
      ["sms", false],
      ["voice", false],
    ]);
    const [sms, voice] = [
      before.find((a) => a.oob_channel === "sms"),
      before.find((a) => a.oob_channel === "voice"),
    ];
    expect(sms?.id.replace(/^sms\|/, ""), "sms and voice share one device id").toBe(
      voice?.id.replace(/^voice\|/, ""),
    );
    await confirm(ctx, mfaToken, enrollment, phone);
    const after = phoneItems(await listAuthenticators(ctx, mfaToken));
    expect(after.map((a) => a.active)).toEqual([true, true]);
  });

  test("name is the masked phone number: X for everything but the last 4 digits (docs/behaviour.md#masked-name)", {
    tag: ["@sends-sms", "@check:body"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken } = await newSession(ctx);
    const phone = target.phoneNumber();
    await enroll(ctx, mfaToken, "voice", phone);
    const items = phoneItems(await listAuthenticators(ctx, mfaToken));
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      // Compared without printing the number: a mismatch says only whether digits leaked.
      const expected = `${"X".repeat(phone.length - 4)}${phone.slice(-4)}`;
      expect(
        item.name === expected,
        `name of ${item.oob_channel} is masked like ${expected.slice(0, 3)}…${expected.length} chars`,
      ).toBe(true);
    }
  });

  test("an MFA API access token (read:authenticators) lists the authenticators too", {
    tag: ["@sends-sms", "@check:status"],
  }, async ({ api, target }) => {
    const user = await enrolledUser({ api, target }, "sms", { mfaApi: true });
    const res = await listAuthenticators({ api, target }, user.accessToken);
    expect(phoneItems(res).map((a) => a.id)).toContain(user.authenticatorId);
  });

  test.describe("negative cases", { tag: ["@check:errors"] }, () => {
    const rows: {
      name: string;
      bearer?: (valid: string) => string;
      status: number;
      error: string;
      tag?: string[];
    }[] = [
      { name: "no Authorization header", status: 401, error: "invalid_grant" },
      { name: "a malformed mfa_token", bearer: () => "not-a-token", status: 401, error: "invalid_grant" },
      {
        name: "an unknown mfa_token",
        bearer: () => "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz",
        status: 401,
        error: "invalid_grant",
      },
      {
        name: "a tampered mfa_token",
        bearer: (valid) => tamper(valid),
        status: 401,
        error: "invalid_grant",
        tag: ["@check:security"],
      },
    ];
    for (const row of rows) {
      test(`${row.name} → ${row.status} ${row.error}`, { tag: row.tag ?? [] }, async ({ api, target }) => {
        const { mfaToken } = await newSession({ api, target });
        const res = await api.get("/mfa/authenticators", row.bearer ? { bearer: row.bearer(mfaToken) } : {});
        expect(res).toBeError(row.status, row.error);
      });
    }
  });
});

test.describe("deleteAuthenticator", {
  tag: ["@op:deleteAuthenticator", "@sends-sms", "@factor:sms"],
}, () => {
  test("an MFA API access token deletes an authenticator: 204 without a body, and its voice pair goes too (docs/behaviour.md#sms-voice-pair)", {
    tag: ["@check:status", "@check:body"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms", { mfaApi: true });
    const res = await api.delete(pathOf(user.authenticatorId), { bearer: user.accessToken });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const left = phoneItems(await listAuthenticators(ctx, user.accessToken));
    expect(left, "neither sms nor voice is left").toEqual([]);
  });

  test("an mfa_token cannot delete: 403 (docs/behaviour.md#removal)", { tag: ["@check:errors"] }, async ({
    api,
    target,
  }) => {
    const user = await enrolledUser({ api, target }, "sms");
    const res = await api.delete(pathOf(user.authenticatorId), { bearer: user.mfaToken });
    expect(res.status).toBe(403);
    expect(["access_denied", "insufficient_scope"]).toContain(res.body?.error);
  });

  const rows: {
    name: string;
    id: (own: string) => string;
    bearer?: (token: string) => string | undefined;
    status: number;
    error: string;
    tag?: string[];
  }[] = [
    {
      name: "an unknown authenticator id",
      id: () => "sms|dev_AAAAAAAAAAAAAAAA",
      status: 404,
      error: "not_found",
    },
    { name: "a malformed authenticator id", id: () => "sms", status: 400, error: "invalid_request" },
    {
      name: "no Authorization header",
      id: (own) => own,
      bearer: () => undefined,
      status: 401,
      error: "invalid_grant",
    },
    {
      name: "a tampered access token",
      id: (own) => own,
      bearer: (t) => tamper(t),
      status: 401,
      error: "invalid_grant",
      tag: ["@check:security"],
    },
  ];
  for (const row of rows) {
    test(`${row.name} → ${row.status} ${row.error}`, {
      tag: ["@check:errors", ...(row.tag ?? [])],
    }, async ({ api, target }) => {
      const user = await enrolledUser({ api, target }, "sms", { mfaApi: true });
      const bearer = row.bearer ? row.bearer(user.accessToken) : user.accessToken;
      const res = await api.delete(
        pathOf(row.id(user.authenticatorId)),
        bearer === undefined ? {} : { bearer },
      );
      expect(res).toBeError(row.status, row.error);
    });
  }

  test("a deleted authenticator id → 404 not_found", { tag: ["@check:errors"] }, async ({ api, target }) => {
    const user = await enrolledUser({ api, target }, "sms", { mfaApi: true });
    const first = await api.delete(pathOf(user.authenticatorId), { bearer: user.accessToken });
    expect(first.status).toBe(204);
    const again = await api.delete(pathOf(user.authenticatorId), { bearer: user.accessToken });
    expect(again).toBeError(404, "not_found");
  });
});
