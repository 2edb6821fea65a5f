/**
 * auth0-spa-js (the pinned UMD build, no bundler) in Debian's Chromium against the mock over TLS from
 * its local CA (docs/behaviour.md#login, #mfa-on-refresh): a static test app on another loopback
 * origin logs in through the mock's login page, a refresh answers mfa_required, the app enrolls SMS
 * through `client.mfa` (the code read from the outbox), verifies, and refreshes again.
 *
 * Chromium trusts the local CA for real (browser.ts: `--ignore-certificate-errors-spki-list` with the
 * CA key's hash and the verified serving certificates'). Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "@playwright/test";

import { totpCode } from "../mock/factors/otp.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import type { User } from "../mock/store/records.ts";
import {
  call,
  launchTrusting,
  mfaRequired,
  serveFiles,
  signIn as signInAt,
  skipWithoutChromium,
} from "./browser.ts";

const root = path.resolve(import.meta.dirname, "..");
const SDK = path.join(root, "node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js");
const PAGE = path.join(import.meta.dirname, "spa-js-app/index.html");
const SPA_VERSION = JSON.parse(
  readFileSync(path.join(root, "node_modules/@auth0/auth0-spa-js/package.json"), "utf8"),
).version as string;

/** Serves the test app and the SDK's UMD build on a loopback port. */
function serveApp() {
  return serveFiles({
    "/": { type: "text/html; charset=utf-8", body: () => readFileSync(PAGE) },
    "/auth0-spa-js.production.js": { type: "text/javascript", body: () => readFileSync(SDK) },
  });
}

describe(`auth0-spa-js ${SPA_VERSION} in Chromium against the mock (docs/behaviour.md#mfa-on-refresh)`, {
  skip: skipWithoutChromium(),
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
    browser = await launchTrusting([mock, deviant]);
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    await deviant?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** A fresh browser context signed in to `server` as `user` (browser.ts). */
  function signIn(server: MockServer, user: User) {
    return signInAt(browser, app.origin, server, user, problems);
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

  test("Chromium trusts only the local CA: a mock with a certificate from another CA is refused", async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), "spa-js-other-ca-"));
    const other = await startMockServer({ port: 0, tls: { dir: otherDir }, config: { signingThreads: 0 } });
    try {
      const page = await (await browser.newContext()).newPage();
      await assert.rejects(page.goto(`${other.url}/.well-known/jwks.json`), /ERR_CERT/);
    } finally {
      await other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test("no page error in any step", () => {
    assert.deepEqual(problems, []);
  });
});
