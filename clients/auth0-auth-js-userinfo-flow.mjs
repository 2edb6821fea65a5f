/**
 * `@auth0/auth0-auth-js`'s AuthClient (plain `node`, nothing patched) through the login surface to
 * /userinfo (docs/behaviour.md#login, #userinfo): the authorize URL it builds (PKCE S256), the mock's
 * login page submitted as a browser would, getTokenByCode, getUserInfo with the fresh access token,
 * then, once the mock's clock is past that token's exp, getUserInfo again, which must be the SDK's
 * UserInfoError (401 invalid_token "The token has expired"). One JSON line per step, no secret in it;
 * exit 1 at the first failed step. clients/deviations.test.ts runs it against a mock with
 * userinfo-expired-token-accepted, where the last step fails.
 *
 * Environment: AUTH0_DOMAIN (host:port), AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, FLOW_USERNAME and
 * FLOW_PASSWORD (a user of the mock), NODE_EXTRA_CA_CERTS (the local CA).
 */
import { AuthClient } from "@auth0/auth0-auth-js";
import { signInThroughLoginPage } from "./login-page.mjs";

/** The steps, in order; clients/deviations.test.ts plans the same names (a step out of plan fails there). */
const STEPS = [
  "login: the authorize URL, the login page, getTokenByCode",
  "getUserInfo with the access token",
  "the access token expires (the mock's clock moves past its exp)",
  "getUserInfo with the expired access token is the SDK's UserInfoError",
];

const env = process.env;
const base = `https://${env.AUTH0_DOMAIN ?? ""}`;
const callback = "http://localhost:3000/callback";

/** Runs one step: prints `{step, ok: true, ...fields}`, or `{step, ok: false, ...}` and exits 1. */
async function step(name, fn) {
  try {
    const fields = (await fn()) ?? {};
    process.stdout.write(`${JSON.stringify({ step: name, ok: true, ...fields })}\n`);
  } catch (error) {
    const cause = error?.cause;
    const line = {
      step: name,
      ok: false,
      name: error?.name,
      code: cause?.error || error?.code,
      error_description: cause?.error_description || error?.message,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}

const client = new AuthClient({
  domain: env.AUTH0_DOMAIN ?? "",
  clientId: env.AUTH0_CLIENT_ID ?? "",
  clientSecret: env.AUTH0_CLIENT_SECRET ?? "",
});

let accessToken = "";
let sub = "";

await step(STEPS[0], async () => {
  const { authorizationUrl, codeVerifier } = await client.buildAuthorizationUrl({
    authorizationParams: { redirect_uri: callback, scope: "openid profile email" },
  });
  const callbackUrl = await signInThroughLoginPage(
    authorizationUrl,
    base,
    env.FLOW_USERNAME ?? "",
    env.FLOW_PASSWORD ?? "",
  );
  const tokens = await client.getTokenByCode(callbackUrl, { codeVerifier });
  accessToken = tokens.accessToken;
  sub = tokens.claims?.sub ?? "";
  return {
    pkce: authorizationUrl.searchParams.get("code_challenge_method"),
    accessToken: Boolean(accessToken),
  };
});

await step(STEPS[1], async () => {
  const profile = await client.getUserInfo({ accessToken, expectedSubject: sub });
  return { sameUser: profile.sub === sub };
});

await step(STEPS[2], async () => {
  const { exp } = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString());
  const res = await fetch(`${base}/__mock/clock`, { method: "GET" });
  const now = Date.parse((await res.json()).now) / 1000;
  const advance = Math.ceil(exp - now) + 1;
  const moved = await fetch(`${base}/__mock/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advance_seconds: advance }),
  });
  if (!moved.ok) throw new Error(`the mock's clock did not move: ${moved.status}`);
  return { advancedSeconds: advance };
});

await step(STEPS[3], async () => {
  let refused;
  try {
    await client.getUserInfo({ accessToken, expectedSubject: sub });
  } catch (error) {
    refused = error;
  }
  if (refused === undefined) throw new Error("getUserInfo answered the profile for an expired access token");
  // The SDK's error carries the 401 and its challenge (the body is no JSON envelope): Auth0's answer
  // to an expired token, docs/behaviour.md#userinfo.
  const challenge = refused.headers?.get?.("www-authenticate") ?? "";
  const seen = { name: refused.name, code: refused.code, status: refused.statusCode, challenge };
  const expired =
    /error="invalid_token"/.test(challenge) && /error_description="The token has expired"/.test(challenge);
  if (seen.name !== "UserInfoError" || seen.status !== 401 || !expired)
    throw new Error(`not the SDK's UserInfoError for an expired token: ${JSON.stringify(seen)}`);
  return seen;
});
