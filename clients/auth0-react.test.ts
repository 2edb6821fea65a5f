/**
 * auth0-react (pinned; a tiny React app, clients/auth0-react-app/app.mjs, bundled here with esbuild)
 * in Debian's Chromium against the mock over TLS (docs/behaviour.md#login, #mfa-on-refresh): the
 * browser flow of browser-flow.ts, the same as spa-js.test.ts's, through `useAuth0().mfa` and
 * getAccessTokenSilently. Each step is recorded for the report (clients/steps.ts →
 * reports/clients/auth0-react.json). Chromium trusts the local CA as browser.ts says. Skipped, with
 * the reason, without Chromium.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser } from "@playwright/test";
import { build } from "esbuild";
import { skipWithoutChromium } from "../cli/chromium.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { launchTrusting, serveFiles } from "./browser.ts";
import { BROWSER_FLOW_MOCK, browserFlowPlan, browserFlowTests } from "./browser-flow.ts";
import { chromiumRuntime, FlowRecorder, installedVersion } from "./steps.ts";

const SDK = "@auth0/auth0-react";
const VERSION = installedVersion(SDK);
const PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>auth0-react test app</title></head>' +
  '<body><div id="root"></div><script src="/app.js"></script></body></html>';

const skip = skipWithoutChromium();
const flow = new FlowRecorder({
  id: "auth0-react",
  sdk: SDK,
  flow: "useAuth0().mfa: SMS, wrong code, recovery code, OTP, expired mfa_token, reused refresh token",
  transport: "TLS (local CA)",
  plan: browserFlowPlan(),
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
    mock = await startMockServer({ port: 0, tls: { dir: tlsDir }, config: BROWSER_FLOW_MOCK });
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

  browserFlowTests({ flow, target: () => ({ mock, browser, appOrigin: app.origin }), problems });
});
