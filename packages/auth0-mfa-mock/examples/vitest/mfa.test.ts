import { AuthClient, isMfaRequiredError } from "@auth0/auth0-auth-js";
import { createMock, type RunningMock, startMock } from "auth0-mfa-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("Auth0's SDK against the mock in this process (no port, no TLS)", () => {
  const mock = createMock({ seed: 7 });
  // The SDK builds https://<domain>/ URLs; the mock's request() answers them in process.
  const auth = new AuthClient({
    domain: mock.domain,
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    customFetch: mock.request,
  });

  it("signs in with a password and an SMS code", async () => {
    const user = await mock.control.users.create();
    const signIn = auth.getTokenByPassword({ username: user.username, password: user.password });
    const mfaToken = await signIn.then(
      () => expect.fail("expected mfa_required"),
      (e: unknown) => (isMfaRequiredError(e) ? e.cause.mfa_token : Promise.reject(e)),
    );
    const phoneNumber = "+15555550103";
    const enrollment = await auth.mfa.enrollAuthenticator({
      authenticatorTypes: ["oob"],
      oobChannels: ["sms"],
      phoneNumber,
      mfaToken,
    });
    const sms = await mock.control.outbox.latest(phoneNumber);
    const tokens = await auth.mfa.verify({
      factorType: "oob",
      oobCode: enrollment.authenticatorType === "oob" ? (enrollment.oobCode ?? "") : "",
      bindingCode: sms?.code ?? "",
      mfaToken,
    });
    expect(tokens.claims?.iss).toBe(mock.issuer);
  });
});

describe("the mock on a port: a user's wrong codes are rate limited", () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ profile: "essentials" });
  });
  afterAll(() => mock.close());

  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${mock.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("answers 429 with retry-after to the 11th wrong code", async () => {
    const client = { client_id: mock.clientId, client_secret: mock.clientSecret };
    const { username, password } = await mock.control.users.create();
    const login = await post("/oauth/token", { grant_type: "password", username, password, ...client });
    const { mfa_token } = await login.json();
    const enroll = await post(
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: "+15555550104" },
      { authorization: `Bearer ${mfa_token}` },
    );
    const { oob_code } = await enroll.json();
    const wrong = { grant_type: "http://auth0.com/oauth/grant-type/mfa-oob", mfa_token, oob_code, ...client };
    const answers: Response[] = [];
    for (let i = 0; i < 11; i++)
      answers.push(await post("/oauth/token", { ...wrong, binding_code: "000000" }));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(403));
    expect(answers[10]?.status).toBe(429);
    expect(answers[10]?.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
