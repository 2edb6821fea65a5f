import assert from "node:assert/strict";
import { test } from "node:test";
import { maskEmail, maskPhone, maskRecipient, maskSecret, maskText } from "./mask.ts";

const JWT =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhdXRoMHx1c2VyXzEiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXBhcnQtdGhhdC1pcy1sb25n";
const OPAQUE = "Xk3pQ9vLm2Ta8RzW4yBn6HcJ1fDs5GqE";

test("maskPhone keeps only the last 4 digits", () => {
  const rows: Array<[string, string]> = [
    ["+14155550123", "+•••••••0123"],
    ["+447700900123", "+••••••••0123"],
    ["+1 415-555-0123", "+• •••-•••-0123"],
    ["0123", "0123"],
  ];
  for (const [input, expected] of rows) assert.equal(maskPhone(input), expected, input);
});

test("maskSecret keeps a public prefix and the length only", () => {
  const rows: Array<[string, string]> = [
    ["123456", "•••[6]"],
    [OPAQUE, `•••[${OPAQUE.length}]`],
    [JWT, `eyJ•••[${JWT.length}]`],
    ["Fe26.2**abcdefghijklmnopqrstuvwxyz0123456789", "Fe26.2*•••[44]"],
    ["", "•••[0]"],
  ];
  for (const [input, expected] of rows) assert.equal(maskSecret(input), expected, input);
});

test("maskText hides known secrets and secret-shaped values", () => {
  const rows: Array<{ name: string; text: string; secrets?: string[]; hidden: string[]; kept?: string[] }> = [
    {
      name: "known secret",
      text: "secret=abcd1234xyz here",
      secrets: ["abcd1234xyz"],
      hidden: ["abcd1234xyz"],
    },
    {
      name: "known secret containing another",
      text: "token superlongsecretvalue",
      secrets: ["secret", "superlongsecretvalue"],
      hidden: ["superlongsecretvalue", "secret"],
    },
    {
      name: "code not inside a decimal",
      text: 'time="0.123456" code 123456.',
      secrets: ["123456"],
      hidden: ["code 123456"],
      kept: ['"0.123456"'],
    },
    {
      name: "short code only as a whole token",
      text: "code 123456 and 91234567",
      secrets: ["123456", "1234"],
      hidden: ["code 123456"],
      kept: ["91234567"],
    },
    {
      name: "phone number",
      text: "sent to +14155550123.",
      hidden: ["+14155550123", "4155550"],
      kept: ["0123"],
    },
    { name: "jwt", text: `Authorization: x ${JWT}`, hidden: [JWT.slice(10, 40)] },
    { name: "bearer", text: "authorization: Bearer abc.def-ghi_123", hidden: ["abc.def-ghi_123"] },
    { name: "iron token", text: "state=Fe26.2**9f8e7d6c5b4a~xyz*abc", hidden: ["9f8e7d6c5b4a"] },
    { name: "opaque token", text: `{"x":"${OPAQUE}"}`, hidden: [OPAQUE] },
    {
      name: "json secret field",
      text: '{"binding_code": "654321", "otp":"111111"}',
      hidden: ["654321", "111111"],
    },
    { name: "escaped json field", text: '"{\\"mfa_token\\":\\"tok-abc\\"}"', hidden: ["tok-abc"] },
    {
      name: "form field",
      text: "grant_type=x&oob_code=oob-123&client_id=abc",
      hidden: ["oob-123"],
      kept: ["client_id=abc"],
    },
    {
      name: "hex digests and identifiers are kept",
      text: "commit 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c associateAuthenticatorWithSomeLongIdentifierName",
      kept: ["3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c", "associateAuthenticatorWithSomeLongIdentifierName"],
      hidden: [],
    },
  ];
  for (const row of rows) {
    const out = maskText(row.text, row.secrets ?? []);
    for (const h of row.hidden)
      assert.ok(!out.includes(h), `${row.name}: ${JSON.stringify(out)} still has ${h}`);
    for (const k of row.kept ?? [])
      assert.ok(out.includes(k), `${row.name}: ${JSON.stringify(out)} lost ${k}`);
  }
});

test("maskText is idempotent", () => {
  const once = maskText(`+14155550123 ${JWT} ${OPAQUE} "otp":"123456"`);
  assert.equal(maskText(once), once);
});

test("maskEmail keeps the mailbox's first letter and the top-level domain; maskRecipient picks the masker", () => {
  const rows: Array<[string, string]> = [
    ["user@example.com", "u•••@•••••••.com"],
    ["a@b.io", "a@•.io"],
    ["first.last@mail.example.co.uk", "f•••••••••@••••.•••••••.••.uk"],
    ["user%40example.com", "u•••%40•••••••.com"],
  ];
  for (const [input, expected] of rows) assert.equal(maskEmail(input), expected, input);
  assert.equal(maskRecipient("+14155550123"), "+•••••••0123");
  assert.equal(maskRecipient("user@example.com"), "u•••@•••••••.com");
});

test("maskText hides email addresses, OTP secrets and push enrollment ids", () => {
  const secret = "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF";
  const rows: Array<{ name: string; text: string; hidden: string[]; kept?: string[] }> = [
    {
      name: "address in text",
      text: "sent to ada.lovelace@example.com.",
      hidden: ["lovelace"],
      kept: [".com."],
    },
    { name: "email field", text: '{"email":"ada@example.com"}', hidden: ["ada@"] },
    { name: "form field", text: "email=ada%40example.com&x=1", hidden: ["ada%40"], kept: ["x=1"] },
    { name: "otp secret field", text: `{"secret":"${secret}"}`, hidden: [secret] },
    {
      name: "otp barcode",
      text: `{"barcode_uri":"otpauth://totp/t:ada%40example.com?secret=${secret}&issuer=t"}`,
      hidden: [secret, "ada%40"],
    },
    {
      name: "barcode in a log line",
      text: `otpauth://totp/t:ada%40example.com?secret=${secret}&enrollment_tx_id=t5FmaYNt8APzKlh3WCRN&x=1`,
      hidden: [secret, "ada%40", "t5FmaYNt8APzKlh3WCRN"],
    },
    {
      name: "versions and scoped packages are no addresses",
      text: "@auth0/auth0-auth-js@1.16.1 auth0-mfa-harness@0.1.0",
      hidden: [],
      kept: ["@auth0/auth0-auth-js@1.16.1", "auth0-mfa-harness@0.1.0"],
    },
  ];
  for (const row of rows) {
    const out = maskText(row.text);
    for (const h of row.hidden)
      assert.ok(!out.includes(h), `${row.name}: ${JSON.stringify(out)} still has ${h}`);
    for (const k of row.kept ?? [])
      assert.ok(out.includes(k), `${row.name}: ${JSON.stringify(out)} lost ${k}`);
    assert.equal(maskText(out), out, `${row.name}: idempotent`);
  }
  assert.equal(maskText("known Ada@Example.com", ["Ada@Example.com"]), "known A••@•••••••.com");
});
