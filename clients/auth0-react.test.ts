/**
 * auth0-react (pinned; a tiny React app, clients/auth0-react-app/app.mjs, bundled here with esbuild)
 * in Debian's Chromium against the mock over TLS (docs/behaviour.md#login, #mfa-on-refresh): login
 * through the mock's login page, getAccessTokenSilently → mfa_required, `useAuth0().mfa` enrolls SMS
 * (the code from the outbox) and verifies, and the next refresh answers tokens. Chromium trusts the
 * local CA as browser.ts says. Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "@playwright/test";
import { build } from "esbuild";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { call, launchTrusting, mfaRequired, serveFiles, signIn, skipWithoutChromium } from "./browser.ts";

const root = path.resolve(import.meta.dirname, "..");
const VERSION = JSON.parse(
  readFileSync(path.join(root, "node_modules/@auth0/auth0-react/package.json"), "utf8"),
).version as string;
const PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>auth0-react test app</title></head>' +
  '<body><div id="root"></div><script src="/app.js"></script></body></html>';

describe(`auth0-react ${VERSION} in Chromium: login, mfa_required on refresh, useAuth0().mfa, refresh`, {
  skip: skipWithoutChromium(),
}, () => {
  let mock: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "auth0-react-ca-"));
  const problems: string[] = [];

  before(async () => {
    const bundle = await build({
      entryPoints: [path.join(import.meta.dirname, "auth0-react-app/app.mjs")],
      bundle: true,
      write: false,
      format: "iife",
      minify: true,
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
    });
    const js = bundle.outputFiles[0]?.text ?? "";
    mock = await startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: { mfaOnRefresh: true, signingThreads: 0, validateResponses: true },
    });
    app = await serveFiles({
      "/": { type: "text/html; charset=utf-8", body: () => PAGE },
      "/app.js": { type: "text/javascript", body: () => js },
    });
    browser = await launchTrusting([mock]);
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  test("every step passes", async () => {
    const user = mock.app.runtime.state.createUser({});
    const page = await signIn(browser, app.origin, mock, user, problems);
    const mfaToken = await mfaRequired(page);
    assert.deepEqual(await call(page, "authenticators", mfaToken), { ok: true, list: [] });
    const phone = "+15555550177";
    const enrolled = await call(page, "enrollSms", mfaToken, phone);
    assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
    const code = mock.app.outbox.list({ recipient: phone }).at(-1)?.code;
    assert.ok(code, "the enrollment's SMS");
    const verified = await call(page, "verifyOob", mfaToken, enrolled.oobCode, code);
    assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    assert.deepEqual(await call(page, "refresh"), { ok: true, access: true, id: true });
    assert.deepEqual(problems, []);
  });
});
