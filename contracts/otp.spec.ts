/**
 * OTP, an authenticator app (docs/behaviour.md#otp): enroll, confirm with the app's code, list,
 * challenge, verify; the codes refused, as a table; the window of steps on the mock's clock; codes
 * bound to their user. Codes are computed from the secret the enrollment returns, so the suite runs
 * on a tenant too (waiting for real 30-second steps there).
 */
import {
  clientAuth,
  enrolledOtpUser,
  enrollOtp,
  exchangeOtp,
  expect,
  type FlowContext,
  listAuthenticators,
  login,
  newSession,
  nextOtpStep,
  type OtpUser,
  otpCode,
  startOfOtpStep,
  test,
  verifyOtp,
} from "./fixtures.ts";

// A code works once, so each flow waits for a new 30-second step: on the mock by moving the clock,
// which only a private mock may do (fixtures.ts).
test.use({ privateMock: true });

const INVALID_OTP = "Invalid otp_code.";

/** A 6-digit code that is none of the codes of the steps around now (a wrong code). */
async function wrongOtp(ctx: FlowContext, secret: string): Promise<string> {
  const near = new Set([
    await otpCode(ctx, secret, -1),
    await otpCode(ctx, secret),
    await otpCode(ctx, secret, 1),
  ]);
  for (const candidate of ["000000", "111111", "222222", "333333"])
    if (!near.has(candidate)) return candidate;
  throw new Error("unreachable: four candidates cannot all be among three codes");
}

test.describe("otp flows", { tag: ["@factor:otp", "@check:status", "@check:body"] }, () => {
  test("otp: enroll (secret and barcode_uri), confirm with the app's code, listed active without a name, challenge answers {challenge_type: otp}, verify", {
    tag: ["@op:associateAuthenticator", "@op:token", "@op:listAuthenticators", "@op:challenge"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { user, mfaToken } = await newSession(ctx);
    const enrollment = await enrollOtp(ctx, mfaToken);
    expect(enrollment.response.body.authenticator_type).toBe("otp");
    const barcode = new URL(enrollment.barcodeUri);
    expect(barcode.protocol, "barcode_uri is an otpauth URI").toBe("otpauth:");
    expect(barcode.host, "barcode_uri names a TOTP").toBe("totp");
    expect(barcode.searchParams.get("secret") === enrollment.secret, "barcode_uri carries the secret").toBe(
      true,
    );
    expect(barcode.searchParams.get("algorithm") ?? "SHA1").toBe("SHA1");
    expect(barcode.searchParams.get("digits") ?? "6").toBe("6");
    expect(barcode.searchParams.get("period") ?? "30").toBe("30");

    await verifyOtp(ctx, mfaToken, enrollment.secret);
    const next = await login(ctx, user);
    const list = await listAuthenticators(ctx, next);
    const item = (list.body as Record<string, unknown>[]).find((a) => a.authenticator_type === "otp");
    expect(item?.id, "a totp|dev_… authenticator").toMatch(/^totp\|dev_/);
    expect(item?.active, "active after the confirmation").toBe(true);
    expect(item?.name, "an OTP authenticator lists without a name").toBeUndefined();

    const asked = await api.post("/mfa/challenge", {
      json: {
        ...(await clientAuth(target)),
        mfa_token: next,
        challenge_type: "otp",
        authenticator_id: item?.id,
      },
    });
    expect(asked.status, "otp challenge status").toBe(200);
    expect(asked).toConform("challenge");
    // Compared by keys first, so a failure never prints an oob_code's value.
    expect(
      Object.keys(asked.body),
      "an otp challenge answers exactly {challenge_type: otp}: no oob_code",
    ).toEqual(["challenge_type"]);
    expect(asked.body.challenge_type, "an otp challenge answers exactly {challenge_type: otp}").toBe("otp");
    await nextOtpStep(ctx);
    const tokens = await verifyOtp(ctx, next, enrollment.secret);
    expect(tokens.body.token_type).toBe("Bearer");
  });

  test("otp: a totp challenged with challenge_type oob answers unsupported_challenge_type, and its code still works", {
    tag: ["@op:challenge", "@check:errors"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const user = await enrolledOtpUser(ctx);
    // challenge() asks for challenge_type oob: a totp cannot be challenged out of band.
    const res = await api.post("/mfa/challenge", {
      json: {
        ...(await clientAuth(target)),
        mfa_token: user.mfaToken,
        challenge_type: "oob",
        authenticator_id: user.authenticatorId,
      },
    });
    expect(res).toBeError(401, "unsupported_challenge_type");
    await verifyOtp(ctx, user.mfaToken, user.secret);
  });
});

/** A code that mfa-otp must refuse, and Auth0's answer (docs/behaviour.md#otp, #per-user-limits). */
interface OtpRefusal {
  name: string;
  /** The row sends a right code at some point, so it needs a step whose code is not used yet. */
  rightCode?: boolean;
  /** The otp to send (undefined: none), after whatever the row does first. */
  otp(ctx: FlowContext, user: OtpUser): Promise<string | undefined>;
  status: number;
  error: string;
  description: string;
}

const OTP_REFUSALS: OtpRefusal[] = [
  {
    name: "wrong: a code of none of the steps around now",
    otp: (ctx, user) => wrongOtp(ctx, user.secret),
    status: 403,
    error: "invalid_grant",
    description: INVALID_OTP,
  },
  {
    name: "expired: the code of two steps before (outside the window)",
    otp: (ctx, user) => otpCode(ctx, user.secret, -2),
    status: 403,
    error: "invalid_grant",
    description: INVALID_OTP,
  },
  {
    name: "reused: a code works once, the second use is refused",
    rightCode: true,
    async otp(ctx, user) {
      const code = await otpCode(ctx, user.secret);
      const first = await exchangeOtp(ctx, user.mfaToken, code);
      expect(first.status, "the first use of the code").toBe(200);
      return code;
    },
    status: 403,
    error: "invalid_grant",
    description: INVALID_OTP,
  },
  {
    name: "not six digits",
    otp: async () => "12a456",
    status: 403,
    error: "invalid_grant",
    description: INVALID_OTP,
  },
  {
    name: "missing otp",
    otp: async () => undefined,
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: otp",
  },
  {
    name: "too many: after 10 wrong codes even the right one is refused (locks out)",
    rightCode: true,
    async otp(ctx, user) {
      const wrong = await wrongOtp(ctx, user.secret);
      for (let i = 1; i <= 10; i++) {
        const res = await exchangeOtp(ctx, user.mfaToken, wrong);
        expect(res, `wrong code #${i}`).toBeError(403, "invalid_grant", INVALID_OTP);
      }
      return otpCode(ctx, user.secret);
    },
    status: 429,
    error: "invalid_request",
    description: "Too many failed codes. Wait for some minutes before retrying.",
  },
];

test.describe("otp: codes refused", { tag: ["@factor:otp", "@op:token", "@check:errors"] }, () => {
  for (const row of OTP_REFUSALS) {
    test(`otp refused: ${row.name}`, async ({ api, target }) => {
      const ctx = { api, target };
      const user = await enrolledOtpUser(ctx, { freshStep: row.rightCode === true });
      const otp = await row.otp(ctx, user);
      const res =
        otp === undefined
          ? await api.post("/oauth/token", {
              form: {
                grant_type: "http://auth0.com/oauth/grant-type/mfa-otp",
                ...(await clientAuth(target)),
                mfa_token: user.mfaToken,
              },
            })
          : await exchangeOtp(ctx, user.mfaToken, otp);
      expect(res).toBeError(row.status, row.error, row.description);
      expect(res).toConform("token");
    });
  }
});

test.describe("otp: the window on the mock's clock", {
  tag: ["@factor:otp", "@op:token", "@check:security", "@mock-only"],
}, () => {
  test("otp window: the code of the previous step is accepted, the one before and the next step's are refused", async ({
    api,
    target,
  }) => {
    const ctx = { api, target };
    const user = await enrolledOtpUser(ctx);
    // From the start of a step, a code computed now is checked in the same step.
    await startOfOtpStep(ctx);
    const beforePrevious = await exchangeOtp(ctx, user.mfaToken, await otpCode(ctx, user.secret, -2));
    expect(beforePrevious, "the code of two steps before is refused").toBeError(
      403,
      "invalid_grant",
      INVALID_OTP,
    );
    const previous = await exchangeOtp(ctx, user.mfaToken, await otpCode(ctx, user.secret, -1));
    expect(previous.status, "the code of the previous step is accepted (Auth0's 60-second window)").toBe(200);
    expect(previous).toConform("token");
    const again = await login(ctx, user.user);
    const next = await exchangeOtp(ctx, again, await otpCode(ctx, user.secret, 1));
    // docs/behaviour.md#otp: unknown on Auth0, so the mock refuses it.
    expect(next, "the code of the next step is refused").toBeError(403, "invalid_grant", INVALID_OTP);
  });
});

test.describe("otp: isolation", { tag: ["@factor:otp", "@op:token", "@check:security"] }, () => {
  test("one user's OTP code does not work for another user, whose own code still does", async ({
    api,
    target,
  }) => {
    const ctx = { api, target };
    const alice = await enrolledOtpUser(ctx, { freshStep: false });
    const bob = await enrolledOtpUser(ctx);
    const alicesCode = await otpCode(ctx, alice.secret);
    const bobsCode = await otpCode(ctx, bob.secret);
    test.skip(alicesCode === bobsCode, "both secrets give the same code in this step (1 in a million)");
    const stolen = await exchangeOtp(ctx, bob.mfaToken, alicesCode);
    expect(stolen, "alice's code with bob's mfa_token").toBeError(403, "invalid_grant", INVALID_OTP);
    await verifyOtp(ctx, bob.mfaToken, bob.secret);
  });

  test("an OTP enrollment is confirmed only with the mfa_token that started it", async ({ api, target }) => {
    const ctx = { api, target };
    const { mfaToken: alice } = await newSession(ctx);
    const enrollment = await enrollOtp(ctx, alice);
    const { mfaToken: bob } = await newSession(ctx);
    const stolen = await exchangeOtp(ctx, bob, await otpCode(ctx, enrollment.secret));
    expect(stolen, "bob confirms alice's pending OTP").toBeError(403, "invalid_grant", INVALID_OTP);
    await verifyOtp(ctx, alice, enrollment.secret);
  });
});
