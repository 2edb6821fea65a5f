/**
 * The client side of Private Key JWT: a `client_assertion` signed with the client's private key, with
 * the claims Auth0 documents (iss and sub the client_id, aud the tenant's URL with its trailing slash,
 * a short exp, a unique jti). Signed with jose, so the suites do not share the mock's JWS code; an
 * assertion that lies about its alg is the mock's own signer's job (mock/tokens/assertion-signer.ts).
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { type AssertionOptions, assertionClaims } from "../mock/tokens/client-assertion.ts";

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
  return new SignJWT(assertionClaims(o))
    .setProtectedHeader({ typ: "JWT", ...o.header, alg: o.alg })
    .sign(privateKey(o.privateKeyPem));
}
