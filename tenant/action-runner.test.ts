import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startMockServer } from "../mock/http/server.ts";
import type { OutboxMessage } from "../mock/store/outbox.ts";
import {
  type ActionHandler,
  customEmailProviderEvent,
  customPhoneProviderEvent,
  type EventContext,
  loadActionHandler,
  sendPhoneMessageEvent,
  startActionRunner,
} from "./action-runner.ts";
import { startSink } from "./sink.ts";

const SINK_SECRET = "runner-test-sink-secret-0123456789abcdef";
const ctx: EventContext = {
  secrets: { SINK_URL: "http://127.0.0.1:1", SINK_SECRET },
  tenantId: "dev-tenant",
  clientId: "client-1",
  hostname: "dev-tenant.us.auth0.com",
};
const message: OutboxMessage = {
  id: "msg_1",
  recipient: "+447700900123",
  code: "123456",
  text: "123456 is your verification code for dev-tenant.us.auth0.com.",
  action: "second-factor-authentication",
  message_type: "voice",
  created_at: "2025-01-01T00:00:00.000Z",
};

describe("events built like Auth0's", () => {
  test("send-phone-message: the message under message_options, with client, tenant, request and secrets", () => {
    const e = sendPhoneMessageEvent(message, ctx);
    assert.deepEqual(e.message_options, {
      action: "second-factor-authentication",
      code: "123456",
      message_type: "voice",
      recipient: "+447700900123",
      text: message.text,
    });
    assert.deepEqual(e.tenant, { id: "dev-tenant" });
    assert.equal((e.client as { client_id: string }).client_id, "client-1");
    assert.equal((e.request as { hostname: string }).hostname, "dev-tenant.us.auth0.com");
    assert.deepEqual(e.secrets, ctx.secrets);
    assert.notEqual(e.secrets, ctx.secrets, "each event gets its own copy of the secrets");
  });

  test("custom-phone-provider: purpose and channel in the unified experience's words", () => {
    const n = customPhoneProviderEvent(message, ctx).notification as Record<string, string>;
    assert.equal(n.message_type, "otp_verify");
    assert.equal(n.delivery_method, "voice");
    assert.equal(n.code, "123456");
    assert.equal(n.recipient, "+447700900123");
    const enroll = customPhoneProviderEvent({ ...message, action: "enrollment", message_type: "sms" }, ctx)
      .notification as Record<string, string>;
    assert.equal(enroll.message_type, "otp_enroll");
    assert.equal(enroll.delivery_method, "text");
  });
});

test("custom-email-provider: the rendered email under notification, no code field, no purpose", () => {
  const email = { ...message, recipient: "mfa-harness+email-1@example.com", message_type: "email" as const };
  const e = customEmailProviderEvent(email, ctx);
  const n = e.notification as Record<string, string>;
  assert.equal(n.message_type, "mfa_oob_code");
  assert.equal(n.to, email.recipient);
  assert.equal(n.text, email.text);
  assert.match(n.html ?? "", /123456/);
  assert.deepEqual(Object.keys(n).sort(), [
    "from",
    "html",
    "locale",
    "message_type",
    "subject",
    "text",
    "to",
  ]);
  assert.deepEqual(e.tenant, { id: "dev-tenant" });
});

describe("loadActionHandler", () => {
  test("loads the shipped Actions by trigger", () => {
    assert.equal(
      typeof loadActionHandler("tenant/actions/send-phone-message.js", "send-phone-message"),
      "function",
    );
    assert.equal(
      typeof loadActionHandler("tenant/actions/custom-phone-provider.js", "custom-phone-provider"),
      "function",
    );
    assert.equal(
      typeof loadActionHandler("tenant/actions/custom-email-provider.js", "custom-email-provider"),
      "function",
    );
  });

  test("names the missing handler when the file is for the other trigger", () => {
    assert.throws(
      () => loadActionHandler("tenant/actions/send-phone-message.js", "custom-phone-provider"),
      /does not export onExecuteCustomPhoneProvider \(the custom-phone-provider trigger's handler\)/,
    );
  });
});

describe("the runner between the mock's outbox and an Action", () => {
  let mock: Awaited<ReturnType<typeof startMockServer>>;
  let sink: Awaited<ReturnType<typeof startSink>>;
  before(async () => {
    mock = await startMockServer({ port: 0, host: "127.0.0.1", config: { users: 0 } });
    sink = await startSink({ secret: SINK_SECRET });
  });
  after(async () => {
    await sink?.close();
    await mock?.close();
  });

  const send = (recipient: string, action: OutboxMessage["action"], channel: "sms" | "voice" = "sms") =>
    mock.app.outbox.push({
      recipient,
      code: "654321",
      text: "654321 is your code",
      action,
      message_type: channel,
    });

  for (const trigger of ["send-phone-message", "custom-phone-provider"] as const) {
    test(`${trigger}: each new message reaches the sink once, signed, through the shipped Action`, async () => {
      sink.store.clear();
      const old = send("+447700900001", "enrollment");
      const runner = await startActionRunner({
        mockURL: mock.url,
        actions: [{ trigger, handler: loadActionHandler(`tenant/actions/${trigger}.js`, trigger) }],
        secrets: { SINK_URL: sink.url, SINK_SECRET },
        pollMs: 10_000, // flush() drives the reads, so the test does not depend on timing
      });
      try {
        const first = send("+447700900002", "enrollment");
        const second = send("+447700900002", "second-factor-authentication", "voice");
        await runner.flush();
        await runner.flush();
        const stored = sink.store.list();
        assert.deepEqual(
          stored.map((m) => [m.recipient, m.action, m.message_type, m.code]),
          [
            [first.recipient, "enrollment", "sms", first.code],
            [second.recipient, "second-factor-authentication", "voice", second.code],
          ],
          "in order, once each; the message already in the outbox is not replayed",
        );
        assert.ok(!stored.some((m) => m.recipient === old.recipient));
        assert.equal(runner.delivered, 2);
        assert.equal(runner.failed, 0);
      } finally {
        await runner.stop();
      }
    });
  }

  test("emails go to the email Action, phone messages to the phone one; with no email Action, emails are skipped", async () => {
    sink.store.clear();
    const phoneOnly = await startActionRunner({
      mockURL: mock.url,
      actions: [
        {
          trigger: "send-phone-message",
          handler: loadActionHandler("tenant/actions/send-phone-message.js", "send-phone-message"),
        },
      ],
      secrets: { SINK_URL: sink.url, SINK_SECRET },
      pollMs: 10_000,
    });
    const both = await startActionRunner({
      mockURL: mock.url,
      actions: (["custom-phone-provider", "custom-email-provider"] as const).map((trigger) => ({
        trigger,
        handler: loadActionHandler(`tenant/actions/${trigger}.js`, trigger),
      })),
      secrets: { SINK_URL: sink.url, SINK_SECRET },
      pollMs: 10_000,
    });
    try {
      const address = "mfa-harness+email-9@example.com";
      const email = mock.app.outbox.push({
        recipient: address,
        code: "246810",
        text: "246810 is your verification code.",
        action: "enrollment",
        message_type: "email",
      });
      const sms = send("+447700900009", "second-factor-authentication");
      await phoneOnly.flush();
      await both.flush();
      assert.deepEqual(
        [phoneOnly.delivered, phoneOnly.skipped],
        [1, 1],
        "the phone-only runner skips the email",
      );
      assert.deepEqual([both.delivered, both.skipped, both.failed], [2, 0, 0]);
      const emails = sink.store.list({ recipient: address });
      assert.deepEqual(
        emails.map((m) => [m.code, m.message_type, m.action]),
        [[email.code, "email", undefined]],
        "the email Action forwards the code it found in the text, with no purpose",
      );
      assert.equal(sink.store.list({ recipient: sms.recipient }).length, 2, "one per phone Action");
    } finally {
      await phoneOnly.stop();
      await both.stop();
    }
  });

  test("two Actions for one channel are refused", async () => {
    const handler: ActionHandler = async () => {};
    await assert.rejects(
      startActionRunner({
        mockURL: mock.url,
        actions: [
          { trigger: "send-phone-message", handler },
          { trigger: "custom-phone-provider", handler },
        ],
        secrets: {},
      }),
      /sms messages would go to two Actions \(send-phone-message, custom-phone-provider\)/,
    );
  });

  test("an email Action that throws is reported with the address and code masked", async () => {
    const failures: string[] = [];
    const runner = await startActionRunner({
      mockURL: mock.url,
      actions: [
        {
          trigger: "custom-email-provider",
          handler: async (event) => {
            const n = event.notification as { to: string; text: string };
            throw new Error(`provider refused ${n.to}: ${n.text}`);
          },
        },
      ],
      secrets: {},
      pollMs: 10_000,
      onFailed: (_m, error) => failures.push(error),
    });
    try {
      mock.app.outbox.push({
        recipient: "someone.private@example.org",
        code: "135790",
        text: "135790 is your code",
        action: "second-factor-authentication",
        message_type: "email",
      });
      await runner.flush();
      assert.equal(runner.failed, 1);
      assert.equal(failures.length, 1);
      assert.doesNotMatch(failures[0] ?? "", /someone|private|135790/);
      assert.match(failures[0] ?? "", /to s•+@•+\.org: provider refused s•+@•+\.org: \*{6} is your code$/);
    } finally {
      await runner.stop();
    }
  });

  test("an Action that throws is counted and reported with the code and number masked, and the runner goes on", async () => {
    const failures: string[] = [];
    const seen: string[] = [];
    const handler: ActionHandler = async (event) => {
      const o = event.message_options as { code: string; recipient: string };
      if (seen.push(o.recipient) === 1) throw new Error(`provider refused code ${o.code}`);
    };
    const runner = await startActionRunner({
      mockURL: mock.url,
      actions: [{ trigger: "send-phone-message", handler }],
      secrets: {},
      pollMs: 10_000,
      onFailed: (_m, error) => failures.push(error),
    });
    try {
      send("+447700900003", "enrollment");
      send("+447700900004", "enrollment");
      await runner.flush();
      assert.equal(runner.failed, 1);
      assert.equal(runner.delivered, 1);
      assert.equal(failures.length, 1);
      assert.match(failures[0] ?? "", /to \+•{8}0003: provider refused code \*{6}$/);
      assert.doesNotMatch(failures[0] ?? "", /654321|447700900003/);
    } finally {
      await runner.stop();
    }
  });

  test("an outbox that cannot be read is reported once, not thrown", async () => {
    const errors: string[] = [];
    let up = true;
    const runner = await startActionRunner({
      mockURL: mock.url,
      actions: [{ trigger: "send-phone-message", handler: async () => {} }],
      secrets: {},
      pollMs: 10_000,
      onError: (e) => errors.push(e),
      fetch: (input, init) => (up ? fetch(input, init) : Promise.reject(new Error("connection refused"))),
    });
    up = false;
    await runner.flush();
    await runner.flush();
    await runner.stop();
    assert.deepEqual(errors, ["connection refused"]);
  });
});
