/**
 * The factors together (docs/behaviour.md#factors): a factor the tenant does not offer is refused
 * on enrollment, and a code of one factor never completes another's challenge.
 */
import {
  challenge,
  enroll,
  enrollOtp,
  exchangeOob,
  exchangeOtp,
  expect,
  listAuthenticators,
  login,
  mfaApiLogin,
  newSession,
  otpCode,
  readCode,
  test,
  verifyOtp,
} from "./fixtures.ts";
import { FACTORS } from "./tags.ts";
import { controlOf } from "./targets/mock.ts";

/** Every factor the mock offers by default. */
const ALL_FACTORS = FACTORS;

/** One factor switched off, and the enrollment request that asks for it. */
const DISABLED: Array<{
  factor: (typeof ALL_FACTORS)[number];
  body: (ctx: { email: string; phone: string }) => object;
}> = [
  { factor: "otp", body: () => ({ authenticator_types: ["otp"] }) },
  {
    factor: "email",
    body: ({ email }) => ({ authenticator_types: ["oob"], oob_channels: ["email"], email }),
  },
  { factor: "push", body: () => ({ authenticator_types: ["oob"], oob_channels: ["auth0"] }) },
  {
    factor: "sms",
    body: ({ phone }) => ({ authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone }),
  },
  {
    factor: "voice",
    body: ({ phone }) => ({ authenticator_types: ["oob"], oob_channels: ["voice"], phone_number: phone }),
  },
];

test.describe("factors the tenant does not offer", {
  tag: ["@op:associateAuthenticator", "@check:errors", "@mock-only"],
}, () => {
  // Changes the mock's configuration: a private mock (fixtures.ts), restored after each test.
  test.use({ privateMock: true });

  for (const row of DISABLED) {
    test(`${row.factor} switched off: enrolling it answers 400 unsupported_challenge_type "Requested factor type is not enabled"`, {
      tag: [`@factor:${row.factor}`],
    }, async ({ api, target }) => {
      const { mfaToken } = await newSession({ api, target });
      await controlOf(target.baseURL).config.set({
        factors: ALL_FACTORS.filter((f) => f !== row.factor),
      });
      try {
        const res = await api.post("/mfa/associate", {
          bearer: mfaToken,
          json: row.body({ email: target.emailAddress(), phone: target.phoneNumber() }),
        });
        expect(res).toBeError(400, "unsupported_challenge_type", "Requested factor type is not enabled");
        expect(res).toConform("associateAuthenticator");
      } finally {
        await controlOf(target.baseURL).config.set({ factors: [...ALL_FACTORS] });
      }
    });
  }
});

test.describe("isolation across factors", {
  tag: ["@factor:otp", "@factor:email", "@op:token", "@check:security"],
}, () => {
  test("an emailed code is no OTP, and an OTP code does not complete an email challenge", async ({
    api,
    target,
  }) => {
    const ctx = { api, target };
    // OTP first; its confirmation's MFA API token enrolls email beside it and, as Auth0's guide
    // shows, stands in for the mfa_token when the email is confirmed.
    const { user, mfaToken: first } = await newSession(ctx, await mfaApiLogin(ctx));
    const { secret } = await enrollOtp(ctx, first);
    const tokens = await verifyOtp(ctx, first, secret);
    const accessToken = tokens.body.access_token as string;
    const address = target.emailAddress();
    const enrollment = await enroll(ctx, accessToken, "email", address);
    const confirmCode = await readCode(ctx, address, { action: "enrollment", message_type: "email" });
    const confirmed = await exchangeOob(ctx, accessToken, enrollment.oobCode, confirmCode.code);
    expect(confirmed.status, "the email confirmed").toBe(200);

    const mfaToken = await login(ctx, user);
    const list = await listAuthenticators(ctx, mfaToken);
    const email = (list.body as { id: string; oob_channel?: string }[]).find(
      (a) => a.oob_channel === "email",
    );
    expect(email?.id, "the email is listed").toMatch(/^email\|dev_/);
    const asked = await challenge(ctx, mfaToken, String(email?.id));
    const message = await readCode(ctx, address, { message_type: "email" });
    const otp = await otpCode(ctx, secret);
    test.skip(otp === message.code, "the emailed code and the OTP code are the same (1 in a million)");

    const emailAsOtp = await exchangeOtp(ctx, mfaToken, message.code);
    expect(emailAsOtp, "the emailed code sent as an otp").toBeError(
      403,
      "invalid_grant",
      "Invalid otp_code.",
    );
    const otpAsBinding = await exchangeOob(ctx, mfaToken, asked.oobCode, otp);
    expect(otpAsBinding, "the OTP code sent as the email's binding_code").toBeError(
      403,
      "invalid_grant",
      "Invalid binding_code.",
    );
    const own = await exchangeOob(ctx, mfaToken, asked.oobCode, message.code);
    expect(own.status, "the emailed code still completes its challenge").toBe(200);
  });
});
