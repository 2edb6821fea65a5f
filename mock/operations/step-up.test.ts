/**
 * MFA on refresh narrowed to audiences and scopes (docs/behaviour.md#mfa-on-refresh), through the
 * refresh grant and silent authentication. The families and sessions are started in the store: the
 * login page that starts them in an app is login/login.test.ts's.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { MockConfig } from "../config/config.ts";
import { SESSION_COOKIE } from "../login/authorize.ts";
import { Harness, json } from "../testing.ts";

const API = "https://api.example.com/";
const OTHER = "https://other.example.com/";
const SCOPE = "openid profile offline_access";

/** A mock with MFA on refresh narrowed as `narrowing` says, and the single-page app's calls. */
class StepUp {
  readonly h: Harness;
  constructor(narrowing: Partial<MockConfig>) {
    this.h = new Harness({ mfaOnRefresh: true, ...narrowing });
  }
  get spa(): string {
    return this.h.app.config().spaClientId;
  }
  /** A user's refresh token of a family for `audience` and `scope`, and the session behind it. */
  async family(audience: string | undefined, scope = SCOPE): Promise<{ token: string; session: string }> {
    const user = await this.h.user();
    const login = this.h.app.runtime.state.login;
    const session = login.openSession(user.user_id, this.h.clock.now());
    const token = login.startFamily({
      clientId: this.spa,
      audience,
      scope,
      userId: user.user_id,
      sessionId: session.id,
    });
    return { token, session: session.id };
  }
  refresh(token: string, extra: Record<string, string> = {}) {
    return this.h.app.request("/oauth/token", {
      body: { grant_type: "refresh_token", client_id: this.spa, refresh_token: token, ...extra },
    });
  }
  /** Silent authentication (prompt=none) for `audience` from the session's cookie: the `error` it answered, or "" for a code. */
  async silent(session: string, audience: string | undefined): Promise<string> {
    const verifier = "a-verifier-of-at-least-43-characters-0123456789";
    const q = new URLSearchParams({
      client_id: this.spa,
      redirect_uri: "http://localhost:3000/callback",
      response_type: "code",
      scope: SCOPE,
      prompt: "none",
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      ...(audience === undefined ? {} : { audience }),
    });
    const res = await this.h.app.request(`/authorize?${q}`, {
      headers: { cookie: `${SESSION_COOKIE}=${session}` },
    });
    const back = new URL(String(res.headers.location));
    return back.searchParams.get("error") ?? "";
  }
}

describe("step-up: MFA on refresh narrowed (docs/behaviour.md#mfa-on-refresh)", () => {
  const rows: Array<{
    name: string;
    narrowing: Partial<MockConfig>;
    familyAudience: string | undefined;
    familyScope?: string;
    refresh?: Record<string, string>;
    mfa: boolean;
  }> = [
    {
      name: "a family for a listed audience",
      narrowing: { mfaOnRefreshAudiences: [API] },
      familyAudience: API,
      mfa: true,
    },
    {
      name: "a family for another audience",
      narrowing: { mfaOnRefreshAudiences: [API] },
      familyAudience: OTHER,
      mfa: false,
    },
    {
      name: "a family without an audience",
      narrowing: { mfaOnRefreshAudiences: [API] },
      familyAudience: undefined,
      mfa: false,
    },
    {
      name: "a refresh asking for a listed audience in another audience's family",
      narrowing: { mfaOnRefreshAudiences: [API] },
      familyAudience: OTHER,
      refresh: { audience: API },
      mfa: true,
    },
    {
      name: "a refresh asking for another audience in a listed audience's family",
      narrowing: { mfaOnRefreshAudiences: [API] },
      familyAudience: API,
      refresh: { audience: OTHER },
      mfa: false,
    },
    {
      name: "a family whose scope has a listed one",
      narrowing: { mfaOnRefreshScopes: ["transfer:funds"] },
      familyAudience: API,
      familyScope: `${SCOPE} transfer:funds`,
      mfa: true,
    },
    {
      name: "a refresh narrowing the scope to leave the listed one out",
      narrowing: { mfaOnRefreshScopes: ["transfer:funds"] },
      familyAudience: API,
      familyScope: `${SCOPE} transfer:funds`,
      refresh: { scope: SCOPE },
      mfa: false,
    },
    {
      name: "a scope without a listed one",
      narrowing: { mfaOnRefreshScopes: ["transfer:funds"] },
      familyAudience: API,
      mfa: false,
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.mfa ? "mfa_required" : "tokens without MFA"}`, async () => {
      const s = new StepUp(row.narrowing);
      const { token } = await s.family(row.familyAudience, row.familyScope);
      const res = await s.refresh(token, row.refresh);
      if (row.mfa) {
        assert.equal(res.status, 403, res.body);
        assert.equal(json(res).error, "mfa_required");
        // The mfa_token carries the refused request's audience and scope.
        const record = s.h.app.runtime.state.mfaToken(String(json(res).mfa_token));
        assert.equal(record?.audience, row.refresh?.audience ?? row.familyAudience);
      } else {
        assert.equal(res.status, 200, res.body);
        assert.match(String(json(res).refresh_token), /^v1\./, "rotated as any refresh");
        const access = JSON.parse(
          Buffer.from(String(json(res).access_token).split(".")[1] ?? "", "base64url").toString(),
        );
        assert.equal(access.amr, undefined, "no MFA was done");
      }
    });
  }

  it("silent authentication follows the same narrowing", async () => {
    const s = new StepUp({ mfaOnRefreshAudiences: [API] });
    const { session } = await s.family(API);
    assert.equal(await s.silent(session, API), "login_required");
    assert.equal(await s.silent(session, OTHER), "");
  });
});
