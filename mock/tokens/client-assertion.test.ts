import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { signClientAssertion } from "./assertion-signer.ts";
import type { AssertionOptions } from "./client-assertion.ts";
import {
  type AssertionAlg,
  AssertionVerifier,
  assertionCredential,
  isRsaPublicKeyPem,
} from "./client-assertion.ts";

const AUD = "https://tenant.mock.test/";
const NOW = Date.UTC(2026, 0, 1);
const clientId = "pkjwt-client";
const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKeyPem = pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const publicKeyPem = pair.publicKey.export({ format: "pem", type: "spki" }).toString();
const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  format: "pem",
  type: "pkcs8",
});

function check(alg: AssertionAlg, o: Partial<AssertionOptions> = {}, verifier = new AssertionVerifier()) {
  const assertion = signClientAssertion({ clientId, audience: AUD, privateKeyPem, alg, now: NOW, ...o });
  return verifier.check(
    assertion,
    { clientId, credential: assertionCredential(publicKeyPem, alg) },
    [AUD],
    NOW,
  );
}

describe("AssertionVerifier", () => {
  for (const alg of ["RS256", "RS384", "PS256"] as const) {
    it(`accepts a well-formed ${alg} assertion`, () => assert.equal(check(alg), undefined));
  }

  const rows: Array<{ name: string; o: Partial<AssertionOptions>; reason: RegExp }> = [
    { name: "signed with another key", o: { privateKeyPem: other.toString() }, reason: /bad signature/ },
    { name: "another alg in the header", o: { header: { alg: "RS384" } }, reason: /alg must be RS256/ },
    { name: "alg none", o: { header: { alg: "none" } }, reason: /alg must be RS256/ },
    { name: "iss of another client", o: { claims: { iss: "someone" } }, reason: /iss and sub/ },
    { name: "sub of another client", o: { claims: { sub: "someone" } }, reason: /iss and sub/ },
    { name: "aud of another tenant", o: { claims: { aud: "https://other.test/" } }, reason: /aud must be/ },
    {
      name: "aud without the trailing slash",
      o: { claims: { aud: "https://tenant.mock.test" } },
      reason: /aud/,
    },
    { name: "expired", o: { now: NOW - 120_000 }, reason: /expired/ },
    { name: "without exp", o: { claims: { exp: undefined } }, reason: /without exp/ },
    { name: "living 6 minutes", o: { lifetimeSeconds: 360 }, reason: /5 minutes/ },
    {
      name: "issued in the future",
      o: { claims: { iat: NOW / 1000 + 120, exp: NOW / 1000 + 180 } },
      reason: /iat/,
    },
    { name: "not yet valid", o: { claims: { nbf: NOW / 1000 + 120 } }, reason: /nbf/ },
    { name: "without jti", o: { claims: { jti: undefined } }, reason: /jti/ },
  ];
  for (const row of rows) {
    it(`refuses one ${row.name}`, () => assert.match(check("RS256", row.o) ?? "accepted", row.reason));
  }

  it("accepts an audience list that holds the tenant's URL", () =>
    assert.equal(check("RS256", { claims: { aud: ["https://x.test/", AUD] } }), undefined));

  it("refuses what is not a JWS", () => {
    const credential = assertionCredential(publicKeyPem, "RS256");
    for (const junk of ["", "a.b", "a.b.c.d", "!!.??.--", "e30.e30.", `${"x".repeat(10)}..`]) {
      assert.notEqual(
        new AssertionVerifier().check(junk, { clientId, credential }, [AUD], NOW),
        undefined,
        junk,
      );
    }
  });

  it("a jti is single use until its assertion expires", () => {
    const verifier = new AssertionVerifier();
    const assertion = signClientAssertion({ clientId, audience: AUD, privateKeyPem, alg: "RS256", now: NOW });
    const credential = assertionCredential(publicKeyPem, "RS256");
    assert.equal(verifier.check(assertion, { clientId, credential }, [AUD], NOW), undefined);
    assert.match(
      verifier.check(assertion, { clientId, credential }, [AUD], NOW + 1000) ?? "",
      /already used/,
    );
    verifier.clear();
    assert.equal(verifier.check(assertion, { clientId, credential }, [AUD], NOW + 1000), undefined);
  });

  it("without a configured key, the mock's own pair is made once and its private key is given out", () => {
    const a = assertionCredential("", "RS256");
    assert.match(a.privateKeyPem ?? "", /BEGIN PRIVATE KEY/);
    assert.equal(assertionCredential("", "PS256").privateKeyPem, a.privateKeyPem);
    assert.equal(assertionCredential(publicKeyPem, "RS256").privateKeyPem, undefined);
  });

  it("only RSA public keys in PEM are accepted as configuration", () => {
    assert.equal(isRsaPublicKeyPem(publicKeyPem), true);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      format: "pem",
      type: "spki",
    });
    assert.equal(isRsaPublicKeyPem(ec.toString()), false);
    assert.equal(isRsaPublicKeyPem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"), false);
  });
});
