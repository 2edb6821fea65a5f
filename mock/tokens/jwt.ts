/**
 * RS256 JSON Web Tokens for the mock's `access_token` and `id_token`, with node:crypto only, and the
 * JWKS that lets a client (or an Auth0 SDK) verify them.
 *
 * Generating a 2048-bit RSA key takes tens of milliseconds, so one key pair is made per process, on
 * first use, and shared by every signer: tests that build many mock apps stay fast. A signer's `iss`
 * is checked on verify, so tokens of two apps with different issuers in one process do not mix.
 *
 * Signing is split in two so the RSA work can move to another thread (signing-pool.ts): the signing
 * input (header and claims, cheap) is built where the claims are, and `signature()` is the costly
 * part. RS256 (PKCS#1 v1.5) is deterministic, so any thread with the same key makes the same bytes.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  n: string;
  e: string;
  thumbprint: string;
}

let shared: KeyPair | undefined;

/** The process-wide key pair, generated on first use. */
function keyPair(): KeyPair {
  if (shared) return shared;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const n = String(jwk.n);
  const e = String(jwk.e);
  // RFC 7638 thumbprint (members in lexicographic order), a stable default `kid`.
  const thumbprint = createHash("sha256")
    .update(JSON.stringify({ e, kty: "RSA", n }))
    .digest("base64url");
  shared = { privateKey, publicKey, n, e, thumbprint };
  return shared;
}

/** The process-wide private key, for a thread that signs on this process's behalf. */
export function signingKey(): KeyObject {
  return keyPair().privateKey;
}

/** The base64url RS256 signature of a signing input (`header.payload`) with the process-wide key. */
export function signature(input: string): string {
  return sign("sha256", Buffer.from(input), keyPair().privateKey).toString("base64url");
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A base64url JSON object part of a compact JWS (header or payload), or null. */
export function parseJsonPart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export const BASE64URL = /^[A-Za-z0-9_-]+$/;

export class TokenSigner {
  readonly #issuer: string;
  readonly #kid: string;
  readonly #keys: KeyPair;
  readonly #header: string;

  /** Signs as `issuer`; `kid` defaults to the key's RFC 7638 thumbprint. */
  constructor(opts: { issuer: string; kid?: string }) {
    this.#keys = keyPair();
    this.#issuer = opts.issuer;
    this.#kid = opts.kid ?? this.#keys.thumbprint;
    this.#header = base64urlJson({ alg: "RS256", typ: "JWT", kid: this.#kid });
  }

  /** A compact JWS: `claims` plus `iss` (the signer's), `iat` and `exp` (seconds, from `nowMs`). */
  sign(claims: Record<string, unknown>, expiresInSeconds: number, nowMs: number): string {
    const input = this.signingInput(claims, expiresInSeconds, nowMs);
    return `${input}.${signature(input)}`;
  }

  /** What `sign()` signs (`header.payload`); the token is `${input}.${signature(input)}`. */
  signingInput(claims: Record<string, unknown>, expiresInSeconds: number, nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    const payload = base64urlJson({ ...claims, iss: this.#issuer, iat, exp: iat + expiresInSeconds });
    return `${this.#header}.${payload}`;
  }

  /**
   * The claims of a token this signer issued and that has not expired at `nowMs`; null for anything
   * else (bad shape, other alg or kid, bad signature, other issuer, expired). Never throws.
   */
  verify(token: string, nowMs: number): Record<string, unknown> | null {
    if (typeof token !== "string" || token.length > 16_384) return null;
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
    const h = parseJsonPart(header);
    if (h === null || h.alg !== "RS256" || h.kid !== this.#kid) return null;
    const ok = verify(
      "sha256",
      Buffer.from(`${header}.${payload}`),
      this.#keys.publicKey,
      Buffer.from(signature, "base64url"),
    );
    if (!ok) return null;
    const claims = parseJsonPart(payload);
    if (claims === null || claims.iss !== this.#issuer) return null;
    if (typeof claims.exp !== "number" || nowMs >= claims.exp * 1000) return null;
    return claims;
  }

  /** The JSON Web Key Set served at `/.well-known/jwks.json`. */
  jwks(): { keys: object[] } {
    const { n, e } = this.#keys;
    return { keys: [{ kty: "RSA", use: "sig", alg: "RS256", kid: this.#kid, n, e }] };
  }
}
