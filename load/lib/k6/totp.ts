/** TOTP codes inside k6: load/lib/totp.ts with k6's own HMAC-SHA1 (k6/crypto). */
import crypto from "k6/crypto";
import { type HmacSha1Hex, totpCode, wrongTotp } from "../totp.ts";

const hmacSha1: HmacSha1Hex = (key, data) => crypto.hmac("sha1", key, data, "hex");

/** The code an authenticator app shows for `secret` at `atMs` (epoch ms on the target's clock). */
export function otpCode(secret: string, atMs: number): string {
  return totpCode(hmacSha1, secret, atMs);
}

/** A code that is wrong at `atMs` whichever neighbouring step the target accepts. */
export function wrongOtpCode(secret: string, atMs: number): string {
  return wrongTotp(hmacSha1, secret, atMs);
}
