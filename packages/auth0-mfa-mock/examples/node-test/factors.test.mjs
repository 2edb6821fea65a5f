// factors.test.mjs: the five factors, each enrolled and confirmed as an app does it, with the
// typed control client in the place of the phone, the inbox, the authenticator app and the
// Guardian app. Run with `node --test`.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { startMock } from "auth0-mfa-mock";

const OOB = "http://auth0.com/oauth/grant-type/mfa-oob";
const OTP = "http://auth0.com/oauth/grant-type/mfa-otp";
let mock;

before(async () => {
  // All five are offered by default; `factors` (--factors) names the ones your tenant offers.
  mock = await startMock({ factors: ["sms", "voice", "otp", "email", "push"] });
});
after(() => mock.close());

/** POSTs JSON as an app does; answers the status and the JSON body. */
async function post(path, body, mfaToken) {
  const headers = { "content-type": "application/json" };
  if (mfaToken) headers.authorization = `Bearer ${mfaToken}`;
  const res = await fetch(`${mock.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** A new user's password login: 403 mfa_required, with the mfa_token the MFA calls take. */
async function login() {
  const user = await mock.control.users.create();
  const client = { client_id: mock.clientId, client_secret: mock.clientSecret };
  const answer = await post("/oauth/token", { grant_type: "password", ...user, ...client });
  assert.equal(answer.status, 403);
  return { user, mfaToken: answer.body.mfa_token, client };
}

/** The authenticator app's code: TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at a time. */
function totp(secret, at) {
  const bits = [...secret.replace(/=+$/, "")]
    .map((c) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => Number.parseInt(byte, 2)));
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(step).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

for (const [channel, field, recipient] of [
  ["sms", "phone_number", "+15555550111"],
  ["voice", "phone_number", "+15555550112"],
  ["email", "email", "ada@example.com"],
]) {
  test(`${channel}: the code "sent" to ${recipient} confirms the enrollment`, async () => {
    const { mfaToken, client } = await login();
    const enroll = { authenticator_types: ["oob"], oob_channels: [channel], [field]: recipient };
    const enrolled = await post("/mfa/associate", enroll, mfaToken);
    assert.equal(enrolled.status, 200);
    const message = await mock.control.outbox.latest(recipient); // the phone, or the inbox
    const grant = { grant_type: OOB, mfa_token: mfaToken, oob_code: enrolled.body.oob_code, ...client };
    const tokens = await post("/oauth/token", { ...grant, binding_code: message.code });
    assert.equal(tokens.status, 200);
  });
}

test("otp: the authenticator app's code confirms the enrollment", async () => {
  const { mfaToken, client } = await login();
  const enrolled = await post("/mfa/associate", { authenticator_types: ["otp"] }, mfaToken);
  const now = Date.parse(await mock.control.clock.now()); // codes follow the mock's clock
  const otp = totp(enrolled.body.secret, now);
  const tokens = await post("/oauth/token", { grant_type: OTP, mfa_token: mfaToken, otp, ...client });
  assert.equal(tokens.status, 200);
});

test("push: the Guardian app scans, then approves a login", async () => {
  const { user, mfaToken, client } = await login();
  const enrolled = await post(
    "/mfa/associate",
    { authenticator_types: ["oob"], oob_channels: ["auth0"] },
    mfaToken,
  );
  // The app scans the QR code: its barcode_uri carries the enrollment transaction.
  const tx = new URL(enrolled.body.barcode_uri).searchParams.get("enrollment_tx_id");
  await mock.control.guardian.enroll({ enrollment_tx_id: tx });
  const poll = (token, oobCode) =>
    post("/oauth/token", { grant_type: OOB, mfa_token: token, oob_code: oobCode, ...client });
  assert.equal((await poll(mfaToken, enrolled.body.oob_code)).status, 200);

  // The next login: a push to the device, the user's tap, the app's poll.
  const again = await post("/oauth/token", { grant_type: "password", ...user, ...client });
  const token = again.body.mfa_token;
  const list = await fetch(`${mock.url}/mfa/authenticators`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const push = (await list.json()).find((a) => a.oob_channel === "auth0");
  const challenge = { challenge_type: "oob", authenticator_id: push.id, mfa_token: token, ...client };
  const { body } = await post("/mfa/challenge", challenge);
  const [pending] = await mock.control.guardian.pending(user.user_id);
  assert.equal(pending.oob_code, body.oob_code);
  await mock.control.guardian.respond(body.oob_code, true); // false: the poll answers 400 access_denied
  assert.equal((await poll(token, body.oob_code)).status, 200);
});

test("a factor the tenant does not offer is refused, as Auth0 refuses a disabled one", async () => {
  await mock.control.config.set({ factors: ["sms", "otp"] });
  try {
    const { mfaToken } = await login();
    const email = { authenticator_types: ["oob"], oob_channels: ["email"], email: "bob@example.com" };
    const refused = await post("/mfa/associate", email, mfaToken);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, "unsupported_challenge_type");
  } finally {
    await mock.control.config.set({ factors: ["sms", "voice", "otp", "email", "push"] });
  }
});
