/**
 * Email as a factor (docs/behaviour.md#email, #masked-email, #factor-limits): enroll with an address,
 * the code from the inbox (the mock's outbox, or a tenant's custom email provider Action posting to
 * the sink), confirm, list, challenge, verify; the answers refused, as tables; the email limit; codes
 * bound to their user.
 */
import {
  challenge,
  clientAuth,
  confirm,
  enroll,
  enrolledUser,
  exchangeOob,
  expect,
  type FlowContext,
  listAuthenticators,
  login,
  newSession,
  readCode,
  test,
  verify,
  wrongCode,
} from "./fixtures.ts";

const INVALID_BINDING = "Invalid binding_code.";

test.describe("email flows", { tag: ["@factor:email", "@check:status", "@check:body"] }, () => {
  test("email: enroll with an address, confirm with the emailed code, listed active with a masked name, challenge, verify", {
    tag: ["@op:associateAuthenticator", "@op:token", "@op:listAuthenticators", "@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { user, mfaToken } = await newSession(ctx);
    const address = target.emailAddress();
    const enrollment = await enroll(ctx, mfaToken, "email", address);
    expect(enrollment.response.body.oob_channel).toBe("email");
    expect(enrollment.response.body.binding_method, "an email enrollment asks for the code").toBe("prompt");
    await confirm(ctx, mfaToken, enrollment, address, "email");

    const next = await login(ctx, user);
    const list = await listAuthenticators(ctx, next);
    const item = (list.body as Record<string, unknown>[]).find((a) => a.oob_channel === "email");
    expect(item?.id, "an email|dev_… authenticator").toMatch(/^email\|dev_/);
    expect(item?.active, "active after the confirmation").toBe(true);
    const name = String(item?.name ?? "");
    expect(name === address, "the list name is masked, not the address").toBe(false);
    expect(name, "the list name is masked like ****@exam*******").toMatch(/^[^@]*\*[^@]*@[^@]*\*+$/);

    const asked = await challenge(ctx, next, String(item?.id));
    expect(asked.response.body.binding_method, "an email challenge asks for the code").toBe("prompt");
    const tokens = await verify(ctx, next, asked.oobCode, address, "email");
    expect(tokens.body.token_type).toBe("Bearer");
  });
});

/** An enrollment request that must be refused, and Auth0's answer (docs/behaviour.md#email). */
const ENROLL_REFUSALS: Array<{ name: string; email: unknown; description: string }> = [
  { name: "no email", email: undefined, description: "Missing required parameter: email" },
  { name: "not an address", email: "not-an-address", description: "The email is invalid." },
  { name: "two @", email: "a@b@example.com", description: "The email is invalid." },
];

test.describe("email: enrollments refused", {
  tag: ["@factor:email", "@op:associateAuthenticator", "@check:errors"],
}, () => {
  for (const row of ENROLL_REFUSALS) {
    test(`email enrollment refused: ${row.name}`, async ({ api, target }) => {
      const { mfaToken } = await newSession({ api, target });
      const res = await api.post("/mfa/associate", {
        bearer: mfaToken,
        json: {
          authenticator_types: ["oob"],
          oob_channels: ["email"],
          ...(row.email === undefined ? {} : { email: row.email }),
        },
      });
      expect(res).toBeError(400, "invalid_request", row.description);
      expect(res).toConform("associateAuthenticator");
    });
  }
});

/** A user challenged by email: the oob_code and the code the inbox received. */
interface EmailChallenge {
  mfaToken: string;
  oobCode: string;
  code: string;
}

/** A binding code that mfa-oob must refuse for an email challenge, and Auth0's answer. */
interface EmailRefusal {
  name: string;
  /** What the row does before the exchange; answers the code to send. */
  code(ctx: FlowContext, ch: EmailChallenge): Promise<string>;
  status: number;
  error: string;
  description: string;
  /** Needs a clock the suite can move (the mock's). */
  clock?: boolean;
}

const CODE_REFUSALS: EmailRefusal[] = [
  {
    name: "wrong: another 6-digit code",
    code: async (_ctx, ch) => wrongCode(ch.code),
    status: 403,
    error: "invalid_grant",
    description: INVALID_BINDING,
  },
  {
    name: "expired: the right code after 5 minutes",
    async code(ctx, ch) {
      await ctx.target.advanceClock?.(301);
      return ch.code;
    },
    status: 403,
    error: "expired_token",
    description: "oob_code is expired",
    clock: true,
  },
  {
    name: "reused: the right code a second time (a code is single use)",
    async code(ctx, ch) {
      const first = await exchangeOob(ctx, ch.mfaToken, ch.oobCode, ch.code);
      expect(first.status, "the first use of the code").toBe(200);
      return ch.code;
    },
    status: 403,
    error: "invalid_grant",
    description: INVALID_BINDING,
  },
  {
    name: "too many: after 10 wrong codes even the right one is refused (locks out)",
    async code(ctx, ch) {
      for (let i = 1; i <= 10; i++) {
        const res = await exchangeOob(ctx, ch.mfaToken, ch.oobCode, wrongCode(ch.code));
        expect(res, `wrong code #${i}`).toBeError(403, "invalid_grant", INVALID_BINDING);
      }
      return ch.code;
    },
    status: 429,
    error: "invalid_request",
    description: "Too many failed codes. Wait for some minutes before retrying.",
  },
];

test.describe("email: codes refused", { tag: ["@factor:email", "@op:token", "@check:errors"] }, () => {
  // The expiry row moves the clock: a private mock (fixtures.ts).
  test.use({ privateMock: true });
  for (const row of CODE_REFUSALS) {
    test(`email code refused: ${row.name}`, async ({ api, target }) => {
      test.skip(
        row.clock === true && !target.capabilities.clock,
        "needs a clock the suite can move (the mock's)",
      );
      const ctx = { api, target };
      const user = await enrolledUser(ctx, "email");
      const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
      const message = await readCode(ctx, user.phone, {
        action: "second-factor-authentication",
        message_type: "email",
      });
      const code = await row.code(ctx, { mfaToken: user.mfaToken, oobCode, code: message.code });
      const res = await exchangeOob(ctx, user.mfaToken, oobCode, code);
      expect(res).toBeError(row.status, row.error, row.description);
      expect(res).toConform("token");
    });
  }
});

test.describe("email: the per-user limit", {
  tag: ["@factor:email", "@op:challenge", "@check:rate-limits"],
}, () => {
  test("email: 20 emails per user, then 429 Too many emails with retry-after (docs/behaviour.md#factor-limits)", async ({
    api,
    target,
  }) => {
    // 21 emails and their requests: more than most tests on a busy machine.
    test.slow();
    const ctx = { api, target };
    const user = await enrolledUser(ctx, "email");
    // The enrollment sent the first email; 19 challenges send the rest of the 20.
    for (let i = 2; i <= 20; i++) await challenge(ctx, user.mfaToken, user.authenticatorId);
    const over = await api.post("/mfa/challenge", {
      json: {
        ...(await clientAuth(target)),
        mfa_token: user.mfaToken,
        challenge_type: "oob",
        authenticator_id: user.authenticatorId,
      },
    });
    expect(over).toBeError(
      429,
      "invalid_request",
      "Too many emails sent by the user. Wait for some minutes before retrying.",
    );
    expect(Number(over.headers["retry-after"]), "retry-after (seconds)").toBeGreaterThanOrEqual(1);
    expect(over).toConform("challenge");
  });
});

test.describe("email: isolation", { tag: ["@factor:email", "@op:token", "@check:security"] }, () => {
  test("one user's emailed code does not complete another user's challenge, and the owner's still does", async ({
    api,
    target,
  }) => {
    const ctx = { api, target };
    const alice = await enrolledUser(ctx, "email");
    const bob = await enrolledUser(ctx, "email");
    const asked = await challenge(ctx, alice.mfaToken, alice.authenticatorId);
    const message = await readCode(ctx, alice.phone, { message_type: "email" });
    const stolen = await exchangeOob(ctx, bob.mfaToken, asked.oobCode, message.code);
    expect(stolen).toBeError(400, "invalid_request", "The oob_code doesn't match the mfa_token");
    const own = await exchangeOob(ctx, alice.mfaToken, asked.oobCode, message.code);
    expect(own.status, "alice's code still works").toBe(200);
  });

  test("an email code is sent to its own address only: another user's inbox gets nothing", async ({
    api,
    target,
  }) => {
    const ctx = { api, target };
    const alice = await enrolledUser(ctx, "email");
    const bob = await enrolledUser(ctx, "email");
    const asked = await challenge(ctx, alice.mfaToken, alice.authenticatorId);
    await expect(target.inbox.nextCode(bob.phone, { timeoutMs: 300 }), "bob's inbox").rejects.toThrow();
    await verify(ctx, alice.mfaToken, asked.oobCode, alice.phone, "email");
  });
});
