import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { DeviationName, MockConfig } from "../config/config.ts";
import type { MockResponse } from "../http/request.ts";
import { assertError, Harness, json, OOB, phone } from "../testing.ts";
import { SESSION_COOKIE } from "./authorize.ts";

const APP = "http://localhost:3000/callback";
const VERIFIER = "a-verifier-of-at-least-43-characters-0123456789";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

/** The harness with the single-page app's calls: /authorize, the login page, the code and refresh grants. */
class Login {
  readonly h: Harness;
  constructor(config?: Partial<MockConfig>) {
    this.h = new Harness(config);
  }
  get spa(): string {
    return this.h.app.config().spaClientId;
  }
  authorize(params: Record<string, string>, cookie?: string): Promise<MockResponse> {
    const q = new URLSearchParams({
      client_id: this.spa,
      redirect_uri: APP,
      response_type: "code",
      scope: "openid profile email offline_access",
      state: "st4te",
      nonce: "n0nce",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      ...params,
    });
    return this.h.app.request(`/authorize?${q}`, { headers: cookie ? { cookie } : {} });
  }
  /** Through the login page: answers the redirect back to the app and the session cookie. */
  async login(
    user: { username: string; password: string },
    params: Record<string, string> = {},
  ): Promise<{ res: MockResponse; cookie: string }> {
    const start = await this.authorize(params);
    assert.equal(start.status, 302, start.body);
    const page = await this.h.app.request(String(start.headers.location));
    assert.equal(page.status, 200);
    const state = /name="state" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
    const res = await this.h.app.request("/u/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state, username: user.username, password: user.password }).toString(),
    });
    const cookie = String(res.headers["set-cookie"] ?? "").split(";")[0] ?? "";
    return { res, cookie };
  }
  code(res: MockResponse): string {
    return new URL(String(res.headers.location)).searchParams.get("code") ?? "";
  }
  exchange(code: string, extra: Record<string, string> = {}): Promise<MockResponse> {
    return this.h.app.request("/oauth/token", {
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "auth0-client": "eyJuYW1lIjoidGVzdCJ9",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: this.spa,
        code,
        redirect_uri: APP,
        code_verifier: VERIFIER,
        ...extra,
      }).toString(),
    });
  }
  refresh(token: string): Promise<MockResponse> {
    return this.h.app.request("/oauth/token", {
      body: { grant_type: "refresh_token", client_id: this.spa, refresh_token: token },
    });
  }
  /** A signed-in user's first tokens. */
  async tokens(): Promise<{ body: Record<string, unknown>; cookie: string }> {
    const user = await this.h.user();
    const { res, cookie } = await this.login(user);
    const out = await this.exchange(this.code(res));
    assert.equal(out.status, 200, out.body);
    return { body: json(out), cookie };
  }
}

/** The faults of a mock with one named deviation. */
function deviating(name: DeviationName): MockConfig["faults"] {
  return { latencyMs: 0, errorRate: {}, deviations: [name] };
}

/** The claims of a JWT (unchecked: the signature is the jwt module's test). */
function claims(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8"));
}

describe("the login surface (docs/behaviour.md#login, #code-grant)", () => {
  it("authorize → login page → code → tokens with an RS256 ID token (iss, aud = client id, nonce) and a refresh token", async () => {
    const l = new Login();
    const user = await l.h.user();
    const { res, cookie } = await l.login(user);
    assert.equal(res.status, 302);
    const back = new URL(String(res.headers.location));
    assert.equal(`${back.origin}${back.pathname}`, APP);
    assert.equal(back.searchParams.get("state"), "st4te");
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=.+`));
    const out = await l.exchange(l.code(res));
    assert.equal(out.status, 200, out.body);
    const body = json(out);
    const id = claims(body.id_token);
    assert.equal(id.aud, l.spa);
    assert.equal(id.iss, "https://localhost/");
    assert.equal(id.nonce, "n0nce");
    assert.equal(id.amr, undefined, "no MFA was done");
    const header = JSON.parse(Buffer.from(String(body.id_token).split(".")[0] ?? "", "base64url").toString());
    assert.equal(header.alg, "RS256");
    assert.match(String(body.refresh_token), /^v1\./);
  });

  it("a wrong password shows Auth0's message on the page; no cookie", async () => {
    const l = new Login();
    const user = await l.h.user();
    const { res, cookie } = await l.login({ username: user.username, password: "wrong" });
    assert.equal(res.status, 400);
    assert.match(res.body, /Wrong email or password\./);
    assert.match(res.body, /<label for="password">/);
    assert.equal(cookie, "");
  });

  it("the code is single use, bound to its redirect_uri and PKCE verifier, and short-lived", async () => {
    const rows: Array<{
      name: string;
      extra: Record<string, string>;
      wait?: number;
      twice?: boolean;
      text: string;
    }> = [
      {
        name: "wrong verifier",
        extra: { code_verifier: `${VERIFIER}x` },
        text: "Failed to verify code verifier",
      },
      {
        name: "other redirect_uri",
        extra: { redirect_uri: "http://localhost:3000/other" },
        text: "Invalid redirect_uri",
      },
      { name: "reused code", extra: {}, twice: true, text: "Invalid authorization code" },
      { name: "expired code", extra: {}, wait: 61_000, text: "Invalid authorization code" },
      { name: "unknown code", extra: { code: "nope" }, text: "Invalid authorization code" },
    ];
    for (const row of rows) {
      const l = new Login();
      const { res } = await l.login(await l.h.user());
      const code = l.code(res);
      if (row.twice) assert.equal((await l.exchange(code)).status, 200, row.name);
      if (row.wait) l.h.clock.advance(row.wait);
      assertError(await l.exchange(code, row.extra), 403, "invalid_grant", row.text);
    }
  });

  it("/authorize refusals: the app's error redirect, or the mock's page when the redirect URI is not trusted", async () => {
    const l = new Login();
    const rows: Array<{ name: string; params: Record<string, string>; status: number; error: string }> = [
      {
        name: "no PKCE for a SPA",
        params: { code_challenge: "", code_challenge_method: "" },
        status: 302,
        error: "invalid_request",
      },
      {
        name: "plain PKCE",
        params: { code_challenge_method: "plain" },
        status: 302,
        error: "invalid_request",
      },
      {
        name: "token response type",
        params: { response_type: "token" },
        status: 302,
        error: "unsupported_response_type",
      },
      {
        name: "prompt=none without a session",
        params: { prompt: "none" },
        status: 302,
        error: "login_required",
      },
      {
        name: "unlisted callback",
        params: { redirect_uri: "https://evil.example/cb" },
        status: 400,
        error: "invalid_request",
      },
      { name: "unknown client", params: { client_id: "nope" }, status: 400, error: "invalid_request" },
    ];
    for (const row of rows) {
      const params = Object.fromEntries(Object.entries(row.params).filter(([, v]) => v !== ""));
      const drop = Object.keys(row.params).filter((k) => row.params[k] === "");
      const q = new URLSearchParams({
        client_id: l.spa,
        redirect_uri: APP,
        response_type: "code",
        state: "s",
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
        ...params,
      });
      for (const k of drop) q.delete(k);
      const res = await l.h.app.request(`/authorize?${q}`);
      assert.equal(res.status, row.status, row.name);
      if (res.status === 302) {
        assert.equal(new URL(String(res.headers.location)).searchParams.get("error"), row.error, row.name);
      } else {
        assert.match(res.body, new RegExp(row.error), row.name);
        assert.match(String(res.headers["content-type"]), /^text\/html/);
      }
    }
  });

  it("prompt=none answers from the session cookie, in the fragment or a web_message; logout ends it", async () => {
    const l = new Login();
    const { cookie } = await l.login(await l.h.user());
    const fragment = await l.authorize({ prompt: "none", response_mode: "fragment" }, cookie);
    assert.match(String(fragment.headers.location), /#code=[^&]+&state=st4te$/);
    const web = await l.authorize({ prompt: "none", response_mode: "web_message" }, cookie);
    assert.equal(web.status, 200);
    assert.match(web.body, /"type":"authorization_response"/);
    assert.match(web.body, /"http:\/\/localhost:3000"/);
    const out = await l.h.app.request(`/v2/logout?returnTo=${encodeURIComponent("http://localhost:3000/")}`, {
      headers: { cookie },
    });
    assert.equal(out.status, 302);
    const again = await l.authorize({ prompt: "none" }, cookie);
    assert.equal(new URL(String(again.headers.location)).searchParams.get("error"), "login_required");
    const evil = await l.h.app.request(`/v2/logout?returnTo=${encodeURIComponent("https://evil.example/")}`);
    assert.equal(evil.status, 400);
  });

  it("--callback-urls replaces the loopback rule", async () => {
    const l = new Login({ callbackUrls: ["https://app.example.com/cb"] });
    assert.equal((await l.authorize({})).status, 400, "loopback no longer allowed");
    assert.equal((await l.authorize({ redirect_uri: "https://app.example.com/cb" })).status, 302);
  });
});

describe("refresh tokens (docs/behaviour.md#refresh-tokens)", () => {
  it("rotate; a rotated-away token used again revokes the whole family", async () => {
    const l = new Login();
    const { body } = await l.tokens();
    const first = String(body.refresh_token);
    const r1 = await l.refresh(first);
    assert.equal(r1.status, 200, r1.body);
    const second = String(json(r1).refresh_token);
    assert.notEqual(second, first);
    assertError(await l.refresh(first), 403, "invalid_grant", "Unknown or invalid refresh token.");
    assertError(await l.refresh(second), 403, "invalid_grant", "Unknown or invalid refresh token.");
  });

  it("without rotation one token is reused and no new one is answered", async () => {
    const l = new Login({ refreshTokenRotation: false });
    const { body } = await l.tokens();
    const token = String(body.refresh_token);
    for (let i = 0; i < 2; i++) {
      const r = await l.refresh(token);
      assert.equal(r.status, 200, r.body);
      assert.equal(json(r).refresh_token, undefined);
    }
  });

  it("another client's token is refused", async () => {
    const l = new Login();
    const { body } = await l.tokens();
    const res = await l.h.app.request("/oauth/token", {
      body: { grant_type: "refresh_token", ...l.h.client, refresh_token: String(body.refresh_token) },
    });
    assertError(res, 403, "invalid_grant", "Unknown or invalid refresh token.");
  });
});

describe("MFA on refresh (docs/behaviour.md#mfa-on-refresh)", () => {
  it("a refresh answers mfa_required until SMS is enrolled and verified; that grant answers ID and rotated refresh tokens", async () => {
    const l = new Login({ mfaOnRefresh: true });
    const { body, cookie } = await l.tokens();
    const first = String(body.refresh_token);
    const refused = await l.refresh(first);
    assert.equal(refused.status, 403);
    const mfaToken = String(json(refused).mfa_token);
    assert.equal(json(refused).error, "mfa_required");
    // The refused exchange consumed the token: using it again is reuse.
    const number = phone();
    const assoc = await l.h.associatePhone(mfaToken, "sms", number);
    assert.equal(assoc.status, 200, assoc.body);
    const done = await l.h.app.request("/oauth/token", {
      body: {
        grant_type: OOB,
        client_id: l.spa,
        mfa_token: mfaToken,
        oob_code: String(json(assoc).oob_code),
        binding_code: l.h.lastCode(number).code,
      },
    });
    assert.equal(done.status, 200, done.body);
    const tokens = json(done);
    assert.equal(claims(tokens.id_token).aud, l.spa);
    const rotated = String(tokens.refresh_token);
    assert.match(rotated, /^v1\./);
    const again = await l.refresh(rotated);
    assert.equal(again.status, 200, again.body);
    // The session did MFA too: silent authentication answers a code.
    const silent = await l.authorize({ prompt: "none" }, cookie);
    assert.ok(l.code(silent));
  });

  it("silent authentication before MFA answers login_required 'Multifactor authentication required'", async () => {
    const l = new Login({ mfaOnRefresh: true });
    const { cookie } = await l.tokens();
    const res = await l.authorize({ prompt: "none" }, cookie);
    const back = new URL(String(res.headers.location));
    assert.equal(back.searchParams.get("error"), "login_required");
    assert.equal(back.searchParams.get("error_description"), "Multifactor authentication required");
  });

  it("the refused refresh consumed the token: using it again revokes the family", async () => {
    const l = new Login({ mfaOnRefresh: true });
    const { body } = await l.tokens();
    const first = String(body.refresh_token);
    assert.equal((await l.refresh(first)).status, 403);
    assertError(await l.refresh(first), 403, "invalid_grant", "Unknown or invalid refresh token.");
  });
});

describe("deviations of the login surface (docs/behaviour.md#login)", () => {
  it("each makes the step it names answer wrong", async () => {
    const reuse = new Login({ faults: deviating("code-reusable") });
    const { res } = await reuse.login(await reuse.h.user());
    const code = reuse.code(res);
    await reuse.exchange(code);
    assert.equal((await reuse.exchange(code)).status, 200, "code-reusable");

    const pkce = new Login({ faults: deviating("pkce-not-checked") });
    const p = await pkce.login(await pkce.h.user());
    assert.equal(
      (await pkce.exchange(pkce.code(p.res), { code_verifier: "wrong" })).status,
      200,
      "pkce-not-checked",
    );

    const rotate = new Login({ faults: deviating("refresh-not-rotated") });
    const t = await rotate.tokens();
    assert.equal(json(await rotate.refresh(String(t.body.refresh_token))).refresh_token, undefined);

    const token = new Login({ mfaOnRefresh: true, faults: deviating("mfa-required-without-token") });
    const m = await token.tokens();
    assert.equal(json(await token.refresh(String(m.body.refresh_token))).mfa_token, undefined);
  });
});
