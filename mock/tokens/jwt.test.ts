import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { describe, it } from "node:test";
import { TokenSigner } from "./jwt.ts";

const ISSUER = "https://tenant.example.com/";
const NOW = 1_700_000_000_000;
const signer = new TokenSigner({ issuer: ISSUER });

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
}

describe("TokenSigner", () => {
  it("signs RS256 with kid, iss, iat and exp; verify answers the claims", () => {
    const token = signer.sign({ sub: "auth0|1", aud: "api", scope: "openid" }, 600, NOW + 999);
    const [header, payload] = token.split(".");
    assert.deepEqual(decode(header), {
      alg: "RS256",
      typ: "JWT",
      kid: signer.jwks().keys[0]?.["kid" as never],
    });
    const claims = {
      sub: "auth0|1",
      aud: "api",
      scope: "openid",
      iss: ISSUER,
      iat: 1_700_000_000,
      exp: 1_700_000_600,
    };
    assert.deepEqual(decode(payload), claims);
    assert.deepEqual(signer.verify(token, NOW), claims);
  });

  it("claims cannot override iss, iat or exp", () => {
    const token = signer.sign({ iss: "https://evil/", iat: 1, exp: 9_999_999_999 }, 60, NOW);
    assert.deepEqual(decode(token.split(".")[1]), { iss: ISSUER, iat: 1_700_000_000, exp: 1_700_000_060 });
  });

  it("expires at exp: valid 1 ms before, null at and after", () => {
    const token = signer.sign({ sub: "u" }, 600, NOW);
    assert.notEqual(signer.verify(token, NOW + 600_000 - 1), null);
    assert.equal(signer.verify(token, NOW + 600_000), null);
    assert.equal(signer.verify(token, NOW + 86_400_000), null);
  });

  it("JWKS publishes the key with kty, alg, use, kid, n, e; an independent verifier accepts the token", () => {
    const { keys } = signer.jwks();
    assert.equal(keys.length, 1);
    const jwk = keys[0] as Record<string, string>;
    assert.deepEqual(Object.keys(jwk).sort(), ["alg", "e", "kid", "kty", "n", "use"]);
    assert.deepEqual([jwk.kty, jwk.alg, jwk.use, jwk.e], ["RSA", "RS256", "sig", "AQAB"]);
    assert.equal(Buffer.from(jwk.n ?? "", "base64url").length, 256, "2048-bit modulus");
    const token = signer.sign({ sub: "u" }, 60, NOW);
    const [h, p, s] = token.split(".");
    const key = createPublicKey({ key: jwk, format: "jwk" });
    assert.equal(verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s ?? "", "base64url")), true);
  });

  it("kid defaults to a stable thumbprint and can be set", () => {
    const kidOf = (s: TokenSigner) => (s.jwks().keys[0] as { kid: string }).kid;
    assert.match(kidOf(signer), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(kidOf(new TokenSigner({ issuer: "https://other/" })), kidOf(signer));
    const custom = new TokenSigner({ issuer: ISSUER, kid: "mock-key-1" });
    assert.equal(kidOf(custom), "mock-key-1");
    assert.notEqual(custom.verify(custom.sign({}, 60, NOW), NOW), null);
  });

  const good = signer.sign({ sub: "auth0|1" }, 600, NOW);
  const [h, p, s] = good.split(".") as [string, string, string];
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const flip = (x: string) => (x[0] === "A" ? "B" : "A") + x.slice(1);
  const rows: Array<[string, string]> = [
    ["empty string", ""],
    ["two parts", `${h}.${p}`],
    ["four parts", `${good}.x`],
    ["garbage", "not.a.jwt"],
    ["payload changed", `${h}.${b64({ ...decode(p), sub: "auth0|2" })}.${s}`],
    ["signature changed", `${h}.${p}.${flip(s)}`],
    ["signature missing", `${h}.${p}.`],
    ["alg none", `${b64({ alg: "none", typ: "JWT", kid: decode(h).kid })}.${p}.`],
    ["alg HS256 with the same signature", `${b64({ ...decode(h), alg: "HS256" })}.${p}.${s}`],
    ["other kid", `${b64({ ...decode(h), kid: "other" })}.${p}.${s}`],
    ["header not JSON", `${Buffer.from("{").toString("base64url")}.${p}.${s}`],
    ["padding characters", `${h}=.${p}.${s}`],
    [
      "other issuer's signer",
      new TokenSigner({ issuer: "https://other/" }).sign({ sub: "auth0|1" }, 600, NOW),
    ],
  ];
  for (const [name, token] of rows) {
    it(`verify rejects: ${name}`, () => {
      assert.equal(signer.verify(token, NOW), null);
    });
  }

  it("verify never throws on non-strings", () => {
    assert.equal(signer.verify(undefined as unknown as string, NOW), null);
    assert.equal(signer.verify("a".repeat(20_000), NOW), null);
  });
});
