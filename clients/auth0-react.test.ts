/**
 * auth0-react (pinned; a tiny React app, clients/auth0-react-app/app.mjs, bundled here with esbuild)
 * in Debian's Chromium against the mock over TLS (docs/behaviour.md#login, #mfa-on-refresh), the same
 * flow as spa-js.test.ts through `useAuth0().mfa`: login through the mock's login page,
 * getAccessTokenSilently → mfa_required, enroll SMS (the code from the outbox), a wrong code is the
 * SDK's error, verify, refresh; a new login verified with the enrollment's recovery code; a new user
 * enrolls OTP and verifies with the code of the enrollment's secret; an expired mfa_token is the SDK's
 * error; a refresh token rotated away and put back into the SDK's localStorage cache is the SDK's
 * error, and so is the family's newest one afterwards (docs/behaviour.md#refresh-tokens). Each step
 * is recorded for the report (clients/steps.ts → reports/clients/auth0-react.json).
 * Chromium trusts the local CA as browser.ts says. Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "@playwright/test";
import { build } from "esbuild";
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

const SDK = "@auth0/auth0-react";
const VERSION = installedVersion(SDK);
const PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>auth0-react test app</title></head>' +
  '<body><div id="root"></div><script src="/app.js"></script></body></html>';

/** The flow's steps, in order: what the report lists for auth0-react. */
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
  "OTP: refresh after MFA",
  "expired mfa_token: login again, refresh → mfa_required",
  "expired mfa_token: verify is the SDK's error",
  "reused refresh token: a new user's login (localStorage cache), OTP, a refresh rotates the token",
  "reused refresh token: the rotated-away token put back is the SDK's error",
  "reused refresh token: the family's newest token is refused too (family revoked)",
  "no page error in any step",
] as const;
type StepName = (typeof PLAN)[number];

const skip = skipWithoutChromium();
const flow = new FlowRecorder({
  id: "auth0-react",
  sdk: SDK,
  flow: "useAuth0().mfa: SMS, wrong code, recovery code, OTP, expired mfa_token, reused refresh token",
  transport: "TLS (local CA)",
  plan: PLAN,
});
if (skip) flow.skip(skip);

describe(`auth0-react ${VERSION} in Chromium: login, mfa_required on refresh, useAuth0().mfa, refresh`, {
  skip,
}, () => {
  let mock: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "auth0-react-ca-"));
  const problems: string[] = [];

  before(async () => {
    flow.start();
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
    flow.setRuntime(chromiumRuntime(browser));
  });

  after(async () => {
    flow.finish();
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await mock?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** Runs the next step of the plan through the recorder. */
  function step<T>(name: StepName, fn: () => Promise<T> | T): Promise<T> {
    return flow.step(name, fn);
  }

  /** A new user of the mock; its password is a secret of the flow. */
  function newUser(): User {
    const user = mock.app.runtime.state.createUser({});
    flow.secret("password", user.password);
    return user;
  }

  /** A fresh browser context signed in as `user`, then the refresh that answers mfa_required. */
  async function signedInNeedingMfa(user: User): Promise<{ page: Page; mfaToken: string }> {
    const page = await signInAt(browser, app.origin, mock, user, problems);
    const mfaToken = await mfaRequired(page);
    flow.secret("mfa_token", mfaToken);
    return { page, mfaToken };
  }

  /** A completing grant answered access and ID tokens. */
  function assertTokens(verified: { ok: boolean; access?: boolean; id?: boolean }): void {
    assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
  }

  let smsUser: User;
  let recoveryCode = "";

  test("SMS: login, refresh → mfa_required, enroll (code from the outbox), a wrong code, verify, refresh", async () => {
    smsUser = newUser();
    const page = await step(PLAN[0], () => signInAt(browser, app.origin, mock, smsUser, problems));
    const mfaToken = await step(PLAN[1], async () => {
      const token = await mfaRequired(page);
      flow.secret("mfa_token", token);
      return token;
    });
    await step(PLAN[2], async () =>
      assert.deepEqual(await call(page, "authenticators", mfaToken), { ok: true, list: [] }),
    );
    const phone = "+15555550177";
    flow.secret("phone", phone);
    const { enrolled, code } = await step(PLAN[3], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollSms", mfaToken, phone));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = mock.app.outbox.list({ recipient: phone }).at(-1)?.code;
      flow.secret("binding_code", code);
      assert.ok(code, "the enrollment's SMS");
      return { enrolled, code };
    });
    recoveryCode = enrolled.recoveryCodes?.[0] ?? "";
    await step(PLAN[4], async () => {
      const wrong = await call(
        page,
        "verifyOob",
        mfaToken,
        enrolled.oobCode,
        code === "000000" ? "111111" : "000000",
      );
      assert.equal(wrong.ok, false, "a wrong code is the SDK's error");
      assert.equal(wrong.error, "invalid_grant", JSON.stringify(wrong));
      assert.equal(wrong.description, "Invalid binding_code.", JSON.stringify(wrong));
    });
    await step(PLAN[5], async () =>
      assertTokens(await call(page, "verifyOob", mfaToken, enrolled.oobCode, code)),
    );
    await step(PLAN[6], async () => {
      assert.deepEqual(await call(page, "refresh"), { ok: true, access: true, id: true });
      assert.equal((await call(page, "refresh")).ok, true, "and its successor");
    });
  });

  test("recovery code: a new login's refresh → mfa_required, verified with the enrollment's recovery code", async () => {
    const { page, mfaToken } = await step(PLAN[7], () => {
      assert.ok(recoveryCode, "the SMS enrollment answered a recovery code");
      return signedInNeedingMfa(smsUser);
    });
    await step(PLAN[8], async () =>
      assertTokens(await call(page, "verifyRecoveryCode", mfaToken, recoveryCode)),
    );
    await step(PLAN[9], async () => assert.equal((await call(page, "refresh")).ok, true));
  });

  let otpUser: User;
  let otpSecret = "";

  test("OTP: enroll, verify with the code of the enrollment's secret, refresh", async () => {
    otpUser = newUser();
    const { page, mfaToken } = await step(PLAN[10], () => signedInNeedingMfa(otpUser));
    await step(PLAN[11], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      assert.match(String(enrolled.secret), /^[A-Z2-7]{16,}$/, "a base32 secret");
      otpSecret = String(enrolled.secret);
    });
    await step(PLAN[12], async () => {
      const code = totpCode(otpSecret, mock.app.clock.now());
      flow.secret("otp", code);
      assertTokens(await call(page, "verifyOtp", mfaToken, code));
    });
    await step(PLAN[13], async () => assert.equal((await call(page, "refresh")).ok, true));
  });

  test("an expired mfa_token is the SDK's error", async () => {
    const { page, mfaToken } = await step(PLAN[14], () => signedInNeedingMfa(otpUser));
    await step(PLAN[15], async () => {
      // Last of the flow: the mock's clock moves past the mfa_token's lifetime.
      mock.app.clock.advance((mock.app.config().mfaTokenTtlSeconds + 1) * 1000);
      const code = totpCode(otpSecret, mock.app.clock.now());
      flow.secret("otp", code);
      const expired = await call(page, "verifyOtp", mfaToken, code);
      assert.equal(expired.ok, false, JSON.stringify(expired));
      assert.equal(expired.description, "mfa_token is expired", JSON.stringify(expired));
    });
  });

  test("reused refresh token: the rotated-away token put back into the SDK's cache is its error, and the family is revoked", async () => {
    // The SDK keeps its tokens in localStorage here (Auth0Provider's cacheLocation), where the app can
    // read and write them; in memory they stay inside the SDK's worker.
    const { page, first, newest } = await step(PLAN[16], async () => {
      const user = newUser();
      const page = await signInAt(browser, app.origin, mock, user, problems, { cache: "localstorage" });
      const mfaToken = await mfaRequired(page);
      flow.secret("mfa_token", mfaToken);
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = totpCode(String(enrolled.secret), mock.app.clock.now());
      flow.secret("otp", code);
      assertTokens(await call(page, "verifyOtp", mfaToken, code));
      const { before: first, after: newest } = await rotateCachedRefreshToken(page, flow);
      return { page, first, newest };
    });
    await step(PLAN[17], async () =>
      assertRefusedRefresh(await refreshWithCached(page, first), "the rotated-away refresh token put back"),
    );
    // The app that kept the newest token is refused as well: reuse revoked the whole family.
    await step(PLAN[18], async () =>
      assertRefusedRefresh(
        await refreshWithCached(page, newest),
        "the family's newest token after the reuse",
      ),
    );
  });

  test("no page error in any step", async () => {
    await step(PLAN[19], () => assert.deepEqual(problems, []));
  });
});
