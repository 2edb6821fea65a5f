/**
 * The grant types of `POST /oauth/token`, each written once: the mock's token endpoint and discovery
 * document, the suites, the k6 client, the benches and the mock's tests take them from here.
 * `grant-types.test.ts` checks the table against the description (the generated `grant_type`
 * discriminator values), so a grant added to or renamed in `auth0-mfa.yaml` fails there first.
 * No imports: k6 bundles take it as it is.
 */

/** Every grant type the mock serves, by name; the order is the discovery document's. */
export const GRANT = {
  password: "password",
  passwordRealm: "http://auth0.com/oauth/grant-type/password-realm",
  mfaOob: "http://auth0.com/oauth/grant-type/mfa-oob",
  mfaOtp: "http://auth0.com/oauth/grant-type/mfa-otp",
  mfaRecoveryCode: "http://auth0.com/oauth/grant-type/mfa-recovery-code",
  /** The login surface's grants (docs/behaviour.md#code-grant, #refresh-tokens). */
  authorizationCode: "authorization_code",
  refreshToken: "refresh_token",
  /** The Management API's token (client credentials): served by the mock, not part of the MFA description. */
  clientCredentials: "client_credentials",
} as const;

/** One of the grant type strings of GRANT. */
export type GrantType = (typeof GRANT)[keyof typeof GRANT];
