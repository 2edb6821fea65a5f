import { startMock } from "auth0-mfa-mock";

/** Starts the Auth0 MFA mock for the whole run; tests (and an app started after it) find it in the environment. */
export default async function globalSetup() {
  const mock = await startMock({ tls: true, profile: "essentials", seed: 42 });
  process.env.AUTH0_MOCK_URL = mock.url; // also where the control API is: /__mock
  process.env.AUTH0_DOMAIN = mock.domain; // what an Auth0 SDK takes: localhost:<port>
  process.env.AUTH0_CLIENT_ID = mock.clientId;
  process.env.AUTH0_CLIENT_SECRET = mock.clientSecret;
  // Workers start after this, so they (and the Auth0 SDKs in them) trust the mock's certificate.
  if (mock.caPath) process.env.NODE_EXTRA_CA_CERTS = mock.caPath;
  return () => mock.close();
}
