/**
 * auth0-spa-js (the pinned UMD build, no bundler) in Debian's Chromium against the mock over TLS from
 * its local CA (docs/behaviour.md#login, #mfa-on-refresh): a static test app on another loopback
 * origin logs in through the mock's login page, a refresh answers mfa_required, the app enrolls SMS
 * through `client.mfa` (the code read from the outbox), verifies, and refreshes again. A refresh token
 * rotated away and put back into the SDK's localStorage cache is refused with the SDK's own error, and
 * so is the family's newest one afterwards (docs/behaviour.md#refresh-tokens). Each step is recorded
 * for the report (clients/steps.ts → reports/clients/auth0-spa-js.json).
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
import type { Browser, Page } from "@playwright/test";
import { skipWithoutChromium } from "../cli/chromium.ts";
import { totpCode } from "../mock/factors/otp.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import type { User } from "../mock/store/records.ts";
import {
  assertRefusedRefresh,
  call,
  declareSecrets,
  launchTrusting,
  mfaRequired,
  refreshWithCached,
  rotateCachedRefreshToken,
  serveFiles,
  signIn as signInAt,
} from "./browser.ts";
import { chromiumRuntime, FlowRecorder, installedVersion } from "./steps.ts";

const root = path.resolve(import.meta.dirname, "..");
const SDK = path.join(root, "node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js");
const PAGE = path.join(import.meta.dirname, "spa-js-app/index.html");
const SPA_VERSION = installedVersion("@auth0/auth0-spa-js");

/** The flow's steps, in order: what the report lists for auth0-spa-js. */
const PLAN = [
  "SMS: login through the mock's login page",
  "SMS: refresh → mfa_required",
  "SMS: list authenticators (none yet)",
  "SMS: enroll (code from the outbox)",
  "SMS: a wrong code is the SDK's error",
  "SMS: verify the code",
  "SMS: refresh after MFA (rotated refresh token)",
  "recovery code: login again, refresh → mfa_required",
  "recovery code: verify with the enrollment's recovery code",
  "recovery code: refresh after MFA",
  "OTP: a new user's login, refresh → mfa_required",
  "OTP: enroll",
  "OTP: verify the code of the enrollment's secret",
  "expired mfa_token: login again, refresh → mfa_required",
  "expired mfa_token: verify is the SDK's error",
  "reused refresh token: a new user's login (localStorage cache), OTP, a refresh rotates the token",
  "reused refresh token: the rotated-away token put back is the SDK's error",
  "reused refresh token: the family's newest token is refused too (family revoked)",
  "mfa-required-without-token: the SDK stops at mfa_required",
  "Chromium refuses a certificate from another CA",
  "no page error in any step",
] as const;
const flow = new FlowRecorder({
  id: "auth0-spa-js",
  sdk: "@auth0/auth0-spa-js",
  flow: "client.mfa: SMS, wrong code, recovery code, OTP, expired mfa_token, reused refresh token, a deviation",
  transport: "TLS (local CA)",
  plan: PLAN,
});
const skip = skipWithoutChromium();
if (skip) flow.skip(skip);

/** Serves the test app and the SDK's UMD build on a loopback port. */
function serveApp() {
  return serveFiles({
    "/": { type: "text/html; charset=utf-8", body: () => readFileSync(PAGE) },
    "/auth0-spa-js.production.js": { type: "text/javascript", body: () => readFileSync(SDK) },
  });
}

describe(`auth0-spa-js ${SPA_VERSION} in Chromium against the mock (docs/behaviour.md#mfa-on-refresh)`, {
  skip,
}, () => {
  let mock: MockServer;
  /** A mock with mfa-required-without-token: the SDK must fail at the step it breaks. */
  let deviant: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "spa-js-ca-"));
  const problems: string[] = [];

  before(async () => {
    flow.start();
    const config = { mfaOnRefresh: true, signingThreads: 0, validateResponses: true };
    mock = await startMockServer({ port: 0, tls: { dir: tlsDir }, config });
    deviant = await startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: { ...config, validateResponses: false, faults: { deviations: ["mfa-required-without-token"] } },
    });
    app = await serveApp();
    browser = await launchTrusting([mock, deviant]);
    flow.setRuntime(chromiumRuntime(browser));
  });

  after(async () => {
    flow.finish();
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    await deviant?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** A fresh browser context signed in to `server` as `user` (browser.ts); the password is the flow's secret. */
  function signIn(server: MockServer, user: User, appParams: Record<string, string> = {}) {
    flow.secret("password", user.password);
    return signInAt(browser, app.origin, server, user, problems, appParams);
  }

  /** The refresh that answers mfa_required; its mfa_token is the flow's secret. */
  async function needingMfa(page: Page): Promise<string> {
    const mfaToken = await mfaRequired(page);
    flow.secret("mfa_token", mfaToken);
    return mfaToken;
  }

  let smsUser: User;
  let recoveryCode = "";

  test("SMS: login, refresh → mfa_required, enroll (code from the outbox), a wrong code, verify, refresh", async () => {
    smsUser = mock.app.runtime.state.createUser({});
    const page = await flow.step(PLAN[0], () => signIn(mock, smsUser));
    const mfaToken = await flow.step(PLAN[1], () => needingMfa(page));
    await flow.step(PLAN[2], async () =>
      assert.deepEqual(await call(page, "authenticators", mfaToken), { ok: true, list: [] }),
    );
    const phone = "+15555550123";
    flow.secret("phone", phone);
    const { enrolled, code } = await flow.step(PLAN[3], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollSms", mfaToken, phone));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = mock.app.outbox.list({ recipient: phone }).at(-1)?.code;
      flow.secret("binding_code", code);
      assert.ok(code, "the enrollment's SMS");
      return { enrolled, code };
    });
    recoveryCode = enrolled.recoveryCodes?.[0] ?? "";
    await flow.step(PLAN[4], async () => {
      const wrong = await call(
        page,
        "verifyOob",
        mfaToken,
        enrolled.oobCode,
        code === "000000" ? "111111" : "000000",
      );
      assert.equal(wrong.ok, false, "a wrong code is the SDK's error");
      assert.equal(wrong.description, "Invalid binding_code.", JSON.stringify(wrong));
    });
    await flow.step(PLAN[5], async () => {
      const verified = await call(page, "verifyOob", mfaToken, enrolled.oobCode, code);
      assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    });
    await flow.step(PLAN[6], async () => {
      const again = await call(page, "refresh");
      assert.deepEqual(again, { ok: true, access: true, id: true }, "the rotated refresh token works");
      assert.equal((await call(page, "refresh")).ok, true, "and its successor");
    });
  });

  test("recovery code: a new login's refresh → mfa_required, verified with the enrollment's recovery code", async () => {
    const { page, mfaToken } = await flow.step(PLAN[7], async () => {
      assert.ok(recoveryCode, "the SMS enrollment answered a recovery code");
      const page = await signIn(mock, smsUser);
      return { page, mfaToken: await needingMfa(page) };
    });
    await flow.step(PLAN[8], async () => {
      const verified = await call(page, "verifyRecoveryCode", mfaToken, recoveryCode);
      assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    });
    await flow.step(PLAN[9], async () => assert.equal((await call(page, "refresh")).ok, true));
  });

  test("OTP: enroll, verify with the code of the enrollment's secret; an expired mfa_token is the SDK's error", async () => {
    const user = mock.app.runtime.state.createUser({});
    const { page, mfaToken } = await flow.step(PLAN[10], async () => {
      const page = await signIn(mock, user);
      return { page, mfaToken: await needingMfa(page) };
    });
    const enrolled = await flow.step(PLAN[11], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      return enrolled;
    });
    await flow.step(PLAN[12], async () => {
      const code = totpCode(String(enrolled.secret), mock.app.clock.now());
      flow.secret("otp", code);
      const verified = await call(page, "verifyOtp", mfaToken, code);
      assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
    });

    const { later, stale } = await flow.step(PLAN[13], async () => {
      const later = await signIn(mock, user);
      return { later, stale: await needingMfa(later) };
    });
    await flow.step(PLAN[14], async () => {
      mock.app.clock.advance((mock.app.config().mfaTokenTtlSeconds + 1) * 1000);
      const code = totpCode(String(enrolled.secret), mock.app.clock.now());
      flow.secret("otp", code);
      const expired = await call(later, "verifyOtp", stale, code);
      assert.equal(expired.ok, false, JSON.stringify(expired));
      assert.equal(expired.description, "mfa_token is expired", JSON.stringify(expired));
    });
  });

  test("reused refresh token: the rotated-away token put back into the SDK's cache is its error, and the family is revoked", async () => {
    // The SDK keeps its tokens in localStorage here, where the app (or anything running in its origin)
    // can read and write them; in memory they stay inside the SDK's worker.
    const { page, first, newest } = await flow.step(PLAN[15], async () => {
      const user = mock.app.runtime.state.createUser({});
      const page = await signIn(mock, user, { cache: "localstorage" });
      const mfaToken = await needingMfa(page);
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = totpCode(String(enrolled.secret), mock.app.clock.now());
      flow.secret("otp", code);
      const verified = await call(page, "verifyOtp", mfaToken, code);
      assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
      const { before: first, after: newest } = await rotateCachedRefreshToken(page, flow);
      return { page, first, newest };
    });
    await flow.step(PLAN[16], async () =>
      assertRefusedRefresh(await refreshWithCached(page, first), "the rotated-away refresh token put back"),
    );
    // The app that kept the newest token is refused as well: reuse revoked the whole family.
    await flow.step(PLAN[17], async () =>
      assertRefusedRefresh(
        await refreshWithCached(page, newest),
        "the family's newest token after the reuse",
      ),
    );
  });

  test("mfa-required-without-token: the SDK fails at the mfa_required step (no mfa_token to continue with)", async () => {
    await flow.step(PLAN[18], async () => {
      const user = deviant.app.runtime.state.createUser({});
      const page = await signIn(deviant, user);
      const refused = declareSecrets(flow, await call(page, "refresh"));
      assert.equal(refused.error, "mfa_required");
      assert.equal(refused.mfa_token, undefined, "the step the deviation breaks");
    });
  });

  test("Chromium trusts only the local CA: a mock with a certificate from another CA is refused", async () => {
    await flow.step(PLAN[19], async () => {
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
  });

  test("no page error in any step", async () => {
    await flow.step(PLAN[20], () => assert.deepEqual(problems, []));
  });
});
