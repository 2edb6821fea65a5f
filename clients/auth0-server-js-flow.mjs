/**
 * Auth0's server SDK (@auth0/auth0-server-js, plain `node`, nothing patched) through the login
 * surface and MFA on refresh (docs/behaviour.md#login, #mfa-on-refresh): interactive login (the
 * authorize URL, the mock's login page submitted as a browser would, the callback),
 * getAccessToken → mfa_required → mfa.listAuthenticators / enrollAuthenticator (SMS, the code read
 * from the mock's outbox) / verify → getAccessToken again. One JSON line per step, no secret in it.
 *
 * Environment: AUTH0_DOMAIN (host:port), AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, APP_CALLBACK (a
 * loopback URL: nothing listens there, the script reads the redirect), NODE_EXTRA_CA_CERTS (the local
 * CA). The mock gives access tokens a 1-second lifetime so that getAccessToken refreshes.
 */
import { isMfaRequiredError, ServerClient } from "@auth0/auth0-server-js";
import { signInThroughLoginPage } from "./login-page.mjs";

const env = process.env;
const domain = env.AUTH0_DOMAIN ?? "";
const base = `https://${domain}`;
const callback = env.APP_CALLBACK ?? "http://localhost:3000/callback";

/** The stores a server app provides: in memory here (one session). */
function memoryStore() {
  const data = new Map();
  return {
    get: async (id) => data.get(id),
    set: async (id, value) => void data.set(id, value),
    delete: async (id) => void data.delete(id),
    deleteByLogoutToken: async () => data.clear(),
  };
}

function step(name, fields = {}) {
  process.stdout.write(`${JSON.stringify({ step: name, ok: true, ...fields })}\n`);
}

function fail(name, error) {
  const cause = error?.cause;
  process.stdout.write(
    `${JSON.stringify({ step: name, ok: false, error: String(error?.message ?? error), code: cause?.error ?? error?.code })}\n`,
  );
  process.exit(1);
}

async function run(name, fn) {
  try {
    return await fn();
  } catch (error) {
    return fail(name, error);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const client = new ServerClient({
  domain,
  clientId: env.AUTH0_CLIENT_ID ?? "",
  clientSecret: env.AUTH0_CLIENT_SECRET ?? "",
  authorizationParams: { redirect_uri: callback, scope: "openid profile email offline_access" },
  transactionStore: memoryStore(),
  stateStore: memoryStore(),
});

const user = await run("create-user", async () => {
  const res = await fetch(`${base}/__mock/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  if (!res.ok) throw new Error(`control API answered ${res.status}`);
  return res.json();
});
step("create-user");

const authorizeUrl = await run("start-login", () => client.startInteractiveLogin());
step("start-login", { pkce: authorizeUrl.searchParams.get("code_challenge_method") });

const callbackUrl = await run("login-page", () =>
  signInThroughLoginPage(authorizeUrl, base, user.username, user.password),
);
step("login-page");

await run("callback", () => client.completeInteractiveLogin(callbackUrl));
step("callback", { signedIn: (await client.getUser())?.sub === user.user_id });

await sleep(1500);
const mfaToken = await run("mfa-required", async () => {
  try {
    await client.getAccessToken();
  } catch (error) {
    if (isMfaRequiredError(error)) return error.cause.mfa_token;
    throw error;
  }
  throw new Error("getAccessToken answered tokens: no mfa_required");
});
step("mfa-required", { mfaToken: Boolean(mfaToken) });

const listed = await run("list", () => client.mfa.listAuthenticators({ mfaToken }));
step("list", { count: listed.length });

const phone = "+15555550199";
const enrolled = await run("enroll", () =>
  client.mfa.enrollAuthenticator({
    mfaToken,
    authenticatorTypes: ["oob"],
    oobChannels: ["sms"],
    phoneNumber: phone,
  }),
);
step("enroll", { oobCode: Boolean(enrolled.oobCode) });

const code = await run("enroll-message", async () => {
  const res = await fetch(`${base}/__mock/outbox?${new URLSearchParams({ recipient: phone })}`);
  const messages = await res.json();
  const last = messages.at(-1);
  if (!last) throw new Error("no SMS reached the phone");
  return last.code;
});
step("enroll-message");

const verified = await run("verify", () =>
  client.mfa.verify({ mfaToken, factorType: "oob", oobCode: enrolled.oobCode, bindingCode: code }),
);
step("verify", { accessToken: Boolean(verified.accessToken ?? verified.access_token) });

await sleep(1500);
const after = await run("refresh-after-mfa", () => client.getAccessToken());
step("refresh-after-mfa", { accessToken: Boolean(after.accessToken) });
step("done");
