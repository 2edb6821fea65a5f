/**
 * Auth0 Action for the Custom Phone Provider trigger (unified phone experience, "Custom" provider).
 * Instead of sending an SMS or a call, it forwards the code to the test harness's sink, signed with
 * HMAC-SHA256 so the sink accepts nothing else. Deploy it only on test tenants: no message reaches a phone.
 *
 * Secrets (Actions > this Action > Secrets): SINK_URL (the sink's public base URL) and SINK_SECRET.
 */
const crypto = require("node:crypto");

/** Signs `<unix seconds>.<body>`; the same scheme as tenant/signature.ts (tests check they agree). */
function signBody(secret, timestampSeconds, body) {
  return `v1=${crypto.createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")}`;
}

/** Posts one message to `<SINK_URL>/messages`; throws so Auth0 records a delivery failure. */
async function forwardToSink(secrets, message) {
  if (!secrets?.SINK_URL || !secrets.SINK_SECRET) {
    throw new Error("SINK_URL and SINK_SECRET must be set as secrets of this Action");
  }
  const body = JSON.stringify(message);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${String(secrets.SINK_URL).replace(/\/+$/, "")}/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-sink-timestamp": String(timestamp),
      "x-sink-signature": signBody(secrets.SINK_SECRET, timestamp, body),
    },
    body,
    // Auth0 blocks the login while the Action runs; do not hold it for a slow sink.
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`sink answered ${response.status}`);
}

// The unified experience names the purpose; the MFA API and the classic hook call it `action`.
const ACTIONS = { otp_enroll: "enrollment", otp_verify: "second-factor-authentication" };

/** Handler for the custom-phone-provider trigger: event.notification carries the code. */
exports.onExecuteCustomPhoneProvider = async (event, _api) => {
  const n = event.notification;
  // Notifications without a code (blocked_account, password_breach …) have nothing to capture.
  if (!n.code) return;
  const voice = n.delivery_method === "voice";
  await forwardToSink(event.secrets, {
    recipient: n.recipient,
    code: n.code,
    text: voice ? n.as_voice : n.as_text,
    action: ACTIONS[n.message_type] || n.message_type,
    message_type: voice ? "voice" : "sms",
    hook: "custom-phone-provider",
  });
};
