/**
 * Push through Guardian (docs/behaviour.md#push, #push-pair, #factor-limits): the device scans the
 * enrollment, the user approves or rejects, the app polls mfa-oob (pending, too fast, rejected,
 * tokens). The device is the mock's Guardian stand-in; a target without one skips with the reason.
 */
import {
  type ApiResponse,
  challenge,
  clientAuth,
  enrolledPushUser,
  enrollPush,
  expect,
  type FlowContext,
  guardianOf,
  listAuthenticators,
  newSession,
  PUSH_SKIP_REASON,
  type PushUser,
  pollInterval,
  pollPush,
  test,
} from "./fixtures.ts";

// Polls wait out the 5-second interval by moving the clock: a private mock (fixtures.ts).
test.use({ privateMock: true });

test.beforeEach(({ target }) => {
  test.skip(!target.capabilities.guardian || !target.guardian, PUSH_SKIP_REASON);
});

const PENDING = "Authorization pending: please repeat the request in a few seconds.";

/** Challenges the user's push and checks that it waits for the user's tap. */
async function pushChallenge(ctx: FlowContext, user: PushUser): Promise<string> {
  const { response, oobCode } = await challenge(ctx, user.mfaToken, user.pushId);
  expect(response.body.binding_method, "a push has no code to type: no binding_method").toBeUndefined();
  const waiting = await guardianOf(ctx.target).pending(user.userId);
  expect(
    waiting.some((p) => p.oob_code === oobCode),
    "the push waits on the device",
  ).toBe(true);
  return oobCode;
}

test.describe("push flows", { tag: ["@factor:push", "@check:status", "@check:body"] }, () => {
  test("push: enroll (barcode with enrollment_tx_id), pending until the device scans, tokens, push and totp listed; challenge, pending, approve, tokens", {
    tag: ["@op:associateAuthenticator", "@op:token", "@op:listAuthenticators", "@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken } = await newSession(ctx);
    const enrollment = await enrollPush(ctx, mfaToken);
    expect(enrollment.response.body.oob_channel).toBe("auth0");
    expect(
      enrollment.response.body.binding_method,
      "a push enrollment has no binding_method",
    ).toBeUndefined();
    const early = await pollPush(ctx, mfaToken, enrollment.oobCode);
    expect(early, "before the device scans").toBeError(400, "authorization_pending", PENDING);
    expect(early).toConform("token");
    const device = await guardianOf(target).enroll(enrollment.enrollmentTxId);
    await pollInterval(ctx);
    const tokens = await pollPush(ctx, mfaToken, enrollment.oobCode);
    expect(tokens.status, "the poll after the scan returns tokens").toBe(200);
    expect(tokens).toConform("token");

    const pushUser = await enrolledPushUser(ctx);
    const list = await listAuthenticators(ctx, pushUser.mfaToken);
    const items = list.body as Record<string, unknown>[];
    const push = items.find((a) => a.oob_channel === "auth0");
    expect(push?.id, "a push|dev_… authenticator").toMatch(/^push\|dev_/);
    expect(push?.active).toBe(true);
    expect(typeof push?.name, "listed with the device's name").toBe("string");
    const totp = items.find((a) => a.authenticator_type === "otp");
    expect(totp?.active, "its paired totp is active").toBe(true);
    expect(device.authenticatorId).toMatch(/^push\|dev_/);

    const oobCode = await pushChallenge(ctx, pushUser);
    const pending = await pollPush(ctx, pushUser.mfaToken, oobCode);
    expect(pending, "before the tap").toBeError(400, "authorization_pending", PENDING);
    await guardianOf(target).respond(oobCode, true);
    await pollInterval(ctx);
    const approved = await pollPush(ctx, pushUser.mfaToken, oobCode);
    expect(approved.status, "approved: tokens").toBe(200);
    expect(approved).toConform("token");
    expect(approved.body.token_type).toBe("Bearer");
  });

  test("push: the user rejects, the poll answers 400 access_denied", {
    tag: ["@op:token", "@op:challenge", "@check:errors"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledPushUser(ctx);
    const oobCode = await pushChallenge(ctx, user);
    await guardianOf(target).respond(oobCode, false);
    const rejected = await pollPush(ctx, user.mfaToken, oobCode);
    expect(rejected, "rejected by the user").toBeError(400, "access_denied", "MFA Authorization rejected.");
    expect(rejected).toConform("token");
  });

  test("push: deleting the push deletes its paired totp (docs/behaviour.md#push-pair)", {
    tag: ["@op:deleteAuthenticator", "@op:listAuthenticators"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledPushUser(ctx, { mfaApi: true });
    const res = await api.delete(`/mfa/authenticators/${encodeURIComponent(user.pushId)}`, {
      bearer: user.accessToken,
    });
    expect(res.status, "delete status").toBe(204);
    const list = await listAuthenticators(ctx, user.accessToken);
    const ids = (list.body as { id: string }[]).map((a) => a.id);
    expect(ids, "the push is gone").not.toContain(user.pushId);
    expect(ids, "its paired totp is deleted too").not.toContain(user.totpId);
  });
});

/** A poll mfa-oob must refuse, and Auth0's answer (docs/behaviour.md#push, #factor-limits). */
interface PushRefusal {
  name: string;
  /** What the row does first; answers the response to check. */
  run(ctx: FlowContext, user: PushUser): Promise<ApiResponse>;
  status: number;
  error: string;
  description: string | RegExp;
}

const PUSH_REFUSALS: PushRefusal[] = [
  {
    name: "wrong: an oob_code no push was sent with",
    run: (ctx, user) => pollPush(ctx, user.mfaToken, "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz"),
    status: 403,
    error: "invalid_grant",
    description: "Malformed oob_code",
  },
  {
    name: "expired: approved after 5 minutes",
    async run(ctx, user) {
      const oobCode = await pushChallenge(ctx, user);
      await ctx.target.advanceClock?.(301);
      await guardianOf(ctx.target)
        .respond(oobCode, true)
        .catch(() => undefined);
      return pollPush(ctx, user.mfaToken, oobCode);
    },
    status: 403,
    error: "expired_token",
    description: "oob_code is expired",
  },
  {
    name: "reused: an approved push polled again after its tokens",
    async run(ctx, user) {
      const oobCode = await pushChallenge(ctx, user);
      await guardianOf(ctx.target).respond(oobCode, true);
      const tokens = await pollPush(ctx, user.mfaToken, oobCode);
      expect(tokens.status, "the first poll after the approval").toBe(200);
      await pollInterval(ctx);
      return pollPush(ctx, user.mfaToken, oobCode);
    },
    status: 403,
    error: "invalid_grant",
    description: "Malformed oob_code",
  },
  {
    name: "too fast: a second poll within 5 seconds answers slow_down",
    async run(ctx, user) {
      const oobCode = await pushChallenge(ctx, user);
      const first = await pollPush(ctx, user.mfaToken, oobCode);
      expect(first, "the first poll").toBeError(400, "authorization_pending", PENDING);
      const fast = await pollPush(ctx, user.mfaToken, oobCode);
      expect(
        Number(fast.headers["retry-after"]),
        "slow_down carries retry-after (seconds)",
      ).toBeGreaterThanOrEqual(1);
      return fast;
    },
    status: 429,
    error: "slow_down",
    description: /polling faster/,
  },
  {
    name: "too many: the 6th push within a minute",
    async run(ctx, user) {
      for (let i = 1; i <= 5; i++) await challenge(ctx, user.mfaToken, user.pushId);
      return ctx.api.post("/mfa/challenge", {
        json: {
          ...(await clientAuth(ctx.target)),
          mfa_token: user.mfaToken,
          challenge_type: "oob",
          authenticator_id: user.pushId,
        },
      });
    },
    status: 429,
    error: "invalid_request",
    description: "Too many push notifications sent by the user. Wait for some minutes before retrying.",
  },
];

test.describe("push: polls refused", { tag: ["@factor:push", "@op:token", "@check:errors"] }, () => {
  for (const row of PUSH_REFUSALS) {
    test(`push refused: ${row.name}`, {
      tag: row.status === 429 ? ["@check:rate-limits", "@op:challenge"] : [],
    }, async ({ api, target }) => {
      const ctx = { api, target };
      const user = await enrolledPushUser(ctx);
      const res = await row.run(ctx, user);
      expect(res).toBeError(row.status, row.error, row.description);
      expect(res).toConform();
    });
  }
});

test.describe("push: isolation", { tag: ["@factor:push", "@check:security"] }, () => {
  test("another user can neither see nor poll a user's push", {
    tag: ["@op:token", "@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const alice = await enrolledPushUser(ctx);
    const bob = await enrolledPushUser(ctx);
    const oobCode = await pushChallenge(ctx, alice);
    const bobsDevice = await guardianOf(target).pending(bob.userId);
    // A boolean, so a failure never prints an oob_code.
    expect(
      bobsDevice.some((p) => p.oob_code === oobCode),
      "bob's device shows no push of alice",
    ).toBe(false);
    await guardianOf(target).respond(oobCode, true);
    const stolen = await pollPush(ctx, bob.mfaToken, oobCode);
    expect(stolen).toBeError(400, "invalid_request", "The oob_code doesn't match the mfa_token");
    const own = await pollPush(ctx, alice.mfaToken, oobCode);
    expect(own.status, "alice's approved push still returns her tokens").toBe(200);
  });
});
