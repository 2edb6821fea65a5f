/**
 * Two kinds of randomness, kept apart on purpose: a seeded generator makes fixtures (users, names)
 * the same on every run with the same `--seed`; everything a client could guess to get in (tokens,
 * codes, ids) comes from the operating system's CSPRNG and never from the seed.
 *
 * The crypto draws are on the hot path (every challenge mints an oob_code, a code and an outbox id),
 * and randomBytes() costs a few microseconds per call whatever its size. So they all read from one
 * pooled 8 KiB CSPRNG buffer, refilled when used up: the same unguessable bytes at a fraction of the
 * cost. Every byte is used once and zeroed after use, so nothing can read it from the pool later.
 */
import { randomFillSync } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Offset of `n` (<= POOL_BYTES) fresh pool bytes; the caller reads them and then calls `spend`. */
function reserve(n: number): number {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return poolOffset;
}

/** Zeroes and consumes `n` bytes from `start` (the bytes `reserve` answered). */
function spend(start: number, n: number): void {
  const end = start + n;
  // A few bytes (a code, a token) are zeroed in place: fill() costs a native call that the hot path
  // would pay on every draw.
  if (n <= 64) for (let i = start; i < end; i++) pool[i] = 0;
  else pool.fill(0, start, end);
  poolOffset = end;
}

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
    // Enough bytes for the rest in most cases (at most 1 in 2 is rejected), bounded by the pool.
    const want = Math.min(POOL_BYTES, (length - out.length) * 2);
    const start = reserve(want);
    let i = start;
    const end = start + want;
    while (i < end && out.length < length) {
      const b = pool[i++] as number;
      if (b < limit) out += alphabet[b % size];
    }
    spend(start, i - start);
  }
  return out;
}

/** Unguessable url-safe token (256 bits of crypto randomness, base64url), after an optional prefix. */
export function opaqueToken(prefix = ""): string {
  const start = reserve(32);
  const token = prefix + pool.toString("base64url", start, start + 32);
  spend(start, 32);
  return token;
}

// 3 bytes give 0..16,777,215; below 16,000,000 (16 × 10^6) the value modulo 10^6 is uniform.
const CODE_LIMIT = 16_000_000;

/** Six-digit code with leading zeros kept ("012345"), crypto random. */
export function sixDigitCode(): string {
  for (;;) {
    const start = reserve(3);
    const v =
      ((pool[start] as number) << 16) | ((pool[start + 1] as number) << 8) | (pool[start + 2] as number);
    spend(start, 3);
    if (v < CODE_LIMIT) return String(v % 1_000_000).padStart(6, "0");
  }
}

/** Device id as Auth0 prints it in authenticator ids: "dev_" + 16 [A-Za-z0-9]. */
export function deviceId(): string {
  return `dev_${randomString(16)}`;
}

/** Recovery code as Auth0 issues it: 24 [A-Z0-9]. */
export function recoveryCode(): string {
  return randomString(24, UPPER_ALPHANUMERIC);
}
