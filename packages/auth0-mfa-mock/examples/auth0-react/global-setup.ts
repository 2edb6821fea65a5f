import type { FullConfig } from "@playwright/test";
import { startMock } from "auth0-mfa-mock";

/** Starts the mock where the app's environment points it (webServer.env in playwright.config.ts). */
export default async function globalSetup(config: FullConfig) {
  const app = config.webServer?.env ?? {};
  const mock = await startMock({
    port: Number(new URL(`https://${app.AUTH0_DOMAIN}`).port),
    tls: true, // Auth0's SDKs call https://<domain>/ only
    spaClientId: app.AUTH0_CLIENT_ID,
    // As a post-login Action that requires MFA on refresh: the app's next fresh token needs MFA.
    mfaOnRefresh: true,
  });
  process.env.AUTH0_MOCK_URL = mock.url; // the control API (/__mock), for the tests
  process.env.AUTH0_MOCK_SPKI = mock.spkiHashes.join(","); // the keys Chromium trusts
  if (mock.caPath) process.env.NODE_EXTRA_CA_CERTS = mock.caPath; // the workers' control calls trust it
  return () => mock.close();
}
