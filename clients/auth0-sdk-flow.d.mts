/**
 * What auth0-sdk-flow.mjs exports besides running as a script: its TOTP, so the test checks it against
 * RFC 6238's vectors and the mock's own codes.
 */

/** The RFC 6238 code (HMAC-SHA1) of a base32 secret at a 30-second time step, `digits` long (default 6). */
export function totp(secret: string, step: number, digits?: number): string;

/** The 30-second time step of an instant in epoch milliseconds. */
export function totpStep(at: number): number;
