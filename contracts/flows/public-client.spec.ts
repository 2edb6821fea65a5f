/**
 * Flow: a public client (a native app: token endpoint authentication method None) runs Auth0's guide
 * with its client_id alone, no secret: log in, enroll and confirm, challenge and verify.
 */
import { asPublicClient, test } from "../fixtures.ts";
import { enrollChallengeVerify } from "./by-channel.ts";

test("a public client (client_id, no secret) enrolls by sms, then challenges and verifies", {
  tag: [
    "@sends-sms",
    "@check:security",
    "@op:token",
    "@op:associateAuthenticator",
    "@op:listAuthenticators",
    "@op:challenge",
  ],
}, async ({ api, target }) => {
  const native = asPublicClient(target);
  test.skip(
    native === undefined,
    "the target has no public client: set AUTH0_PUBLIC_CLIENT_ID (a Native application) to run this flow",
  );
  if (native !== undefined) await enrollChallengeVerify({ api, target: native }, "sms");
});
