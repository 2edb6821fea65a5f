/**
 * The client side of Private Key JWT, for the mock's own tests and bench: a `client_assertion` signed
 * with the client's private key, with the claims Auth0 documents (iss and sub the client_id, aud the
 * tenant's URL with its trailing slash, a short exp, a unique jti). `claims` and `header` override or
 * add to them, and may lie (an `alg` other than the one signed with): the verifier's negative cases
 * need assertions a well-behaved library refuses to make. The suites build theirs with jose.
 */
import { constants, createPrivateKey, sign } from "node:crypto";
import { type AssertionOptions, assertionClaims } from "./client-assertion.ts";

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A compact JWS for the `client_assertion` field. */
export function signClientAssertion(o: AssertionOptions): string {
  const header = part({ alg: o.alg, typ: "JWT", ...o.header });
  const payload = part(assertionClaims(o));
  const key = createPrivateKey(o.privateKeyPem);
  const signingKey =
    o.alg === "PS256" ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key;
  const signature = sign(
    o.alg === "RS384" ? "sha384" : "sha256",
    Buffer.from(`${header}.${payload}`),
    signingKey,
  );
  return `${header}.${payload}.${signature.toString("base64url")}`;
}
