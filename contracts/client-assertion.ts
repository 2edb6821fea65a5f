/**
 * The client side of Private Key JWT: a `client_assertion` signed with the client's private key, with
 * the claims Auth0 documents (iss and sub the client_id, aud the tenant's URL with its trailing slash,
 * a short exp, a unique jti). Signed with jose, so the suites do not share the mock's JWS code; an
 * assertion that lies about its alg is the mock's own signer's job (mock/assertion-signer.ts).
 */
import { createPrivateKey, type KeyObject, randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export type AssertionAlg = "RS256" | "RS384" | "PS256";

export interface AssertionOptions {
  clientId: string;
  /** The tenant's URL with its trailing slash, e.g. `https://tenant.auth0.com/`. */
  audience: string;
  privateKeyPem: string;
  alg: AssertionAlg;
  /** Epoch ms (default: now). */
  now?: number;
  lifetimeSeconds?: number;
  /** Override or add claims, for negative cases. */
  claims?: Record<string, unknown>;
  /** Add header parameters (the `alg` stays the one the key signs with). */
  header?: Record<string, unknown>;
}

// A key is parsed once per PEM: a flow signs a fresh assertion for every request.
const keys = new Map<string, KeyObject>();

/**
 * The private key as jose takes it in Node. Parsed by node:crypto rather than jose's importPKCS8:
 * a tenant's AUTH0_PRIVATE_KEY_JWT_KEY may be a PKCS#1 PEM (`openssl genrsa`), which that refuses.
 */
function privateKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (key === undefined) {
    key = createPrivateKey(pem);
    keys.set(pem, key);
  }
  return key;
}

/** A compact JWS for the `client_assertion` field. */
export function signClientAssertion(o: AssertionOptions): Promise<string> {
  const iat = Math.floor((o.now ?? Date.now()) / 1000);
  return new SignJWT({
    iss: o.clientId,
    sub: o.clientId,
    aud: o.audience,
    iat,
    exp: iat + (o.lifetimeSeconds ?? 60),
    jti: randomUUID(),
    ...o.claims,
  })
    .setProtectedHeader({ typ: "JWT", ...o.header, alg: o.alg })
    .sign(privateKey(o.privateKeyPem));
}
