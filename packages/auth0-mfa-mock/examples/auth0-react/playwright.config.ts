import { defineConfig } from "@playwright/test";
import { chromiumTrustArgs } from "auth0-mfa-mock";

// Where the mock and the app listen: yours to choose (CI may move them).
const mockPort = Number(process.env.AUTH0_MOCK_PORT ?? 4443);
const appPort = Number(process.env.APP_PORT ?? 5173);

export default defineConfig({
  testDir: ".",
  globalSetup: "./global-setup.ts",
  workers: 1,
  reporter: "list",
  webServer: {
    // The app's dev server, given what the app takes from its environment against a tenant: the
    // domain (here the mock's) and the SPA's client id. global-setup.ts starts the mock to match.
    command: "node dev-server.mjs",
    url: `http://localhost:${appPort}/`,
    env: { PORT: String(appPort), AUTH0_DOMAIN: `localhost:${mockPort}`, AUTH0_CLIENT_ID: "payments-spa" },
  },
  use: {
    baseURL: `http://localhost:${appPort}`,
    launchOptions: {
      // A system Chromium (Debian's: CHROMIUM_PATH=/usr/bin/chromium); unset, Playwright's own
      // (npx playwright install chromium).
      executablePath: process.env.CHROMIUM_PATH || undefined,
      // Chromium trusts the mock's certificate and ignores no other certificate error. global-setup.ts
      // sets AUTH0_MOCK_SPKI before the workers start, and each worker reads this file again.
      args: chromiumTrustArgs(process.env.AUTH0_MOCK_SPKI?.split(",") ?? []),
    },
  },
});
