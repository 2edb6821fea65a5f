/**
 * A single-page app's sign-in through the mock's login surface, as auth0-spa-js does it
 * (docs/behaviour.md#login, #code-grant, #refresh-tokens): `/authorize` with PKCE (S256), the login
 * page's form, the `authorization_code` grant (form-encoded) and `refresh_token` grants. Each helper
 * is a boxed step. The single-page app's client id comes from the mock's control API, so the suites
 * that sign in this way are `@mock-only`; `refresh` takes any client's fields and runs on a tenant too.
 */
import { createHash, randomBytes } from "node:crypto";
import { type ApiResponse, globalLimitWait } from "../api-client.ts";
import { expect, type FlowContext, type Target, test } from "../fixtures.ts";
import { controlOf } from "../targets/mock.ts";

/** Where the app is sent back: any loopback URL is an allowed callback by default. */
export const REDIRECT = "http://localhost:3000/callback";
/** The app's origin (a loopback origin: an allowed web origin by default, docs/behaviour.md#cors). */
export const APP_ORIGIN = new URL(REDIRECT).origin;

/** What the app asks /authorize for. */
export interface AuthorizeOptions {
  audience?: string;
  /** Default: openid profile email offline_access (a refresh token, as spa-js asks with useRefreshTokens). */
  scope?: string;
}

/** A code the login page sent back, with what the app needs to exchange it. */
export interface Authorized {
  clientId: string;
  code: string;
  verifier: string;
}

/** The single-page app's client id (no secret). */
export async function spaClientId(target: Target): Promise<string> {
  return (await controlOf(target.baseURL).config.get()).spa_client_id;
}

/** The same target as the single-page app sees it: its client id, no secret (for the MFA grants). */
export async function asSpa(target: Target): Promise<Target> {
  return { ...target, clientId: await spaClientId(target), clientSecret: undefined };
}

/**
 * A browser's request to the login surface (no redirect followed), sent again after a global 429 as
 * the API client does: the workers share one mock's global bucket, and the login pages count in it.
 */
async function browserFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  let waited = 0;
  for (;;) {
    const res = await fetch(url, { redirect: "manual", ...init });
    if (res.status !== 429) return res;
    const body = (await res
      .clone()
      .json()
      .catch(() => undefined)) as { error?: unknown } | undefined;
    const wait = globalLimitWait(res.status, body?.error, res.headers.get("x-ratelimit-reset"), waited);
    if (wait === undefined) return res;
    waited += wait;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** /authorize → the login page → the code, as a browser would (no redirect followed automatically). */
export function authorizeCode(ctx: FlowContext, opts: AuthorizeOptions = {}): Promise<Authorized> {
  return test.step(
    "sign in through /authorize and the login page",
    async () => {
      const { api, target } = ctx;
      const clientId = await spaClientId(target);
      const user = await target.createUser();
      api.secret("password", user.password);
      const verifier = randomBytes(32).toString("base64url");
      const q = new URLSearchParams({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: "code",
        scope: opts.scope ?? "openid profile email offline_access",
        state: randomBytes(8).toString("hex"),
        nonce: randomBytes(8).toString("hex"),
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
        ...(opts.audience === undefined ? {} : { audience: opts.audience }),
      });
      const start = await browserFetch(`${target.baseURL}/authorize?${q}`);
      expect(start.status, "authorize redirects to the login page").toBe(302);
      const page = await (
        await browserFetch(new URL(start.headers.get("location") ?? "", target.baseURL))
      ).text();
      expect(page, "the login page's labelled password field").toContain('<label for="password">');
      const state = /name="state" value="([^"]+)"/.exec(page)?.[1] ?? "";
      const back = await browserFetch(`${target.baseURL}/u/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ state, username: user.username, password: user.password }),
      });
      expect(back.status, "the login page sends the browser back with a code").toBe(302);
      const code = new URL(back.headers.get("location") ?? "").searchParams.get("code") ?? "";
      api.secret("secret", code);
      return { clientId, code, verifier };
    },
    { box: true },
  );
}

/** What a code exchange changes of the app's request (the negative tables' rows). */
export interface ExchangeOptions {
  /** Fields to send instead of the app's; `undefined` leaves the field out (a skipped PKCE verifier). */
  extra?: Record<string, string | undefined>;
  headers?: Record<string, string>;
}

/** The `authorization_code` grant, form-encoded as spa-js sends it; answers the raw response. */
export function exchangeCode({ api }: FlowContext, a: Authorized, opts: ExchangeOptions = {}) {
  const fields: Record<string, string | undefined> = {
    grant_type: "authorization_code",
    client_id: a.clientId,
    code: a.code,
    redirect_uri: REDIRECT,
    code_verifier: a.verifier,
    ...opts.extra,
  };
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form[name] = value;
  return api.post("/oauth/token", { headers: opts.headers ?? {}, form });
}

/** Signed in: the code exchanged; expects 200 with a refresh token. */
export function signIn(
  ctx: FlowContext,
  opts: AuthorizeOptions = {},
): Promise<{ clientId: string; tokens: ApiResponse }> {
  return test.step(
    "sign in and exchange the code",
    async () => {
      const a = await authorizeCode(ctx, opts);
      const tokens = await exchangeCode(ctx, a);
      expect(tokens.status, "authorization_code status").toBe(200);
      expect(String(tokens.body.refresh_token ?? ""), "a refresh token (offline_access)").not.toBe("");
      return { clientId: a.clientId, tokens };
    },
    { box: true },
  );
}

/**
 * The `refresh_token` grant (with `audience` or `scope` when given, or a confidential client's
 * credentials); answers the raw response.
 */
export function refresh(
  { api }: FlowContext,
  clientId: string,
  token: string,
  extra: Record<string, string> = {},
) {
  return api.post("/oauth/token", {
    form: { grant_type: "refresh_token", client_id: clientId, refresh_token: token, ...extra },
  });
}

/** The claims of a JWT the target signed (read, not verified: the suites check answers, not signatures). */
export function claimsOf(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8"));
}
