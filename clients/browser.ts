/**
 * What the browser SDK tests share (clients/spa-js.test.ts, clients/auth0-react.test.ts): Debian's
 * Chromium through Playwright's executablePath, made to trust the mock's local CA for real, a static
 * server for the test apps, and the steps every app takes (sign in through the mock's login page,
 * call a method of the app's `window.app`).
 *
 * Chromium trusts the mocks through `--ignore-certificate-errors-spki-list` naming the SPKI hashes of
 * the certificates they serve and of their CA (Chromium matches the chain the server sends, and the
 * mock sends its certificate alone); no other certificate error is ignored.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { findChromium, QUIET_CHROMIUM_ARGS } from "../cli/chromium.ts";
import type { MockServer } from "../mock/http/server.ts";
import type { User } from "../mock/store/records.ts";
import { chromiumTrustArgs, servedSpkiHashes } from "../mock/tls/browser-trust.ts";
import type { FlowRecorder } from "./steps.ts";

/**
 * Chromium trusting what `mocks` serve: the hashes of each one's serving certificate and its CA
 * (servedSpkiHashes, the list the package hands app tests as `spkiHashes`). The mock's own tests
 * check that this certificate is the one on the wire and that it chains to the CA.
 */
export function launchTrusting(mocks: readonly MockServer[]): Promise<Browser> {
  const hashes = mocks.flatMap((m) => {
    assert.ok(m.tls?.ca, `${m.url}: a mock serving HTTPS from its local CA`);
    return servedSpkiHashes(m.tls);
  });
  return chromium.launch({
    executablePath: findChromium(),
    // The package's chromiumTrustArgs, as an app's Playwright config uses it.
    args: [...QUIET_CHROMIUM_ARGS, ...chromiumTrustArgs(hashes)],
  });
}

/** Serves fixed files (path → content type and body) on a loopback port; the app's origin is http://localhost:<port>. */
export async function serveFiles(
  files: Record<string, { type: string; body: () => string | Buffer }>,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://localhost").pathname];
    if (file === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "content-type": file.type }).end(file.body());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { origin: `http://localhost:${port}`, server };
}

const SPA_JS_BUILD = path.resolve(
  import.meta.dirname,
  "../node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js",
);
const SPA_JS_PAGE = path.join(import.meta.dirname, "spa-js-app/index.html");

/** The spa-js test app (spa-js-app/index.html) and the SDK's UMD build, served on a loopback port. */
export function serveSpaJsApp(): Promise<{ origin: string; server: Server }> {
  return serveFiles({
    "/": { type: "text/html; charset=utf-8", body: () => readFileSync(SPA_JS_PAGE) },
    "/auth0-spa-js.production.js": { type: "text/javascript", body: () => readFileSync(SPA_JS_BUILD) },
  });
}

/** What the test apps' SDK calls answer (their `window.app` methods). */
export interface Outcome {
  ok: boolean;
  /** The SDK's error class the error is an instance of (the most specific the app checks). */
  errorClass?: string;
  error?: string;
  description?: string;
  mfa_token?: string;
  access?: boolean;
  id?: boolean;
  oobCode?: string;
  secret?: string;
  recoveryCodes?: string[];
  list?: unknown[];
}

/** Declares the secrets an SDK answer carries to a flow's recorder: masked in its messages, looked for by the leak check. */
export function declareSecrets(flow: Pick<FlowRecorder, "secret">, outcome: Outcome): Outcome {
  flow.secret("mfa_token", outcome.mfa_token);
  flow.secret("oob_code", outcome.oobCode);
  flow.secret("otp_secret", outcome.secret);
  flow.secret("recovery_code", ...(outcome.recoveryCodes ?? []));
  return outcome;
}

/** Calls a method of the test app's `window.app` (an object, or a promise of one) in the page. */
export function call(page: Page, method: string, ...args: unknown[]): Promise<Outcome> {
  return page.evaluate(
    async ([m, a]) => {
      // biome-ignore lint/suspicious/noExplicitAny: the test app's object, typed by its page
      const api = await (window as any).app;
      return api[m as string](...(a as unknown[]));
    },
    [method, args] as const,
  ) as Promise<Outcome>;
}

/**
 * A fresh browser context: the app with the mock's domain and SPA client id only, loginWithRedirect,
 * the mock's login page (fields found by their labels), back signed in as `user`. `appParams` are
 * further query parameters of the app (`cache: "localstorage"`: the SDK's `cacheLocation`).
 */
export async function signIn(
  browser: Browser,
  appOrigin: string,
  server: MockServer,
  user: User,
  problems: string[],
  appParams: Record<string, string> = {},
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const domain = new URL(server.url).host;
  const clientId = server.app.config().spaClientId;
  const query = new URLSearchParams({ domain, client_id: clientId, ...appParams });
  await page.goto(`${appOrigin}/?${query}`);
  await page.waitForFunction(() => {
    const status = document.getElementById("status")?.textContent;
    // biome-ignore lint/suspicious/noExplicitAny: the test app's object
    return status !== undefined && status !== "starting" && (window as any).app !== undefined;
  });
  void call(page, "login");
  await submitLoginPage(page, user);
  // Back at the app with the code (the URL keeps it when the callback fails), the app settles on
  // "signed in" or says what its SDK's callback threw (spa-js's app: "failed: <the SDK's error>"),
  // so a failed code exchange is this step's error at once, not a timeout.
  await page.waitForURL((url) => url.origin === appOrigin);
  await page.waitForFunction(() => document.getElementById("status")?.textContent !== "starting");
  const status = await page.locator("#status").textContent();
  assert.equal(status, "signed in", "the app after the login page (its SDK's handleRedirectCallback)");
  const profile = (await call(page, "user")) as unknown as { sub: string };
  assert.equal(profile.sub, user.id, "the ID token's user");
  return page;
}

/** On the mock's login page (the app's loginWithRedirect led there): `user`'s credentials, found by their labels, sent. */
export async function submitLoginPage(page: Page, user: User): Promise<void> {
  await page.waitForURL(/\/u\/login/);
  await page.getByLabel("Email address or username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** getTokenSilently({cacheMode: "off"}) → the SDK's mfa_required error; answers its mfa_token. */
export async function mfaRequired(page: Page): Promise<string> {
  const refused = await call(page, "refresh");
  assert.equal(refused.ok, false, JSON.stringify(refused));
  assert.equal(refused.error, "mfa_required", JSON.stringify(refused));
  assert.ok(refused.mfa_token, `an mfa_token in the SDK's error: ${JSON.stringify(refused)}`);
  return refused.mfa_token;
}

/** The key prefix of spa-js's cache entries in localStorage (its cache/shared.ts, CACHE_KEY_PREFIX). */
const CACHE_PREFIX = "@@auth0spajs@@::";

/**
 * The refresh token in the SDK's localStorage cache (`cacheLocation: "localstorage"`; spa-js's
 * cache/cache-localstorage.ts keeps `{body: {refresh_token, …}, expiresAt}` per client, audience and
 * scope), as any script of the app's origin can read it. Exactly one entry must hold one, so the
 * test knows which token it read.
 */
async function cachedRefreshToken(page: Page): Promise<string> {
  const tokens = await page.evaluate((prefix) => {
    const found: string[] = [];
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(prefix)) continue;
      const token = JSON.parse(localStorage.getItem(key) ?? "null")?.body?.refresh_token;
      if (typeof token === "string") found.push(token);
    }
    return found;
  }, CACHE_PREFIX);
  assert.equal(tokens.length, 1, `one refresh token in the SDK's localStorage cache, found ${tokens.length}`);
  return tokens[0] as string;
}

/** Writes `token` as the refresh token of the SDK's one localStorage cache entry that holds one. */
async function putCachedRefreshToken(page: Page, token: string): Promise<void> {
  const replaced = await page.evaluate(
    ([prefix, value]) => {
      let count = 0;
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith(prefix)) continue;
        const entry = JSON.parse(localStorage.getItem(key) ?? "null");
        if (typeof entry?.body?.refresh_token !== "string") continue;
        entry.body.refresh_token = value;
        localStorage.setItem(key, JSON.stringify(entry));
        count += 1;
      }
      return count;
    },
    [CACHE_PREFIX, token] as const,
  );
  assert.equal(replaced, 1, `one cache entry with a refresh token to put it in, found ${replaced}`);
}

/**
 * A refresh through the SDK that rotates the refresh token of its localStorage cache: answers the
 * token before and the one after (both declared to the flow's recorder as secrets).
 */
export async function rotateCachedRefreshToken(
  page: Page,
  flow: Pick<FlowRecorder, "secret">,
): Promise<{ before: string; after: string }> {
  const before = await cachedRefreshToken(page);
  flow.secret("refresh_token", before);
  assert.deepEqual(await call(page, "refresh"), { ok: true, access: true, id: true }, "the refresh");
  const after = await cachedRefreshToken(page);
  flow.secret("refresh_token", after);
  assert.notEqual(after, before, "the refresh rotated the SDK's stored refresh token");
  return { before, after };
}

/** Puts `token` into the SDK's localStorage cache, then getTokenSilently({cacheMode: "off"}) with it. */
export async function refreshWithCached(page: Page, token: string): Promise<Outcome> {
  await putCachedRefreshToken(page, token);
  return call(page, "refresh");
}

/**
 * A refresh refused for its refresh token, as spa-js 2.28.3 surfaces it with
 * `useRefreshTokensFallback` false (its default): http.ts throws a plain `GenericError` carrying the
 * server's `error` and `error_description` (not `MissingRefreshTokenError`, not `MfaRequiredError`),
 * and `_getTokenUsingRefreshToken` rethrows it without the iframe fallback. The answer is Auth0's to
 * a revoked or reused rotating token (docs/behaviour.md#refresh-tokens).
 */
export function assertRefusedRefresh(outcome: Outcome, what: string): void {
  const seen = JSON.stringify(outcome);
  assert.equal(outcome.ok, false, `${what}: the SDK must refuse the refresh, but it answered ${seen}`);
  assert.equal(outcome.errorClass, "GenericError", `${what}: the SDK's error class, in ${seen}`);
  assert.equal(outcome.error, "invalid_grant", `${what}: the error code, in ${seen}`);
  assert.equal(outcome.description, "Unknown or invalid refresh token.", `${what}: the text, in ${seen}`);
}
