/**
 * Security properties (docs/behaviour.md#mfa-token-lifetime, #binding-codes, #authenticator-lookup,
 * #per-user-limits, #failure-answers): isolation between users, single-use codes, expiry, tampering and
 * brute-force lockout.
 */
import {
  challenge,
  clientAuth,
  enroll,
  enrolledUser,
  exchangeOob,
  expect,
  type FlowContext,
  listAuthenticators,
  login,
  newSession,
  readCode,
  tamper,
  test,
  verify,
  wrongCode,
} from "./fixtures.ts";

/** Challenge body for `authenticator_id` with this mfa_token. */
async function challengeBody(ctx: FlowContext, mfaToken: string, authenticatorId: string) {
  return {
    json: {
      ...(await clientAuth(ctx.target)),
      mfa_token: mfaToken,
      challenge_type: "oob",
      authenticator_id: authenticatorId,
    },
  };
}

/** An error answer with the authenticator id taken out, to compare answers for different ids. */
function shapeWithoutId(
  res: { status: number; body: { error?: string; error_description?: string } },
  id: string,
) {
  return {
    status: res.status,
    error: res.body?.error,
    description: res.body?.error_description?.split(id).join("<id>"),
  };
}

test.describe("isolation between users", { tag: ["@check:security", "@sends-sms", "@factor:sms"] }, () => {
  test("another user's mfa_token lists only its own authenticators", {
    tag: ["@op:listAuthenticators"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const alice = await enrolledUser(ctx, "sms");
    const { mfaToken: bob } = await newSession(ctx);
    const list = await listAuthenticators(ctx, bob);
    expect(list.body).toEqual([]);
    expect(JSON.stringify(list.body).includes(alice.authenticatorId.split("|")[1] ?? "-")).toBe(false);
  });

  test("challenging another user's authenticator gets the unknown-id answer: existence is not revealed (docs/behaviour.md#authenticator-lookup)", {
    tag: ["@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const alice = await enrolledUser(ctx, "sms");
    const bob = await enrolledUser(ctx, "sms");
    const foreign = await api.post(
      "/mfa/challenge",
      await challengeBody(ctx, bob.mfaToken, alice.authenticatorId),
    );
    const unknownId = alice.authenticatorId.replace(/dev_.*/, "dev_AAAAAAAAAAAAAAAA");
    const unknown = await api.post("/mfa/challenge", await challengeBody(ctx, bob.mfaToken, unknownId));
    expect(unknown).toBeError(400, "invalid_request");
    expect(shapeWithoutId(foreign, alice.authenticatorId)).toEqual(shapeWithoutId(unknown, unknownId));
  });

  test("another user's mfa_token cannot confirm an enrollment, and the owner still can", {
    tag: ["@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken: alice } = await newSession(ctx);
    const phone = target.phoneNumber();
    const enrollment = await enroll(ctx, alice, "sms", phone);
    const message = await readCode(ctx, phone, { action: "enrollment" });
    const { mfaToken: bob } = await newSession(ctx);
    const stolen = await exchangeOob(ctx, bob, enrollment.oobCode, message.code);
    expect(stolen.status, "bob's confirmation is refused").not.toBe(200);
    expect([400, 403]).toContain(stolen.status);
    expect(["invalid_request", "invalid_grant"]).toContain(stolen.body?.error);
    const own = await exchangeOob(ctx, alice, enrollment.oobCode, message.code);
    expect(own.status, "alice's confirmation still works").toBe(200);
  });

  test("another user's access token cannot delete an authenticator: 404 like an unknown id", {
    tag: ["@op:deleteAuthenticator"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const alice = await enrolledUser(ctx, "sms", { mfaApi: true });
    const bob = await enrolledUser(ctx, "sms", { mfaApi: true });
    const res = await api.delete(`/mfa/authenticators/${encodeURIComponent(alice.authenticatorId)}`, {
      bearer: bob.accessToken,
    });
    expect(res).toBeError(404, "not_found");
    const unknownId = alice.authenticatorId.replace(/dev_.*/, "dev_AAAAAAAAAAAAAAAA");
    const unknown = await api.delete(`/mfa/authenticators/${encodeURIComponent(unknownId)}`, {
      bearer: bob.accessToken,
    });
    expect(shapeWithoutId(res, alice.authenticatorId), "the same answer as for an unknown id").toEqual(
      shapeWithoutId(unknown, unknownId),
    );
    const list = await listAuthenticators(ctx, alice.accessToken);
    expect((list.body as { id: string }[]).map((a) => a.id)).toContain(alice.authenticatorId);
  });
});

test.describe("codes and tokens", { tag: ["@check:security", "@sends-sms", "@factor:sms"] }, () => {
  test("a binding code is single use: a replay of an accepted code fails (docs/behaviour.md#binding-codes)", {
    tag: ["@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const message = await readCode(ctx, user.phone);
    const first = await exchangeOob(ctx, user.mfaToken, oobCode, message.code);
    expect(first.status).toBe(200);
    const replay = await exchangeOob(ctx, user.mfaToken, oobCode, message.code);
    expect(replay).toBeError(403, "invalid_grant");
  });

  test("a code is bound to its oob_code: the code of one challenge does not complete another (docs/behaviour.md#binding-codes)", {
    tag: ["@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    const one = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const codeOne = await readCode(ctx, user.phone);
    const two = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const codeTwo = await readCode(ctx, user.phone);
    test.skip(codeOne.code === codeTwo.code, "both challenges drew the same 6-digit code (1 in a million)");
    const crossed = await exchangeOob(ctx, user.mfaToken, two.oobCode, codeOne.code);
    expect(crossed).toBeError(403, "invalid_grant", "Invalid binding_code.");
    expect(one.oobCode === two.oobCode, "each challenge has its own oob_code").toBe(false);
  });

  test("a tampered access token (payload changed, signature kept) is refused: 401", {
    tag: ["@op:listAuthenticators"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms", { mfaApi: true });
    const [h, p, s] = user.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(p ?? "", "base64url").toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "auth0|someone-else" })).toString("base64url")}.${s}`;
    api.secret("access_token", forged);
    const res = await api.get("/mfa/authenticators", { bearer: forged });
    expect(res).toBeError(401, "invalid_grant");
    const flipped = await api.get("/mfa/authenticators", { bearer: tamper(user.accessToken) });
    expect(flipped).toBeError(401, "invalid_grant");
  });

  test("brute force locks out: after 10 wrong codes even the right code gets 429 invalid_request (docs/behaviour.md#per-user-limits)", {
    tag: ["@op:token", "@check:rate-limits"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const message = await readCode(ctx, user.phone);
    for (let i = 1; i <= 10; i++) {
      const wrong = await exchangeOob(ctx, user.mfaToken, oobCode, wrongCode(message.code));
      expect(wrong, `wrong code #${i}`).toBeError(403, "invalid_grant", "Invalid binding_code.");
    }
    const locked = await exchangeOob(ctx, user.mfaToken, oobCode, message.code);
    expect(locked).toBeError(
      429,
      "invalid_request",
      "Too many failed codes. Wait for some minutes before retrying.",
    );
    expect(locked).toConform("token");
  });
});

test.describe("expiry and refills on the clock", {
  tag: ["@check:security", "@mock-only", "@sends-sms", "@factor:sms"],
}, () => {
  // These move the clock: they run against this worker's private mock (see fixtures.ts).
  test.use({ privateMock: true });

  test("an mfa_token expires after 10 minutes: expired_token on list, challenge and exchange (docs/behaviour.md#mfa-token-lifetime)", {
    tag: ["@op:listAuthenticators", "@op:challenge", "@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    await target.advanceClock?.(601);
    const list = await api.get("/mfa/authenticators", { bearer: user.mfaToken });
    expect([401, 403]).toContain(list.status);
    expect(list.body?.error).toBe("expired_token");
    const ch = await api.post(
      "/mfa/challenge",
      await challengeBody(ctx, user.mfaToken, user.authenticatorId),
    );
    expect(ch.body?.error).toBe("expired_token");
    const exchange = await exchangeOob(
      ctx,
      user.mfaToken,
      "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz",
      "000000",
    );
    expect(exchange).toBeError(403, "expired_token", "mfa_token is expired");
  });

  test("a token still works just before it expires (no early expiry)", {
    tag: ["@op:challenge", "@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    await target.advanceClock?.(540);
    const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
    await verify(ctx, user.mfaToken, oobCode, user.phone);
  });

  test("an oob_code expires after 5 minutes: 403 expired_token (docs/behaviour.md#binding-codes)", {
    tag: ["@op:token"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const message = await readCode(ctx, user.phone);
    await target.advanceClock?.(301);
    const late = await exchangeOob(ctx, user.mfaToken, oobCode, message.code);
    expect(late).toBeError(403, "expired_token", "oob_code is expired");
  });

  test("a lockout refills one attempt every 6 minutes (docs/behaviour.md#plan-limits)", {
    tag: ["@op:token", "@op:challenge", "@check:rate-limits"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "sms");
    const first = await challenge(ctx, user.mfaToken, user.authenticatorId);
    const code = (await readCode(ctx, user.phone)).code;
    for (let i = 0; i < 10; i++) await exchangeOob(ctx, user.mfaToken, first.oobCode, wrongCode(code));
    const locked = await exchangeOob(ctx, user.mfaToken, first.oobCode, code);
    expect(locked).toBeError(429, "invalid_request");
    await target.advanceClock?.(360);
    const mfaToken = await login(ctx, user.user);
    const again = await challenge(ctx, mfaToken, user.authenticatorId);
    await verify(ctx, mfaToken, again.oobCode, user.phone);
  });
});
