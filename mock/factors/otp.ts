/**
 * TOTP as Auth0's authenticator apps use it (docs/behaviour.md#otp): RFC 6238 with SHA1, 6 digits and
 * 30-second steps, on the mock's clock, through `otpauth`. Auth0 also accepts the code of the step
 * before (about a 60-second window); whether it accepts the next one is unknown, so the mock refuses
 * it: an app must not pass here with a code Auth0 may refuse.
 */
import { Secret, TOTP } from "otpauth";
import { randomString } from "../store/random.ts";

/** The parameters a `barcode_uri` carries (recorded: `algorithm=SHA1&digits=6&period=30`). */
export const TOTP_PARAMETERS = { algorithm: "SHA1", digits: 6, period: 30 } as const;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A fresh secret: 32 base32 characters (160 bits, crypto random), as recorded. */
export function newTotpSecret(): string {
  return randomString(32, BASE32);
}

/** The code of a secret at a time (epoch ms); for the Guardian stand-in's users and for tests. */
export function totpCode(secret: string, at: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), ...TOTP_PARAMETERS, timestamp: at });
}

/** The time step (30-second counter) of an instant. */
export function totpStep(at: number): number {
  return Math.floor(at / 1000 / TOTP_PARAMETERS.period);
}

/**
 * The step a code belongs to when it is the current step's or the one before, and later than
 * `after` (a step already used: each code works once); undefined otherwise.
 */
export function matchTotp(secret: string, code: string, at: number, after?: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    ...TOTP_PARAMETERS,
    timestamp: at,
    window: 1,
  });
  // window 1 also finds the next step's code, which the mock refuses (see the file comment).
  if (delta !== 0 && delta !== -1) return undefined;
  const step = totpStep(at) + delta;
  return after !== undefined && step <= after ? undefined : step;
}

/**
 * The `barcode_uri` of an OTP enrollment, in the recorded order of its parameters:
 * `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
 */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  const i = encodeURIComponent(issuer);
  const p = TOTP_PARAMETERS;
  return `otpauth://totp/${i}:${encodeURIComponent(account)}?secret=${secret}&issuer=${i}&algorithm=${p.algorithm}&digits=${p.digits}&period=${p.period}`;
}
