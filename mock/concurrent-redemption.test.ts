/**
 * 50 concurrent redemptions of one code over real HTTP, with tokens signed on worker threads: the
 * grant marks the code used before it awaits the signatures, so exactly one request succeeds.
 */
import assert from "node:assert/strict";
import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startMockServer } from "./http/server.ts";
import { OOB, RECOVERY } from "./testing.ts";

type Json = Record<string, unknown>;
const CONCURRENT = 50;

describe("50 concurrent redemptions of one code, signing on 2 threads", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  let client: { client_id: string; client_secret: string };

  before(async () => {
    // Rate limits off: every request reaches the code check instead of a 429.
    server = await startMockServer({ port: 0, config: { profile: "off", users: 1, signingThreads: 2 } });
    const c = server.app.config();
    client = { client_id: c.clientId, client_secret: c.clientSecret };
  });
  after(() => server.close());

  async function post(path: string, body: Json, bearer?: string): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** Sends the same token request 50 times at once; asserts one success and no 5xx; answers it. */
  async function redeemConcurrently(fields: Json): Promise<Json> {
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => post("/oauth/token", { ...client, ...fields })),
    );
    const successes = answers.filter((a) => a.status === 200);
    assert.equal(successes.length, 1, `statuses: ${answers.map((a) => a.status).join(" ")}`);
    for (const a of answers) assert.ok(a.status < 500, JSON.stringify(a.body));
    const success = successes[0]?.body ?? {};
    await assertVerifies(String(success.access_token));
    return success;
  }

  /** The token verifies with the JWKS the server publishes. */
  async function assertVerifies(token: string): Promise<void> {
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: JsonWebKey[];
    };
    const [header, payload, signature] = token.split(".");
    const key = createPublicKey({ key: jwks.keys[0] ?? {}, format: "jwk" });
    const signed = Buffer.from(`${header}.${payload}`);
    assert.ok(verify("sha256", signed, key, Buffer.from(signature ?? "", "base64url")), "signature verifies");
  }

  let mfaToken = "";
  let recoveryCode = "";
  const number = "+15550007777";

  it("an enrollment code: one confirmation", async () => {
    const user = (await post("/__mock/users", {})).body;
    const login = await post("/oauth/token", {
      ...client,
      grant_type: "password",
      username: user.username,
      password: user.password,
    });
    mfaToken = String(login.body.mfa_token);
    const enroll = await post(
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: number },
      mfaToken,
    );
    assert.equal(enroll.status, 200);
    recoveryCode = String((enroll.body.recovery_codes as string[])[0]);
    const code = server.app.outbox.list({ recipient: number }).at(-1)?.code ?? "";
    await redeemConcurrently({
      grant_type: OOB,
      mfa_token: mfaToken,
      oob_code: enroll.body.oob_code,
      binding_code: code,
    });
  });

  it("a challenge code: one token answer", async () => {
    const challenge = await post("/mfa/challenge", { ...client, mfa_token: mfaToken, challenge_type: "oob" });
    assert.equal(challenge.status, 200);
    const code = server.app.outbox.list({ recipient: number }).at(-1)?.code ?? "";
    await redeemConcurrently({
      grant_type: OOB,
      mfa_token: mfaToken,
      oob_code: challenge.body.oob_code,
      binding_code: code,
    });
  });

  it("a recovery code: one token answer, with the next code", async () => {
    const success = await redeemConcurrently({
      grant_type: RECOVERY,
      mfa_token: mfaToken,
      recovery_code: recoveryCode,
    });
    assert.match(String(success.recovery_code), /^[A-Z0-9]+$/);
    assert.notEqual(success.recovery_code, recoveryCode);
  });
});
