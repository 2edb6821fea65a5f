/**
 * auth0-spa-js (the pinned UMD build, no bundler) in Debian's Chromium against the mock over TLS from
 * its local CA (docs/behaviour.md#login, #mfa-on-refresh): a static test app on another loopback
 * origin logs in through the mock's login page, a refresh answers mfa_required, the app enrolls SMS
 * through `client.mfa` (the code read from the outbox), verifies, and refreshes again.
 *
 * Chromium trusts the local CA for real: `--ignore-certificate-errors-spki-list` names the CA key's
 * SPKI hash and that of the serving certificate Node verified against the CA, nothing else, so any
 * other certificate still fails. Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { connect } from "node:tls";
import { type Browser, chromium, type Page } from "@playwright/test";

import { totpCode } from "../mock/factors/otp.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import type { User } from "../mock/store/records.ts";

const root = path.resolve(import.meta.dirname, "..");
const SDK = path.join(root, "node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js");
const PAGE = path.join(import.meta.dirname, "spa-js-app/index.html");
const SPA_VERSION = JSON.parse(
  readFileSync(path.join(root, "node_modules/@auth0/auth0-spa-js/package.json"), "utf8"),
).version as string;

/** Debian's Chromium (or `$CHROMIUM_PATH`); undefined when there is none. */
function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
    (p): p is string => Boolean(p && existsSync(p)),
  );
}

/** base64(SHA-256(SubjectPublicKeyInfo)) of a certificate: what Chromium's SPKI list takes. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/**
 * The mock's serving certificate, read over a TLS connection that verifies it against the local CA
 * (Node refuses it otherwise). Chromium checks the SPKI list against the chain the server sent, and
 * the mock sends its leaf alone, so the list names the CA's key and this verified leaf's key.
 */
function verifiedLeafPem(url: string, caPem: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: caPem, servername: hostname }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(`-----BEGIN CERTIFICATE-----\n${raw.toString("base64")}\n-----END CERTIFICATE-----\n`);
    });
    socket.on("error", reject);
  });
}

/** Serves the test app and the SDK's UMD build on a loopback port. */
async function serveApp(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/auth0-spa-js.production.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(SDK));
    } else if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(readFileSync(PAGE));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { origin: `http://localhost:${port}`, server };
}

const chromiumPath = findChromium();

/** What the test app's SDK calls answer (see spa-js-app/index.html). */
interface Outcome {
  ok: boolean;
  error?: string;
  description?: string;
  mfa_token?: string;
  access?: boolean;
  id?: boolean;
  oobCode?: string;
  secret?: string;
  recoveryCodes?: string[];
}

describe(`auth0-spa-js ${SPA_VERSION} in Chromium against the mock (docs/behaviour.md#mfa-on-refresh)`, {
  skip: chromiumPath ? false : "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)",
}, () => {
  let mock: MockServer;
  /** A mock with mfa-required-without-token: the SDK must fail at the step it breaks. */
  let deviant: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "spa-js-ca-"));
  const problems: string[] = [];

  before(async () => {
    const config = { mfaOnRefresh: true, signingThreads: 0, validateResponses: true };
    mock = await startMockServer({ port: 0, tls: { dir: tlsDir }, config });
    deviant = await startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: { ...config, validateResponses: false, faults: { deviations: ["mfa-required-without-token"] } },
    });
    app = await serveApp();
    const ca = mock.tls?.ca;
    assert.ok(ca, "the mock's own CA");
    const pems = [
      ca.certPem,
      ...(await Promise.all([mock, deviant].map((m) => verifiedLeafPem(m.url, ca.certPem)))),
    ];
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        `--ignore-certificate-errors-spki-list=${pems.map(spkiHash).join(",")}`,
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    await deviant?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** Calls a method of the test app's `window.app` in the page. */
  function call(page: Page, method: string, ...args: unknown[]): Promise<Outcome> {
    return page.evaluate(
      async ([m, a]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the test app's object, typed by its page
        const api = await (window as any).app;
        return api[m as string](...(a as unknown[]));
      },
      [method, args] as const,
    ) as Promise<Outcome>;
  }

  /** A fresh browser context: the app, loginWithRedirect, the mock's login page, back signed in. */
  async function signIn(server: MockServer, user: User): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    const domain = new URL(server.url).host;
    const clientId = server.app.config().spaClientId;
    await page.goto(`${app.origin}/?domain=${encodeURIComponent(domain)}&client_id=${clientId}`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent !== "starting");
    void call(page, "login");
    await page.waitForURL(/\/u\/login/);
    await page.getByLabel("Email address or username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${app.origin}/`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "signed in");
    const profile = (await call(page, "user")) as unknown as { sub: string };
    assert.equal(profile.sub, user.id, "the ID token's user");
    return page;
  }

  /** getTokenSilently({cacheMode: "off"}) → the SDK's mfa_required error; answers its mfa_token. */
  async function mfaRequired(page: Page): Promise<string> {
    const refused = await call(page, "refresh");
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.equal(refused.error, "mfa_required", JSON.stringify(refused));
    assert.ok(refused.mfa_token, `an mfa_token in the SDK's error: ${JSON.stringify(refused)}`);
    return refused.mfa_token;
  }

  let smsUser: User;
  let recoveryCode = "";

  test("SMS: login, refresh → mfa_required, enroll (code from the outbox), a wrong code, verify, refresh", async () => {
    smsUser = mock.app.runtime.state.createUser({});
    const page = await signIn(mock, smsUser);
    const mfaToken = await mfaRequired(page);
    assert.deepEqual(await call(page, "authenticators", mfaToken), { ok: true, list: [] });
    const phone = "+15555550123";
    const enrolled = await call(page, "enrollSms", mfaToken, phone);
    assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
    recoveryCode = enrolled.recoveryCodes?.[0] ?? "";
    const code = mock.app.outbox.list({ recipient: phone }).at(-1)?.code;
    assert.ok(code, "the enrollment's SMS");
    const wrong = await call(
      page,
      "verifyOob",
      mfaToken,
      enrolled.oobCode,
      code === "000000" ? "111111" : "000000",
    );
    assert.equal(wrong.ok, false, "a wrong code is the SDK's error");
    assert.equal(wrong.description, "Invalid binding_code.", JSON.stringify(wrong));
    const verified = await call(page, "verifyOob", mfaToken, enrolled.oobCode, code);
    assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    const again = await call(page, "refresh");
    assert.deepEqual(again, { ok: true, access: true, id: true }, "the rotated refresh token works");
    assert.equal((await call(page, "refresh")).ok, true, "and its successor");
  });

  test("recovery code: a new login's refresh → mfa_required, verified with the enrollment's recovery code", async () => {
    assert.ok(recoveryCode, "the SMS enrollment answered a recovery code");
    const page = await signIn(mock, smsUser);
    const mfaToken = await mfaRequired(page);
    const verified = await call(page, "verifyRecoveryCode", mfaToken, recoveryCode);
    assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    assert.equal((await call(page, "refresh")).ok, true);
  });

  test("OTP: enroll, verify with the code of the enrollment's secret; an expired mfa_token is the SDK's error", async () => {
    const user = mock.app.runtime.state.createUser({});
    const page = await signIn(mock, user);
    const mfaToken = await mfaRequired(page);
    const enrolled = await call(page, "enrollOtp", mfaToken);
    assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
    const code = totpCode(String(enrolled.secret), mock.app.clock.now());
    const verified = await call(page, "verifyOtp", mfaToken, code);
    assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));

    const later = await signIn(mock, user);
    const stale = await mfaRequired(later);
    mock.app.clock.advance((mock.app.config().mfaTokenTtlSeconds + 1) * 1000);
    const expired = await call(
      later,
      "verifyOtp",
      stale,
      totpCode(String(enrolled.secret), mock.app.clock.now()),
    );
    assert.equal(expired.ok, false, JSON.stringify(expired));
    assert.equal(expired.description, "mfa_token is expired", JSON.stringify(expired));
  });

  test("mfa-required-without-token: the SDK fails at the mfa_required step (no mfa_token to continue with)", async () => {
    const user = deviant.app.runtime.state.createUser({});
    const page = await signIn(deviant, user);
    const refused = await call(page, "refresh");
    assert.equal(refused.error, "mfa_required");
    assert.equal(refused.mfa_token, undefined, "the step the deviation breaks");
  });

  test("no page error in any step", () => {
    assert.deepEqual(problems, []);
  });
});
