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
import { type MockServer, startMockServer } from "../mock/http/server.ts";

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

describe(`auth0-spa-js ${SPA_VERSION} in Chromium: login, mfa_required on refresh, SMS, refresh`, {
  skip: chromiumPath ? false : "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)",
}, () => {
  let mock: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  let page: Page;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "spa-js-ca-"));
  const problems: string[] = [];

  before(async () => {
    mock = await startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: { mfaOnRefresh: true, signingThreads: 0, validateResponses: true },
    });
    app = await serveApp();
    const ca = mock.tls?.ca;
    assert.ok(ca, "the mock's own CA");
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        `--ignore-certificate-errors-spki-list=${[ca.certPem, await verifiedLeafPem(mock.url, ca.certPem)].map(spkiHash).join(",")}`,
      ],
    });
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** Calls a method of the test app's `window.app` in the page. */
  function call<T>(method: string, ...args: unknown[]): Promise<T> {
    return page.evaluate(
      async ([m, a]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the test app's object, typed by its page
        const api = await (window as any).app;
        return api[m as string](...(a as unknown[]));
      },
      [method, args] as const,
    ) as Promise<T>;
  }

  test("every step passes", async (t) => {
    // The user is created in process: the test's node does not trust the local CA.
    const created = mock.app.runtime.state.createUser({});
    const domain = new URL(mock.url).host;
    const clientId = mock.app.config().spaClientId;

    await t.test("login through the mock's login page", async () => {
      await page.goto(`${app.origin}/?domain=${encodeURIComponent(domain)}&client_id=${clientId}`);
      await page.waitForFunction(() => document.getElementById("status")?.textContent !== "starting");
      void call("login");
      await page.waitForURL(/\/u\/login/);
      await page.getByLabel("Email address or username").fill(created.username);
      await page.getByLabel("Password").fill(created.password);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL(`${app.origin}/`);
      await page.waitForFunction(() => document.getElementById("status")?.textContent === "signed in");
      const profile = await call<{ sub: string }>("user");
      assert.equal(profile.sub, created.id);
    });

    let mfaToken = "";
    await t.test("refresh → mfa_required with an mfa_token", async () => {
      const refused = await call<{ ok: boolean; error: string; mfa_token: string; name: string }>("refresh");
      assert.equal(refused.ok, false);
      assert.equal(refused.error, "mfa_required", JSON.stringify(refused));
      assert.ok(refused.mfa_token);
      mfaToken = refused.mfa_token;
      const list = await call<{ ok: boolean; list: unknown[] }>("authenticators", mfaToken);
      assert.deepEqual(list, { ok: true, list: [] });
    });

    await t.test("enroll SMS and verify with the code from the outbox", async () => {
      const phone = "+15555550123";
      const enrolled = await call<{ ok: boolean; oobCode: string }>("enrollSms", mfaToken, phone);
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = mock.app.outbox.list({ recipient: phone }).at(-1)?.code;
      assert.ok(code, "the enrollment's SMS");
      const wrong = await call<{ ok: boolean; error: string }>(
        "verifyOob",
        mfaToken,
        enrolled.oobCode,
        "000000",
      );
      assert.equal(wrong.ok, false, "a wrong code is the SDK's error");
      const verified = await call<{ ok: boolean; access: boolean; id: boolean }>(
        "verifyOob",
        mfaToken,
        enrolled.oobCode,
        code,
      );
      assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    });

    await t.test("refresh again: tokens, with the rotated refresh token", async () => {
      const again = await call<{ ok: boolean }>("refresh");
      assert.deepEqual(again, { ok: true, access: true, id: true }, JSON.stringify(again));
      const twice = await call<{ ok: boolean }>("refresh");
      assert.equal(twice.ok, true, JSON.stringify(twice));
    });

    assert.deepEqual(problems, []);
  });
});
