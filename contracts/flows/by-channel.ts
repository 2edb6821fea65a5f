/**
 * The two flows of Auth0's guide, once per channel (sms and voice behave alike; only the message
 * type differs). Each `*.spec.ts` beside this file registers one of them, so a report still lists
 * the flows by file.
 */
import {
  type Channel,
  challenge,
  confirm,
  enroll,
  enrolledUser,
  expect,
  type FlowContext,
  listAuthenticators,
  login,
  newSession,
  test,
  verify,
} from "../fixtures.ts";

/** Enroll: mfa_required, associate, the code from the phone, confirm with mfa-oob, listed active. */
export function enrollFlow(channel: Channel): void {
  test(`enroll by ${channel}: associate, confirm with the code, listed active`, {
    tag: [
      "@sends-sms",
      `@factor:${channel}`,
      "@op:token",
      "@op:associateAuthenticator",
      "@op:listAuthenticators",
      "@check:status",
      "@check:body",
    ],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { user, mfaToken } = await newSession(ctx);
    const phone = target.phoneNumber();
    const enrollment = await enroll(ctx, mfaToken, channel, phone);
    const tokens = await confirm(ctx, mfaToken, enrollment, phone, channel);
    expect(tokens.body.access_token).toEqual(expect.any(String));
    const next = await login(ctx, user);
    const list = await listAuthenticators(ctx, next);
    const item = (list.body as { oob_channel?: string; active: boolean }[]).find(
      (a) => a.oob_channel === channel,
    );
    expect(item?.active, `the ${channel} authenticator is active`).toBe(true);
  });
}

/** Log in with the channel as the second factor: challenge, the code from the phone, verify with mfa-oob. */
export function challengeFlow(channel: Channel): void {
  test(`challenge by ${channel}: challenge, read the code, verify`, {
    tag: [
      "@sends-sms",
      `@factor:${channel}`,
      "@op:token",
      "@op:associateAuthenticator",
      "@op:listAuthenticators",
      "@op:challenge",
      "@check:status",
      "@check:body",
    ],
  }, async ({ api, target }) => {
    await enrollChallengeVerify({ api, target }, channel);
  });
}

/** A user enrolled with the channel logs in again: challenge, the code from the phone, tokens. */
export async function enrollChallengeVerify(ctx: FlowContext, channel: Channel): Promise<void> {
  const user = await enrolledUser(ctx, channel);
  const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
  const tokens = await verify(ctx, user.mfaToken, oobCode, user.phone, channel);
  expect(tokens.body.token_type).toBe("Bearer");
  expect(tokens.body.access_token).toEqual(expect.any(String));
}
