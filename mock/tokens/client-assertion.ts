/**
 * Private Key JWT client authentication: the `client_assertion` a confidential client signs with its
 * private key instead of sending a secret. The checks are those Auth0 documents for the assertion
 * ("Authenticate with Private Key JWT"): the header's `alg` is the credential's (RS256, RS384 or
 * PS256); `iss` and `sub` are the client_id; `aud` is the tenant's URL with its trailing slash;
 * `exp` is at most 5 minutes after `iat` (or after now, without `iat`); `jti` makes it single use.
 * What Auth0 answers for each failed check is not documented: every one is a failed client
 * authentication (401 `invalid_client`) whose description names the check, for the developer.
 */
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  verify,
} from "node:crypto";
import { BASE64URL, parseJsonPart } from "./jwt.ts";

export const ASSERTION_ALGS = ["RS256", "RS384", "PS256"] as const;
export type AssertionAlg = (typeof ASSERTION_ALGS)[number];

/** The claims Auth0 documents for an assertion (iss = sub = client_id, aud, a short exp, a unique jti), with the overrides. */
export function assertionClaims(o: AssertionOptions): Record<string, unknown> {
  const iat = Math.floor((o.now ?? Date.now()) / 1000);
  return {
    iss: o.clientId,
    sub: o.clientId,
    aud: o.audience,
    iat,
    exp: iat + (o.lifetimeSeconds ?? 60),
    jti: randomUUID(),
    ...o.claims,
  };
}

/** The `client_assertion_type` that goes with a `client_assertion` (RFC 7523). */
export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** What a client signs an assertion from (the suites' signer and the mock tests' own). */
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
  /** Add header parameters, for negative cases. */
  header?: Record<string, unknown>;
}

/** Auth0 accepts assertions that live at most 5 minutes. */
const MAX_LIFETIME_SECONDS = 300;
/** Tolerated clock difference for `iat` and `nbf` in the future. */
const SKEW_SECONDS = 30;
/** Used `jti`s kept until their assertion expires; more than this many live ones is refused. */
const MAX_LIVE_JTIS = 100_000;

/** The credential of the Private Key JWT client: its public key, and the private key when the mock made it. */
export interface AssertionCredential {
  publicKey: KeyObject;
  alg: AssertionAlg;
  /** PKCS#8 PEM, only for the key pair the mock generated (none when the user configured a public key). */
  privateKeyPem?: string;
}

let generated: { publicKey: KeyObject; privateKeyPem: string } | undefined;

/**
 * The credential for a configured public key (PEM), or the process-wide key pair the mock generates
 * on first use (RSA keys take tens of milliseconds to make; tests build many apps).
 */
export function assertionCredential(publicKeyPem: string, alg: AssertionAlg): AssertionCredential {
  if (publicKeyPem !== "") return { publicKey: createPublicKey(publicKeyPem), alg };
  if (!generated) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    generated = {
      publicKey: pair.publicKey,
      privateKeyPem: pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    };
  }
  return { ...generated, alg };
}

/** True when a PEM is an RSA public key node:crypto can read (for configuration checks). */
export function isRsaPublicKeyPem(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

const VERIFY: Record<AssertionAlg, { hash: string; pss: boolean }> = {
  RS256: { hash: "sha256", pss: false },
  RS384: { hash: "sha384", pss: false },
  PS256: { hash: "sha256", pss: true },
};

/** A signature check that answers false, never throws, whatever bytes the caller sent. */
function verifies(
  hash: string,
  signed: string,
  key: Parameters<typeof verify>[2],
  signature: string,
): boolean {
  try {
    return verify(hash, Buffer.from(signed), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/** Checks assertions and remembers the `jti`s it accepted until they expire. */
export class AssertionVerifier {
  readonly #used = new Map<string, number>();

  /**
   * Why the assertion fails for this client, or undefined when it authenticates it. `audiences` are
   * the tenant's URLs with their trailing slash (the first one is named in the refusal); `nowMs` the mock's clock; `singleUse` false (a deviation
   * only) lets a jti be used again.
   */
  check(
    assertion: string,
    client: { clientId: string; credential: AssertionCredential },
    audiences: readonly string[],
    nowMs: number,
    singleUse = true,
  ): string | undefined {
    const parts = assertion.split(".");
    if (parts.length !== 3) return "not a compact JWS";
    const [h = "", p = "", s = ""] = parts;
    const header = BASE64URL.test(h) ? parseJsonPart(h) : null;
    const payload = BASE64URL.test(p) ? parseJsonPart(p) : null;
    if (!header || !payload) return "header or payload is not base64url JSON";
    const { alg } = client.credential;
    if (header.alg !== alg) return `alg must be ${alg}`;
    const { hash, pss } = VERIFY[alg];
    const key = pss
      ? { key: client.credential.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : client.credential.publicKey;
    if (!verifies(hash, `${h}.${p}`, key, s)) return "bad signature";
    if (payload.iss !== client.clientId || payload.sub !== client.clientId)
      return "iss and sub must be the client_id";
    const aud = payload.aud;
    const named = Array.isArray(aud) ? aud : [aud];
    if (!named.some((a) => typeof a === "string" && audiences.includes(a)))
      return `aud must be ${audiences[0]}`;
    const now = nowMs / 1000;
    const exp = payload.exp;
    if (typeof exp !== "number" || exp <= now) return "expired or without exp";
    const iat = typeof payload.iat === "number" ? payload.iat : undefined;
    if (iat !== undefined && iat > now + SKEW_SECONDS) return "iat in the future";
    if (typeof payload.nbf === "number" && payload.nbf > now + SKEW_SECONDS) return "not yet valid (nbf)";
    if (exp - (iat ?? now) > MAX_LIFETIME_SECONDS) return "lives longer than 5 minutes";
    const jti = payload.jti;
    if (typeof jti !== "string" || jti === "") return "without jti";
    if (!singleUse) return undefined;
    const entry = `${client.clientId}\u0000${jti}`;
    this.#sweep(nowMs);
    if (this.#used.has(entry)) return "jti already used";
    if (this.#used.size >= MAX_LIVE_JTIS) return "too many live assertions";
    this.#used.set(entry, exp * 1000);
    return undefined;
  }

  clear(): void {
    this.#used.clear();
  }

  #sweep(nowMs: number): void {
    // Maps iterate in insertion order; expiries are near-monotonic, so the scan stops early.
    for (const [jti, expiresAt] of this.#used) {
      if (expiresAt > nowMs) break;
      this.#used.delete(jti);
    }
  }
}
