import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { matchTotp, totpCode as mockCode, newTotpSecret } from "../../mock/factors/otp.ts";
import { base32Bytes, type HmacSha1Hex, totpCode, totpStep, wrongTotp } from "./totp.ts";

const hmac: HmacSha1Hex = (key, data) =>
  createHmac("sha1", Buffer.from(new Uint8Array(key)))
    .update(Buffer.from(new Uint8Array(data)))
    .digest("hex");

// RFC 6238 appendix B, SHA1 (secret "12345678901234567890"), last 6 of the 8 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("RFC 6238's SHA1 test vectors", () => {
  const rows: Array<[number, string]> = [
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
  ];
  for (const [seconds, code] of rows)
    assert.equal(totpCode(hmac, RFC_SECRET, seconds * 1000), code, `T=${seconds}`);
});

test("the codes match the mock's (otpauth) for fresh secrets, and the wrong code is refused", () => {
  for (let i = 0; i < 20; i++) {
    const secret = newTotpSecret();
    const at = Date.UTC(2026, 0, 1) + i * 7919_000;
    assert.equal(totpCode(hmac, secret, at), mockCode(secret, at));
    const wrong = wrongTotp(hmac, secret, at);
    assert.match(wrong, /^\d{6}$/);
    assert.equal(matchTotp(secret, wrong, at), undefined);
    assert.equal(matchTotp(secret, wrong, at + 30_000), undefined, "wrong in the next step too");
  }
});

test("base32 and steps", () => {
  assert.deepEqual([...new Uint8Array(base32Bytes("gezd gnbv=="))], [0x31, 0x32, 0x33, 0x34, 0x35]);
  assert.throws(() => base32Bytes("not-base32!"), /not base32/);
  assert.equal(totpStep(59_999), 1);
  assert.equal(totpStep(60_000), 2);
});
