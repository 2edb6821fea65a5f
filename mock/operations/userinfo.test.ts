import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MockConfig } from "../config/config.ts";
import { Harness as H, json } from "../testing.ts";
import { challengeOf, UNAUTHORIZED, userInfoRefusals } from "./userinfo.ts";

/** The tokens of a user who signed in with the password grant and `scope` (plus `extra`), then enrolled OTP. */
async function signedIn(
  h: H,
  scope: string,
  extra: Record<string, string> = {},
): Promise<{ user: { user_id: string; username: string }; body: Record<string, unknown> }> {
  const user = await h.user();
  const mfaToken = await h.mfaToken(user, { scope, ...extra });
  const secret = String(json(await h.associateOtp(mfaToken)).secret);
  const res = await h.otp(mfaToken, h.totp(secret));
  assert.equal(res.status, 200, res.body);
  return { user, body: json(res) };
}

/** The claims of a JWT (unchecked: the signature is jwt.test.ts's). */
function claims(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** Every claim the mock's profile can hold (discovery's claims_supported less the token's own). */
const PROFILE_CLAIMS = new Set(["sub", "nickname", "name", "email", "email_verified"]);

function userinfo(h: H, authorization: string | undefined, method = "GET") {
  return h.app.request("/userinfo", { method, headers: authorization ? { authorization } : {} });
}

describe("/userinfo (docs/behaviour.md#userinfo)", () => {
  it("answers the ID token's claims for openid profile email, by GET and by POST", async () => {
    const h = new H();
    const { body } = await signedIn(h, "openid profile email");
    const id = claims(body.id_token);
    for (const method of ["GET", "POST"]) {
      const res = await userinfo(h, `Bearer ${body.access_token}`, method);
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.ok(res.headers["x-ratelimit-limit"], "the rate-limit headers, as on every Auth0 path");
      assert.deepEqual(json(res), {
        sub: id.sub,
        nickname: id.nickname,
        name: id.name,
        email: id.email,
        email_verified: true,
      });
    }
  });

  const scopes: Array<[string, string[]]> = [
    ["openid", ["sub"]],
    ["openid profile", ["sub", "nickname", "name"]],
    ["openid email", ["sub", "email", "email_verified"]],
    ["profile email", []],
  ];
  for (const [scope, keys] of scopes) {
    it(`scope "${scope}" answers ${keys.length ? keys.join(", ") : "{}"}, and the ID token carries the same`, async () => {
      const h = new H();
      const { user, body } = await signedIn(h, scope);
      const res = await userinfo(h, `Bearer ${body.access_token}`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(Object.keys(json(res)), keys);
      if (keys.length) assert.equal(json(res).sub, user.user_id);
      if (body.id_token === undefined) {
        assert.ok(!scope.split(" ").includes("openid"), "an ID token whenever openid was asked for");
        return;
      }
      // One rule for both (profile-claims.ts): the ID token's profile claims are /userinfo's answer.
      const id = claims(body.id_token);
      const profile = Object.fromEntries(Object.entries(id).filter(([k]) => PROFILE_CLAIMS.has(k)));
      assert.deepEqual(profile, json(res), "the ID token's profile claims");
    });
  }

  it("a token with an API audience and openid also has /userinfo's: it is answered", async () => {
    const h = new H();
    const { body } = await signedIn(h, "openid", { audience: "https://api.example.com/" });
    assert.deepEqual(claims(body.access_token).aud, [
      "https://api.example.com/",
      "https://localhost/userinfo",
    ]);
    assert.equal((await userinfo(h, `Bearer ${body.access_token}`)).status, 200);
  });

  /** Each refusal: 401, "Unauthorized" as text, the reason in the challenge. */
  const refusals: Array<{
    name: string;
    authorization: (h: H) => Promise<string | undefined>;
    challenge: string;
    config?: Partial<MockConfig>;
  }> = [
    {
      name: "no Authorization header",
      authorization: async () => undefined,
      challenge: 'Bearer realm="Users"',
    },
    {
      name: "another scheme",
      authorization: async () => "Basic dXNlcjpwYXNz",
      challenge: 'Bearer realm="Users"',
    },
    {
      name: "Bearer without a token",
      authorization: async () => "Bearer ",
      challenge: 'Bearer realm="Users"',
    },
    {
      name: "an opaque token (an mfa_token)",
      authorization: async (h) => `Bearer ${await h.mfaToken(await h.user())}`,
      challenge: challengeOf(userInfoRefusals.invalidToken),
    },
    {
      name: "a token with one character changed",
      authorization: async (h) => {
        const token = String((await signedIn(h, "openid")).body.access_token);
        // The signature's second-to-last character (the last one also holds padding bits), always changed.
        const changed = token.at(-2) === "A" ? "B" : "A";
        return `Bearer ${token.slice(0, -2)}${changed}${token.slice(-1)}`;
      },
      challenge: challengeOf(userInfoRefusals.invalidToken),
    },
    {
      name: "a token of the MFA API audience only",
      authorization: async (h) => `Bearer ${(await h.mfaAccessToken("read:authenticators")).token}`,
      challenge: challengeOf(userInfoRefusals.invalidToken),
    },
    {
      name: "an expired access token",
      authorization: async (h) => {
        const token = String((await signedIn(h, "openid")).body.access_token);
        h.clock.advance(86_400_000);
        return `Bearer ${token}`;
      },
      challenge: 'Bearer realm="Users", error="invalid_token", error_description="The token has expired"',
    },
  ];
  for (const row of refusals) {
    it(`${row.name}: 401 "Unauthorized" with the challenge ${row.challenge}`, async () => {
      const h = new H(row.config);
      const res = await userinfo(h, await row.authorization(h));
      assert.equal(res.status, 401, res.body);
      assert.equal(res.body, UNAUTHORIZED);
      assert.equal(res.headers["content-type"], "text/plain; charset=utf-8");
      assert.equal(res.headers["www-authenticate"], row.challenge);
      assert.ok(res.headers["x-ratelimit-remaining"]);
    });
  }

  it("the deviation userinfo-expired-token-accepted answers the profile of an expired token", async () => {
    const h = new H({
      faults: { latencyMs: 0, errorRate: {}, deviations: ["userinfo-expired-token-accepted"] },
    });
    const { user, body } = await signedIn(h, "openid");
    h.clock.advance(86_400_000);
    const res = await userinfo(h, `Bearer ${body.access_token}`);
    assert.equal(res.status, 200, res.body);
    assert.equal(json(res).sub, user.user_id);
    // Only the expiry is let through: a forged token is still refused.
    assert.equal((await userinfo(h, "Bearer a.b.c")).status, 401);
  });

  it("discovery names it", async () => {
    const h = new H();
    const doc = json(await h.app.request("/.well-known/openid-configuration"));
    assert.equal(doc.userinfo_endpoint, "https://localhost/userinfo");
  });
});
