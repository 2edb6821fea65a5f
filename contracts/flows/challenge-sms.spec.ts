/**
 * Flow: log in with sms as the second factor: mfa_required, list, challenge, the code from the
 * phone, verify with mfa-oob.
 */
import { challenge, enrolledUser, expect, test, verify } from "../fixtures.ts";

test("challenge by sms: challenge, read the code, verify", { tag: "@sends-sms" }, async ({ api, target }) => {
  const ctx = { api, target };
  const user = await enrolledUser(ctx, "sms");
  const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
  const tokens = await verify(ctx, user.mfaToken, oobCode, user.phone, "sms");
  expect(tokens.body.token_type).toBe("Bearer");
  expect(tokens.body.access_token).toEqual(expect.any(String));
});
