/**
 * Flow: log in with the recovery code (docs/behaviour.md#recovery-codes): tokens and a new recovery_code; the
 * used code stops working, the new one works.
 */
import { clientAuth, enrolledUser, expect, GRANT, login, test } from "../fixtures.ts";

test("recovery code: tokens and a new code; the old code stops working", {
  tag: [
    "@sends-sms",
    "@op:token",
    "@op:associateAuthenticator",
    "@op:listAuthenticators",
    "@check:status",
    "@check:body",
    "@check:security",
  ],
}, async ({ api, target }) => {
  const ctx = { api, target };
  const user = await enrolledUser(ctx, "sms");
  const [first] = user.recoveryCodes;
  expect(first, "the first enrollment returned a recovery code").toMatchSecretly(/^[A-Z0-9]{24}$/);
  const redeem = (mfaToken: string, code: string) =>
    test.step(
      "redeem a recovery code",
      async () =>
        api.post("/oauth/token", {
          form: {
            grant_type: GRANT.mfaRecoveryCode,
            ...(await clientAuth(target)),
            mfa_token: mfaToken,
            recovery_code: code,
          },
        }),
      { box: true },
    );

  const used = await redeem(user.mfaToken, first ?? "");
  expect(used.status).toBe(200);
  expect(used).toConform("token");
  const second = used.body.recovery_code as string | undefined;
  expect(second, "a new recovery code").toMatchSecretly(/^[A-Z0-9]{24}$/);
  expect(second === first, "the new code differs from the used one").toBe(false);

  const replay = await redeem(await login(ctx, user.user), first ?? "");
  expect(replay).toBeError(403, "invalid_grant");

  const next = await redeem(await login(ctx, user.user), second ?? "");
  expect(next.status).toBe(200);
});
