/**
 * Auth0 Action for the Custom Email Provider trigger (Branding > Email Provider > Custom Provider).
 * Instead of sending an email, it forwards MFA email codes to the test harness's sink, signed with
 * HMAC-SHA256 like the phone-message Actions, so the sink accepts nothing else. It replaces the
 * tenant's email provider: every other email (verification, password reset, welcome …) is dropped
 * unsent. Deploy it only on test tenants.
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

/**
 * The code in a rendered email. The event carries no code field, only the rendered `text` and
 * `html`, so the code is the one 6-digit number in them; none, or two different ones, is an error
 * rather than a guess (fix the template so the code is the only 6-digit number).
 */
function codeIn(notification) {
  const text = notification.text || String(notification.html || "").replace(/<[^>]*>/g, " ");
  const found = new Set(text.match(/(?<!\d)\d{6}(?!\d)/g) || []);
  if (found.size !== 1) {
    throw new Error(
      `expected one 6-digit code in the ${notification.message_type} email, found ${found.size}`,
    );
  }
  return [...found][0];
}

/** Handler for the custom-email-provider trigger: event.notification carries the rendered email. */
exports.onExecuteCustomEmailProvider = async (event, _api) => {
  const n = event.notification;
  // Only MFA codes matter to the harness; any other email is dropped (returning counts as sent).
  if (n.message_type !== "mfa_oob_code") return;
  await forwardToSink(event.secrets, {
    recipient: n.to,
    code: codeIn(n),
    text: n.text || "",
    // The event does not say whether the code enrolls or verifies (one template serves both):
    // no `action` is sent rather than a guess, and the sink keeps the message without one.
    message_type: "email",
    hook: "custom-email-provider",
  });
};
