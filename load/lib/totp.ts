/**
 * TOTP codes as an authenticator app computes them (RFC 6238 with Auth0's parameters: SHA1, 6 digits,
 * 30-second steps; docs/behaviour.md#otp), from the base32 secret an enrolment returns. k6 has no TOTP
 * library and cannot load one from npm at run time, so the arithmetic is here and the HMAC-SHA1 comes
 * from the caller (k6/crypto inside k6, node:crypto in the unit tests).
 * Pure module: no k6 and no Node imports.
 */

/** HMAC-SHA1 of `data` under `key`, as lower-case hex. */
export type HmacSha1Hex = (key: ArrayBuffer, data: ArrayBuffer) => string;

/** Auth0's parameters, as its `barcode_uri` carries them. */
export const TOTP = { digits: 6, periodSeconds: 30 } as const;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The bytes of a base32 secret (RFC 4648; case, spaces and padding ignored). */
export function base32Bytes(secret: string): ArrayBuffer {
  const clean = secret.toUpperCase().replace(/[\s=]/g, "");
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error("the OTP secret is not base32");
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return new Uint8Array(out).buffer;
}

/** The 30-second step of an instant (epoch ms). */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP.periodSeconds);
}

/** The code of `step` (RFC 4226's dynamic truncation of the HMAC of the 8-byte step counter). */
export function hotp(hmac: HmacSha1Hex, key: ArrayBuffer, step: number): string {
  const counter = new Uint8Array(8);
  let n = step;
  for (let i = 7; i >= 0; i--) {
    counter[i] = n % 256;
    n = Math.floor(n / 256);
  }
  const hex = hmac(key, counter.buffer);
  const offset = Number.parseInt(hex.slice(-1), 16);
  const word = Number.parseInt(hex.slice(offset * 2, offset * 2 + 8), 16) & 0x7fffffff;
  return String(word % 10 ** TOTP.digits).padStart(TOTP.digits, "0");
}

/** The code of a secret at an instant (epoch ms on the target's clock). */
export function totpCode(hmac: HmacSha1Hex, secret: string, atMs: number): string {
  return hotp(hmac, base32Bytes(secret), totpStep(atMs));
}

/**
 * A 6-digit code that is none of the codes of the steps around `atMs` (the one before, the current
 * one and the next): wrong whichever step a target accepts, and whichever step the request lands in.
 */
export function wrongTotp(hmac: HmacSha1Hex, secret: string, atMs: number): string {
  const key = base32Bytes(secret);
  const step = totpStep(atMs);
  const near = [
    hotp(hmac, key, step - 1),
    hotp(hmac, key, step),
    hotp(hmac, key, step + 1),
    hotp(hmac, key, step + 2),
  ];
  let guess = (Number(near[1]) + 500_000) % 1_000_000;
  while (near.includes(String(guess).padStart(TOTP.digits, "0"))) guess = (guess + 1) % 1_000_000;
  return String(guess).padStart(TOTP.digits, "0");
}
