import { type APIRequestContext, expect, test } from "@playwright/test";
import { mockControl } from "auth0-mfa-mock";

/** What global-setup.ts put in the environment. */
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with playwright.config.ts (its globalSetup)`);
  return value;
}

const base = env("AUTH0_MOCK_URL");
const client = { client_id: env("AUTH0_CLIENT_ID"), client_secret: env("AUTH0_CLIENT_SECRET") };
const mock = mockControl(base);

/** Signs a new user in with a password: Auth0 answers 403 mfa_required; then enrolls `phone` for SMS. */
async function enrollSms(request: APIRequestContext, phone: string) {
  const user = await mock.users.create();
  const login = await request.post(`${base}/oauth/token`, {
    form: { grant_type: "password", username: user.username, password: user.password, ...client },
  });
  expect(login.status()).toBe(403);
  const { error, mfa_token } = await login.json();
  expect(error).toBe("mfa_required");
  const enroll = await request.post(`${base}/mfa/associate`, {
    headers: { authorization: `Bearer ${mfa_token}` },
    data: { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
  });
  expect(enroll.status()).toBe(200);
  const { oob_code } = await enroll.json();
  return { mfa_token: String(mfa_token), oob_code: String(oob_code) };
}

const MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob";

test("SMS enrollment: the texted code gives tokens", async ({ request }) => {
  const phone = "+15555550101";
  const { mfa_token, oob_code } = await enrollSms(request, phone);
  const sms = await mock.outbox.latest(phone);
  expect(sms?.code).toMatch(/^\d{6}$/);
  const tokens = await request.post(`${base}/oauth/token`, {
    form: { grant_type: MFA_OOB, mfa_token, oob_code, binding_code: sms?.code ?? "", ...client },
  });
  expect(tokens.status()).toBe(200);
  expect(await tokens.json()).toHaveProperty("access_token");
});

test("a code is refused once 5 minutes have passed on the mock's clock", async ({ request }) => {
  const phone = "+15555550102";
  const { mfa_token, oob_code } = await enrollSms(request, phone);
  const sms = await mock.outbox.latest(phone);
  await mock.clock.advance(301);
  const late = await request.post(`${base}/oauth/token`, {
    form: { grant_type: MFA_OOB, mfa_token, oob_code, binding_code: sms?.code ?? "", ...client },
  });
  expect(late.status()).toBe(403);
  expect(await late.json()).toMatchObject({ error: "expired_token" });
});
