import assert from "node:assert/strict";
import { describe, test } from "node:test";
// The Actions are checked against verifySignature in phone-actions.test.ts.
import { signBody, sinkReadToken, verifySignature } from "./signature.ts";

const secret = "k".repeat(40);
const body = '{"code":"123456"}';
const nowMs = 1_800_000_000_000;
const ts = nowMs / 1000;

describe("verifySignature", () => {
  const rows: { name: string; timestamp?: string; signature?: string; body?: string; reason?: RegExp }[] = [
    { name: "a fresh, correct signature", timestamp: String(ts), signature: signBody(secret, ts, body) },
    { name: "4 minutes of skew", timestamp: String(ts - 240), signature: signBody(secret, ts - 240, body) },
    { name: "no timestamp", signature: signBody(secret, ts, body), reason: /malformed x-sink-timestamp/ },
    {
      name: "timestamp not a number",
      timestamp: "soon",
      signature: "v1=00",
      reason: /malformed x-sink-timestamp/,
    },
    { name: "no signature", timestamp: String(ts), reason: /missing x-sink-signature/ },
    {
      name: "old timestamp (replay)",
      timestamp: String(ts - 301),
      signature: signBody(secret, ts - 301, body),
      reason: /window/,
    },
    {
      name: "future timestamp",
      timestamp: String(ts + 301),
      signature: signBody(secret, ts + 301, body),
      reason: /window/,
    },
    {
      name: "tampered body",
      timestamp: String(ts),
      signature: signBody(secret, ts, body),
      body: '{"code":"654321"}',
      reason: /mismatch/,
    },
    {
      name: "timestamp not the signed one",
      timestamp: String(ts - 1),
      signature: signBody(secret, ts, body),
      reason: /mismatch/,
    },
    {
      name: "other secret",
      timestamp: String(ts),
      signature: signBody("x".repeat(40), ts, body),
      reason: /mismatch/,
    },
    {
      name: "truncated signature",
      timestamp: String(ts),
      signature: signBody(secret, ts, body).slice(0, 20),
      reason: /mismatch/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const r = verifySignature({
        secret,
        body: row.body ?? body,
        timestamp: row.timestamp,
        signature: row.signature,
        nowMs,
      });
      if (!row.reason) assert.deepEqual(r, { ok: true });
      else {
        assert.equal(r.ok, false);
        assert.match(r.ok ? "" : r.reason, row.reason);
      }
    });
  }
});

test("the read token is derived, stable, and not the secret", () => {
  assert.equal(sinkReadToken(secret), sinkReadToken(secret));
  assert.notEqual(sinkReadToken(secret), secret);
  assert.match(sinkReadToken(secret), /^[0-9a-f]{64}$/);
});
