/**
 * Flow: a confidential client that authenticates with Private Key JWT runs Auth0's guide with a fresh
 * client_assertion on every call, no secret: log in, enroll and confirm, challenge and verify. And
 * an assertion is single use, as Auth0 documents.
 */
import {
  asPrivateKeyJwtClient,
  clientAuth,
  createUser,
  expect,
  type FlowContext,
  issuerOf,
  login,
  passwordRealm,
  type Target,
  test,
} from "../fixtures.ts";
import { enrollChallengeVerify } from "./by-channel.ts";

const NO_CLIENT =
  "the target has no Private Key JWT client: set AUTH0_PRIVATE_KEY_JWT_CLIENT_ID and AUTH0_PRIVATE_KEY_JWT_KEY to run this flow";

/** The target as its Private Key JWT client, signing for the target's issuer. */
async function signingClient(ctx: FlowContext): Promise<Target> {
  const signing = asPrivateKeyJwtClient(ctx.target, await issuerOf(ctx));
  if (!signing) throw new Error(NO_CLIENT); // the group skips such targets
  return signing;
}

test.describe("Private Key JWT", { tag: "@check:security" }, () => {
  test.skip(({ target }) => target.privateKeyJwt === undefined, NO_CLIENT);

  test("a Private Key JWT client (client_assertion, no secret) enrolls by sms, then challenges and verifies", {
    tag: ["@sends-sms", "@op:token", "@op:associateAuthenticator", "@op:listAuthenticators", "@op:challenge"],
  }, async ({ api, target }) => {
    await enrollChallengeVerify({ api, target: await signingClient({ api, target }) }, "sms");
  });

  test("a client_assertion is single use: sent again, it is refused", { tag: ["@op:token"] }, async ({
    api,
    target,
  }) => {
    const signing = await signingClient({ api, target });
    const once = (await clientAuth(signing)).client_assertion as string;
    const replaying = { ...signing, clientAssertion: async () => once };
    const ctx = { api, target: replaying };
    const user = await createUser(ctx);
    await login(ctx, user);
    const again = await passwordRealm(ctx, user);
    // Auth0 documents the assertion as one-time use, not the answer to a second use: a 4xx that is
    // not the mfa_required a valid client gets.
    expect(again.status, "a replayed assertion is refused").toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(again.body.error).not.toBe("mfa_required");
    expect(again).toConform("token");
  });
});
