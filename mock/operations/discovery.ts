/**
 * OpenID discovery and JWKS, so that Auth0's SDKs work against the mock with only the base URL
 * changed: they read the endpoints from here and verify the mock's RS256 tokens with its keys.
 */
import { GRANT } from "../../openapi/grant-types.ts";
import type { Runtime } from "../runtime.ts";

/**
 * The discovery document. Every endpoint is on the issuer, as on a tenant (docs/behaviour.md#issuer):
 * an SDK that fetched this from https://<domain>/ must find the token endpoint there too, not on the
 * address the mock happens to listen on behind a proxy.
 */
export function openidConfiguration(rt: Runtime): Record<string, unknown> {
  const issuer = rt.config.issuer;
  const base = issuer.endsWith("/") ? issuer : `${issuer}/`;
  // Only what the mock serves is advertised; response_types_supported lists Auth0's, as OpenID
  // discovery requires the field.
  return {
    issuer,
    authorization_endpoint: `${base}authorize`,
    token_endpoint: `${base}oauth/token`,
    userinfo_endpoint: `${base}userinfo`,
    mfa_challenge_endpoint: `${base}mfa/challenge`,
    jwks_uri: `${base}.well-known/jwks.json`,
    response_types_supported: ["code", "token", "id_token", "code id_token", "code token", "token id_token"],
    // The login surface (docs/behaviour.md#login): PKCE with S256 only, and the response modes it answers in.
    code_challenge_methods_supported: ["S256"],
    response_modes_supported: ["query", "fragment", "web_message"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    grant_types_supported: Object.values(GRANT),
    scopes_supported: [
      "openid",
      "profile",
      "email",
      "offline_access",
      "enroll",
      "read:authenticators",
      "remove:authenticators",
    ],
    claims_supported: ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "nickname", "sub"],
  };
}

/** The public keys the mock signs with. */
export function jwks(rt: Runtime): { keys: object[] } {
  return rt.signer.jwks();
}
