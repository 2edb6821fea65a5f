/**
 * Flow: a confidential client that authenticates with Private Key JWT runs Auth0's guide with a fresh
 * client_assertion on every call, no secret: log in, enroll and confirm, challenge and verify.
 */
import { asPrivateKeyJwtClient, issuerOf, test } from "../fixtures.ts";
import { enrollChallengeVerify } from "./by-channel.ts";

test("a Private Key JWT client (client_assertion, no secret) enrolls by sms, then challenges and verifies", {
  tag: ["@sends-sms", "@check:security"],
}, async ({ api, target }) => {
  test.skip(
    target.privateKeyJwt === undefined,
    "the target has no Private Key JWT client: set AUTH0_PRIVATE_KEY_JWT_CLIENT_ID and AUTH0_PRIVATE_KEY_JWT_KEY to run this flow",
  );
  const signing = asPrivateKeyJwtClient(target, await issuerOf({ api, target }));
  if (signing !== undefined) await enrollChallengeVerify({ api, target: signing }, "sms");
});
