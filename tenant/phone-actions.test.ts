import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { afterEach, describe, test } from "node:test";
import { verifySignature } from "./signature.ts";

// The Actions are CommonJS, as Auth0 runs them (tenant/actions/package.json says so).
const require = createRequire(import.meta.url);
type Handler = (event: unknown, api: unknown) => Promise<void>;
const sendPhoneMessage = require("./actions/send-phone-message.js") as { onExecuteSendPhoneMessage: Handler };
const customPhoneProvider = require("./actions/custom-phone-provider.js") as {
  onExecuteCustomPhoneProvider: Handler;
};

const secrets = { SINK_URL: "https://sink.example.com/", SINK_SECRET: "q".repeat(40) };
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Replaces fetch with a recorder that answers `status`. */
function captureFetch(status = 202): Captured[] {
  const calls: Captured[] = [];
  globalThis.fetch = (async (url: string | URL, init?: RequestInit) => {
    calls.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: String(init?.body),
    });
    return new Response("{}", { status });
  }) as typeof fetch;
  return calls;
}

// An `api` whose every method fails the test: the hooks must not call any (they only forward).
const api = new Proxy({}, { get: (_t, p) => assert.fail(`api.${String(p)} used`) });

function assertSigned(call: Captured | undefined): Record<string, unknown> {
  assert.ok(call);
  assert.equal(call.url, "https://sink.example.com/messages");
  const verdict = verifySignature({
    secret: secrets.SINK_SECRET,
    body: call.body,
    timestamp: call.headers["x-sink-timestamp"],
    signature: call.headers["x-sink-signature"],
    nowMs: Date.now(),
  });
  assert.deepEqual(verdict, { ok: true });
  return JSON.parse(call.body) as Record<string, unknown>;
}

describe("send-phone-message Action", () => {
  const rows = [
    { action: "enrollment", message_type: "sms" },
    { action: "second-factor-authentication", message_type: "voice" },
  ];
  for (const row of rows) {
    test(`forwards ${row.action} ${row.message_type}, signed`, async () => {
      const calls = captureFetch();
      const event = {
        message_options: { ...row, code: "123456", recipient: "+447700900123", text: "Your code is 123456" },
        secrets,
        request: { ip: "127.0.0.1" },
        tenant: { id: "t" },
      };
      await sendPhoneMessage.onExecuteSendPhoneMessage(event, api);
      assert.equal(calls.length, 1);
      assert.deepEqual(assertSigned(calls[0]), {
        recipient: "+447700900123",
        code: "123456",
        text: "Your code is 123456",
        ...row,
        hook: "send-phone-message",
      });
    });
  }

  test("fails loudly when the sink refuses, so Auth0 records a delivery failure", async () => {
    captureFetch(401);
    const event = {
      message_options: { action: "enrollment", message_type: "sms", code: "1", recipient: "+1", text: "" },
      secrets,
    };
    await assert.rejects(sendPhoneMessage.onExecuteSendPhoneMessage(event, api), /sink answered 401/);
  });

  test("fails loudly without its secrets, and sends nothing", async () => {
    const calls = captureFetch();
    const event = {
      message_options: { action: "enrollment", message_type: "sms", code: "1", recipient: "+1", text: "" },
      secrets: {},
    };
    await assert.rejects(sendPhoneMessage.onExecuteSendPhoneMessage(event, api), /SINK_URL and SINK_SECRET/);
    assert.equal(calls.length, 0);
  });
});

describe("custom-phone-provider Action", () => {
  const rows = [
    {
      message_type: "otp_enroll",
      delivery_method: "text",
      action: "enrollment",
      type: "sms",
      text: "as text",
    },
    {
      message_type: "otp_verify",
      delivery_method: "voice",
      action: "second-factor-authentication",
      type: "voice",
      text: "as voice",
    },
  ];
  for (const row of rows) {
    test(`maps ${row.message_type}/${row.delivery_method} to ${row.action}/${row.type}`, async () => {
      const calls = captureFetch();
      const notification = {
        message_type: row.message_type,
        delivery_method: row.delivery_method,
        code: "654321",
        recipient: "+447700900124",
        from: "+15550100",
        as_text: "as text",
        as_voice: "as voice",
        locale: "en_US",
      };
      await customPhoneProvider.onExecuteCustomPhoneProvider({ notification, secrets }, api);
      assert.deepEqual(assertSigned(calls[0]), {
        recipient: "+447700900124",
        code: "654321",
        text: row.text,
        action: row.action,
        message_type: row.type,
        hook: "custom-phone-provider",
      });
    });
  }

  test("ignores notifications without a code", async () => {
    const calls = captureFetch();
    const notification = {
      message_type: "blocked_account",
      delivery_method: "text",
      recipient: "+447700900125",
      as_text: "x",
    };
    await customPhoneProvider.onExecuteCustomPhoneProvider({ notification, secrets }, api);
    assert.equal(calls.length, 0);
  });
});
