/**
 * auth0-spa-js (the pinned UMD build, no bundler) in Debian's Chromium against the mock over TLS from
 * its local CA (docs/behaviour.md#login, #mfa-on-refresh): a static test app on another loopback
 * origin goes through the browser flow of browser-flow.ts with `client.mfa`, then its own step:
 * Chromium refuses a mock whose certificate comes from another CA. Each step is recorded for the
 * report (clients/steps.ts → reports/clients/auth0-spa-js.json). What each deviation of the login
 * surface makes the SDK do is deviations.test.ts's.
 *
 * Chromium trusts the local CA for real (browser.ts: `--ignore-certificate-errors-spki-list` with the
 * hashes of the certificates the mocks serve). Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "@playwright/test";
import { skipWithoutChromium } from "../cli/chromium.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { launchTrusting, serveSpaJsApp } from "./browser.ts";
import { BROWSER_FLOW_MOCK, browserFlowPlan, browserFlowTests } from "./browser-flow.ts";
import { chromiumRuntime, FlowRecorder, installedVersion } from "./steps.ts";

const SPA_VERSION = installedVersion("@auth0/auth0-spa-js");

/** The steps only this flow takes, after the shared ones. */
const OWN = ["Chromium refuses a certificate from another CA"] as const;
const flow = new FlowRecorder({
  id: "auth0-spa-js",
  sdk: "@auth0/auth0-spa-js",
  flow: "client.mfa: SMS, wrong code, recovery code, OTP, expired mfa_token, reused refresh token",
  transport: "TLS (local CA)",
  plan: browserFlowPlan(OWN),
});
const skip = skipWithoutChromium();
if (skip) flow.skip(skip);

describe(`auth0-spa-js ${SPA_VERSION} in Chromium against the mock (docs/behaviour.md#mfa-on-refresh)`, {
  skip,
}, () => {
  let mock: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "spa-js-ca-"));
  const problems: string[] = [];

  before(async () => {
    flow.start();
    mock = await startMockServer({ port: 0, tls: { dir: tlsDir }, config: BROWSER_FLOW_MOCK });
    app = await serveSpaJsApp();
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

  browserFlowTests({
    flow,
    target: () => ({ mock, browser, appOrigin: app.origin }),
    problems,
    own: () => {
      test("Chromium trusts only the local CA: a mock with a certificate from another CA is refused", async () => {
        await flow.step(OWN[0], async () => {
          const otherDir = mkdtempSync(path.join(tmpdir(), "spa-js-other-ca-"));
          const other = await startMockServer({
            port: 0,
            tls: { dir: otherDir },
            config: { signingThreads: 0 },
          });
          try {
            const page = await (await browser.newContext()).newPage();
            await assert.rejects(page.goto(`${other.url}/.well-known/jwks.json`), /ERR_CERT/);
          } finally {
            await other.close();
            rmSync(otherDir, { recursive: true, force: true });
          }
        });
      });
    },
  });
});
