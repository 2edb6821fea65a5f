/**
 * Flow: a public client (a native app: token endpoint authentication method None) runs Auth0's guide
 * with its client_id alone, no secret: log in, enroll and confirm, challenge and verify.
 */
import { asPublicClient, challenge, enrolledUser, expect, test, verify } from "../fixtures.ts";

test("a public client (client_id, no secret) enrolls by sms, then challenges and verifies", {
  tag: ["@sends-sms", "@check:security"],
}, async ({ api, target }) => {
  const native = asPublicClient(target);
  test.skip(
    native === undefined,
    "the target has no public client: set AUTH0_PUBLIC_CLIENT_ID (a Native application) to run this flow",
  );
  if (native === undefined) return;
  const ctx = { api, target: native };
  const user = await enrolledUser(ctx, "sms");
  const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
  const tokens = await verify(ctx, user.mfaToken, oobCode, user.phone, "sms");
  expect(tokens.body.token_type).toBe("Bearer");
  expect(tokens.body.access_token).toEqual(expect.any(String));
});
