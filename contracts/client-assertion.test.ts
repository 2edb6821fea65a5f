import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { AssertionAlg } from "../mock/tokens/client-assertion.ts";
import { AssertionVerifier } from "../mock/tokens/client-assertion.ts";
import { signClientAssertion } from "./client-assertion.ts";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs8 = pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const pkcs1 = pair.privateKey.export({ format: "pem", type: "pkcs1" }).toString();
const AUD = "https://tenant.example/";
const NOW = Date.UTC(2026, 0, 5, 10, 0);

test("assertions signed with jose pass the mock's checks, for every alg and both PEM encodings", async () => {
  const rows: Array<[AssertionAlg, string, string]> = [
    ["RS256", "PKCS#8", pkcs8],
    ["RS384", "PKCS#8", pkcs8],
    ["PS256", "PKCS#8", pkcs8],
    ["RS256", "PKCS#1 (openssl genrsa)", pkcs1],
  ];
  for (const [alg, encoding, privateKeyPem] of rows) {
    const assertion = await signClientAssertion({
      clientId: "c",
      audience: AUD,
      privateKeyPem,
      alg,
      now: NOW,
    });
    const credential = { publicKey: pair.publicKey, alg };
    const why = new AssertionVerifier().check(assertion, { clientId: "c", credential }, [AUD], NOW);
    assert.equal(why, undefined, `${alg} ${encoding}`);
  }
});

test("the claims Auth0 documents, a fresh jti each time, and overrides for negative cases", async () => {
  const o = { clientId: "c", audience: AUD, privateKeyPem: pkcs8, alg: "PS256" as const, now: NOW };
  const [one, two] = [await signClientAssertion(o), await signClientAssertion(o)];
  const claims = decodeJwt(one);
  assert.deepEqual(
    { ...claims, jti: typeof claims.jti },
    { iss: "c", sub: "c", aud: AUD, iat: NOW / 1000, exp: NOW / 1000 + 60, jti: "string" },
  );
  assert.notEqual(decodeJwt(two).jti, claims.jti);
  assert.deepEqual(decodeProtectedHeader(one), { typ: "JWT", alg: "PS256" });
  const spoiled = await signClientAssertion({
    ...o,
    claims: { aud: "https://elsewhere/" },
    header: { kid: "k" },
  });
  assert.equal(decodeJwt(spoiled).aud, "https://elsewhere/");
  assert.deepEqual(decodeProtectedHeader(spoiled), { typ: "JWT", kid: "k", alg: "PS256" });
});
