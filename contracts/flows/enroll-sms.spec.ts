/**
 * Flow: enroll by sms, as Auth0's guide does it: mfa_required, associate, the code from the
 * phone, confirm with mfa-oob, then the authenticator is listed active and the user can log in with it.
 */
import { confirm, enroll, expect, listAuthenticators, login, newSession, test } from "../fixtures.ts";

test("enroll by sms: associate, confirm with the code, listed active", { tag: "@sends-sms" }, async ({
  api,
  target,
}) => {
  const ctx = { api, target };
  const { user, mfaToken } = await newSession(ctx);
  const phone = target.phoneNumber();
  const enrollment = await enroll(ctx, mfaToken, "sms", phone);
  const tokens = await confirm(ctx, mfaToken, enrollment, phone, "sms");
  expect(tokens.body.access_token).toEqual(expect.any(String));
  const next = await login(ctx, user);
  const list = await listAuthenticators(ctx, next);
  const item = (list.body as { oob_channel?: string; active: boolean }[]).find(
    (a) => a.oob_channel === "sms",
  );
  expect(item?.active, "the sms authenticator is active").toBe(true);
});
