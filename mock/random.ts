/**
 * Two kinds of randomness, kept apart on purpose: a seeded generator makes fixtures (users, names)
 * the same on every run with the same `--seed`; everything a client could guess to get in (tokens,
 * codes, ids) comes from the operating system's CSPRNG and never from the seed.
 */
import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Deterministic generator in [0, 1) (mulberry32): the same seed gives the same sequence. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` characters drawn uniformly from `alphabet` (at most 256 symbols) with crypto randomness. */
export function randomString(length: number, alphabet: string = ALPHANUMERIC): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) throw new RangeError(`alphabet must have 2 to 256 symbols, got ${size}`);
  // Rejection sampling: bytes at or above the largest multiple of `size` would bias the low symbols.
  const limit = 256 - (256 % size);
  let out = "";
  while (out.length < length) {
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.25) + 4);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i] as number;
      if (b < limit) out += alphabet[b % size];
    }
  }
  return out;
}

/** Unguessable url-safe token (256 bits of crypto randomness, base64url), after an optional prefix. */
export function opaqueToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Six-digit code with leading zeros kept ("012345"), crypto random. */
export function sixDigitCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** Device id as Auth0 prints it in authenticator ids: "dev_" + 16 [A-Za-z0-9]. */
export function deviceId(): string {
  return `dev_${randomString(16)}`;
}

/** Recovery code as Auth0 issues it: 24 [A-Z0-9]. */
export function recoveryCode(): string {
  return randomString(24, UPPER_ALPHANUMERIC);
}
