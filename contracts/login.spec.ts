/**
 * The login surface's contract (docs/behaviour.md#login, #code-grant, #refresh-tokens,
 * #mfa-on-refresh): a single-page app's code flow with PKCE through the mock's login page, then
 * negative tables for the authorization_code grant (PKCE mismatch, code reuse, redirect_uri mismatch)
 * and the refresh_token grant (rotation, reuse, MFA skipped). Mock-only for now: a tenant needs the
 * post-login Action that requires MFA on refresh and a login page the suite can submit.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect, type FlowContext, test } from "./fixtures.ts";
import { controlOf } from "./targets/mock.ts";

const REDIRECT = "http://localhost:3000/callback";

/** A PKCE pair (RFC 7636, S256). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** What a signed-in SPA holds: its client id, a code and the verifier of its challenge. */
interface Authorized {
  clientId: string;
  code: string;
  verifier: string;
}

/** /authorize → the login page → the code, as a browser would (no redirect followed automatically). */
async function authorizeCode(ctx: FlowContext): Promise<Authorized> {
  return test.step(
    "authorize through the login page",
    async () => {
      const { target } = ctx;
      const clientId = (await controlOf(target.baseURL).config.get()).spa_client_id;
      const user = await target.createUser();
      const { verifier, challenge } = pkce();
      const q = new URLSearchParams({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: "openid profile offline_access",
        state: "s",
        nonce: "n",
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const start = await fetch(`${target.baseURL}/authorize?${q}`, { redirect: "manual" });
      expect(start.status, "authorize redirects to the login page").toBe(302);
      const loginUrl = new URL(start.headers.get("location") ?? "", target.baseURL);
      const page = await fetch(loginUrl);
      const html = await page.text();
      const state = /name="state" value="([^"]+)"/.exec(html)?.[1] ?? "";
      expect(html).toContain('<label for="password">');
      const back = await fetch(`${target.baseURL}/u/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ state, username: user.username, password: user.password }),
      });
      expect(back.status, "the login page sends the browser back with a code").toBe(302);
      const code = new URL(back.headers.get("location") ?? "").searchParams.get("code") ?? "";
      return { clientId, code, verifier };
    },
    { box: true },
  );
}

/** The authorization_code grant of the SPA (form-encoded, as auth0-spa-js sends it). */
function exchange(ctx: FlowContext, a: Authorized, extra: Record<string, string> = {}) {
  return ctx.api.post("/oauth/token", {
    form: {
      grant_type: "authorization_code",
      client_id: a.clientId,
      code: a.code,
      redirect_uri: REDIRECT,
      code_verifier: a.verifier,
      ...extra,
    },
  });
}

/** The refresh_token grant of the SPA. */
function refresh(ctx: FlowContext, clientId: string, token: string) {
  return ctx.api.post("/oauth/token", {
    form: { grant_type: "refresh_token", client_id: clientId, refresh_token: token },
  });
}

test.describe("login surface: code and refresh grants", {
  tag: ["@op:token", "@mock-only"],
}, () => {
  // Switches mfa_on_refresh: a private mock (fixtures.ts).
  test.use({ privateMock: true });

  const codeRefusals: Array<{
    name: string;
    extra: (a: Authorized) => Record<string, string>;
    text: string;
  }> = [
    {
      name: "a wrong code_verifier (PKCE mismatch)",
      extra: (a) => ({ code_verifier: `${a.verifier}x` }),
      text: "Failed to verify code verifier",
    },
    {
      name: "no code_verifier (PKCE skipped)",
      extra: () => ({ code_verifier: "" }),
      text: "Missing required parameter: code_verifier",
    },
    {
      name: "another redirect_uri",
      extra: () => ({ redirect_uri: "http://localhost:3000/other" }),
      text: "Invalid redirect_uri",
    },
  ];
  for (const row of codeRefusals) {
    test(`authorization_code with ${row.name} is refused`, { tag: "@check:security" }, async ({
      api,
      target,
    }) => {
      const a = await authorizeCode({ api, target });
      const extra = row.extra(a);
      const form = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== ""));
      const res = await (Object.values(extra).includes("")
        ? api.post("/oauth/token", {
            form: {
              grant_type: "authorization_code",
              client_id: a.clientId,
              code: a.code,
              redirect_uri: REDIRECT,
              ...form,
            },
          })
        : exchange({ api, target }, a, extra));
      // The message names the error code only: a wrongly successful answer holds tokens, which must not
      // reach the report (redaction/leaks.ts scans it).
      const code = (res.body as { error?: string }).error ?? "no error: a token answer";
      expect(res.status, `${row.name}: ${code}`).toBeGreaterThanOrEqual(400);
      expect((res.body as { error_description?: string }).error_description).toBe(row.text);
      // Refused, the code is still good with the right verifier (the check failed before it was used).
      expect((await exchange({ api, target }, a)).status).toBe(200);
    });
  }

  test("the authorization code is single use: code reuse is refused", { tag: "@check:security" }, async ({
    api,
    target,
  }) => {
    const a = await authorizeCode({ api, target });
    const first = await exchange({ api, target }, a);
    expect(first.status).toBe(200);
    expect(first).toConform("token");
    const again = await exchange({ api, target }, a);
    expect(again).toBeError(403, "invalid_grant", "Invalid authorization code");
  });

  test("refresh tokens rotate, and a rotated-away token revokes the family", {
    tag: "@check:security",
  }, async ({ api, target }) => {
    const a = await authorizeCode({ api, target });
    const first = String((await exchange({ api, target }, a)).body.refresh_token);
    const r1 = await refresh({ api, target }, a.clientId, first);
    expect(r1.status).toBe(200);
    const second = String(r1.body.refresh_token ?? "");
    expect(second, "a rotated refresh_token").not.toBe("");
    expect(second).not.toBe(first);
    expect(await refresh({ api, target }, a.clientId, first)).toBeError(
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
    expect(await refresh({ api, target }, a.clientId, second)).toBeError(
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
  });

  test("with MFA on refresh, a refresh answers mfa_required with an mfa_token until MFA is done", {
    tag: "@check:errors",
  }, async ({ api, target }) => {
    await controlOf(target.baseURL).config.set({ mfa_on_refresh: true });
    try {
      const a = await authorizeCode({ api, target });
      const first = String((await exchange({ api, target }, a)).body.refresh_token);
      const refused = await refresh({ api, target }, a.clientId, first);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe("mfa_required");
      expect(String(refused.body.mfa_token ?? ""), "mfa_token in the mfa_required answer").not.toBe("");
      expect(refused).toConform("token");
      // MFA skipped: the consumed token is not taken again.
      expect(await refresh({ api, target }, a.clientId, first)).toBeError(
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
      );
    } finally {
      await controlOf(target.baseURL).config.set({ mfa_on_refresh: false });
    }
  });
});
