import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHttpInbox, InboxTimeoutError } from "./inbox.ts";
import { signBody, sinkReadToken } from "./signature.ts";
import { parseSinkMessage, SinkStore, startSink } from "./sink.ts";

const secret = "z".repeat(40);
const message = {
  recipient: "+447700900200",
  code: "123456",
  text: "Your code is 123456",
  action: "enrollment",
  message_type: "sms",
};
/** What the custom email provider Action posts: an address, no action (its event has none). */
const emailMessage = {
  recipient: "mfa-harness+email-1@example.com",
  code: "654321",
  text: "654321 is your verification code.",
  message_type: "email",
};

describe("sink over HTTP", () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  let clock = 1_800_000_000_000;
  const rejected: string[] = [];
  before(async () => {
    sink = await startSink({ secret, maxMessages: 3, now: () => clock, onReject: (r) => rejected.push(r) });
  });
  after(() => sink.close());

  /** Posts a body signed at the sink's clock (or `at`, in seconds). */
  function post(body: unknown, opts: { at?: number; signature?: string; secret?: string } = {}) {
    const raw = JSON.stringify(body);
    const ts = opts.at ?? Math.floor(clock / 1000);
    return fetch(`${sink.url}/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-sink-timestamp": String(ts),
        "x-sink-signature": opts.signature ?? signBody(opts.secret ?? secret, ts, raw),
      },
      body: raw,
    });
  }
  const read = (query = "", token = sinkReadToken(secret)) =>
    fetch(`${sink.url}/outbox${query}`, { headers: { authorization: `Bearer ${token}` } });

  test("binds to 127.0.0.1 by default", () => assert.match(sink.url, /^http:\/\/127\.0\.0\.1:\d+$/));

  test("accepts a signed message and lists it with the outbox's fields", async () => {
    const res = await post(message);
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };
    const list = (await (await read(`?recipient=${encodeURIComponent(message.recipient)}`)).json()) as Record<
      string,
      unknown
    >[];
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0] ?? {}).sort(), [
      "action",
      "code",
      "created_at",
      "id",
      "message_type",
      "recipient",
      "text",
    ]);
    assert.equal(list[0]?.id, id);
    assert.equal(list[0]?.created_at, new Date(clock).toISOString());
  });

  const refusals: { name: string; send: () => Promise<Response>; status: number; reason: RegExp }[] = [
    {
      name: "wrong secret",
      send: () => post(message, { secret: "y".repeat(40) }),
      status: 401,
      reason: /mismatch/,
    },
    {
      name: "stale timestamp",
      send: () => post(message, { at: Math.floor(clock / 1000) - 600 }),
      status: 401,
      reason: /window/,
    },
    {
      name: "no signature",
      send: () => post(message, { signature: "" }),
      status: 401,
      reason: /missing x-sink-signature/,
    },
    { name: "code not digits", send: () => post({ ...message, code: "abc" }), status: 400, reason: /code/ },
    {
      name: "recipient not E.164",
      send: () => post({ ...message, recipient: "07700900" }),
      status: 400,
      reason: /E\.164/,
    },
    {
      name: "unknown message_type",
      send: () => post({ ...message, message_type: "fax" }),
      status: 400,
      reason: /message_type is not sms, voice or email/,
    },
    {
      name: "email to a phone number",
      send: () => post({ ...emailMessage, recipient: message.recipient }),
      status: 400,
      reason: /recipient is not an email address/,
    },
    {
      name: "sms to an email address",
      send: () => post({ ...message, recipient: emailMessage.recipient }),
      status: 400,
      reason: /E\.164/,
    },
    {
      name: "email with an unknown action",
      send: () => post({ ...emailMessage, action: "mfa_oob_code" }),
      status: 400,
      reason: /action is not enrollment or second-factor-authentication \(an email may leave it out\)/,
    },
    {
      name: "sms without an action",
      send: () => post({ ...message, action: undefined }),
      status: 400,
      reason: /^action is not/,
    },
    {
      name: "oversized body",
      send: () => post({ ...message, text: "x".repeat(20_000) }),
      status: 413,
      reason: /too large/,
    },
  ];
  for (const row of refusals) {
    test(`refuses: ${row.name}`, async () => {
      const res = await row.send();
      assert.equal(res.status, row.status);
      assert.match(rejected.at(-1) ?? "", row.reason);
      const body = (await res.json()) as { error?: unknown; error_description?: unknown };
      assert.equal(typeof body.error, "string", "Auth0's error shape");
      assert.match(String(body.error_description), row.reason);
    });
  }

  test("accepts a signed email without an action and lists it by address", async () => {
    const res = await post(emailMessage);
    assert.equal(res.status, 202);
    const list = (await (
      await read(`?recipient=${encodeURIComponent(emailMessage.recipient)}`)
    ).json()) as Record<string, unknown>[];
    assert.equal(list.length, 1);
    assert.deepEqual({ ...list[0], id: "", created_at: "" }, { ...emailMessage, id: "", created_at: "" });
  });

  test("refuses an identical request replayed inside the window", async () => {
    const raw = JSON.stringify({ ...message, recipient: "+447700900201" });
    const ts = Math.floor(clock / 1000);
    const init = {
      method: "POST",
      headers: { "x-sink-timestamp": String(ts), "x-sink-signature": signBody(secret, ts, raw) },
      body: raw,
    };
    assert.equal((await fetch(`${sink.url}/messages`, init)).status, 202);
    assert.equal((await fetch(`${sink.url}/messages`, init)).status, 409);
  });

  test("reading needs the derived bearer token, not the secret", async () => {
    assert.equal((await read("", secret)).status, 401);
    assert.equal((await fetch(`${sink.url}/outbox`)).status, 401);
    assert.equal((await read()).status, 200);
  });

  test("keeps at most maxMessages, oldest dropped; `after` still works past eviction", async () => {
    for (let i = 0; i < 4; i++) {
      clock += 1000;
      assert.equal((await post({ ...message, code: `90000${i}` })).status, 202);
    }
    const all = (await (await read()).json()) as { id: string; code: string }[];
    assert.deepEqual(
      all.map((m) => m.code),
      ["900001", "900002", "900003"],
    );
    const newer = (await (await read(`?after=${all[0]?.id}`)).json()) as { code: string }[];
    assert.deepEqual(
      newer.map((m) => m.code),
      ["900002", "900003"],
    );
  });

  test("the HTTP inbox reads the next code, then the one after", async () => {
    const inbox = createHttpInbox({
      url: `${sink.url}/outbox`,
      headers: { authorization: `Bearer ${sinkReadToken(secret)}` },
      pollMs: 5,
    });
    const recipient = "+447700900299";
    clock += 1000;
    await post({ ...message, recipient, code: "111111" });
    clock += 1000;
    await post({
      ...message,
      recipient,
      code: "222222",
      action: "second-factor-authentication",
      message_type: "voice",
    });
    const first = await inbox.nextCode(recipient, { timeoutMs: 1000 });
    assert.equal(first.code, "111111");
    const second = await inbox.nextCode(recipient, { timeoutMs: 1000 });
    assert.deepEqual(
      { ...second, id: "" },
      { code: "222222", action: "second-factor-authentication", message_type: "voice", id: "" },
    );
    await assert.rejects(inbox.nextCode(recipient, { timeoutMs: 20 }), (e: unknown) => {
      assert.ok(e instanceof InboxTimeoutError);
      assert.match(e.message, /•{8}0299/);
      assert.doesNotMatch(e.message, /447700900299/);
      return true;
    });
  });

  test("the HTTP inbox returns an email's code, with no action when the Action sent none", async () => {
    const inbox = createHttpInbox({
      url: `${sink.url}/outbox`,
      headers: { authorization: `Bearer ${sinkReadToken(secret)}` },
      pollMs: 5,
    });
    const recipient = "mfa-harness+email-2@example.com";
    clock += 1000;
    await post({ ...emailMessage, recipient, code: "333333" });
    const got = await inbox.nextCode(recipient, { timeoutMs: 1000 });
    assert.deepEqual({ ...got, id: "" }, { code: "333333", message_type: "email", id: "" });
    await assert.rejects(inbox.nextCode(recipient, { timeoutMs: 20 }), (e: unknown) => {
      assert.ok(e instanceof InboxTimeoutError);
      assert.doesNotMatch(e.message, /mfa-harness|email-2/, "the address is masked");
      return true;
    });
  });

  test("DELETE /outbox clears; unknown paths are 404", async () => {
    const del = await fetch(`${sink.url}/outbox`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${sinkReadToken(secret)}` },
    });
    assert.equal(del.status, 204);
    assert.equal(sink.store.size(), 0);
    const unknown = await fetch(`${sink.url}/nope`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: string }).error, "not_found");
    assert.equal((await fetch(`${sink.url}/health`)).status, 200);
  });

  test("a known path with another method is 405 with allow", async () => {
    const rows: Array<[string, string, string]> = [
      ["PUT", "/messages", "POST"],
      ["GET", "/messages", "POST"],
      ["POST", "/outbox", "GET, DELETE"],
      ["DELETE", "/health", "GET"],
    ];
    for (const [method, path, allow] of rows) {
      const res = await fetch(`${sink.url}${path}`, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), allow);
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, "method_not_allowed");
      assert.match(body.error_description, new RegExp(`^${method} is not allowed`));
    }
  });
});

test("SinkStore filters by recipient and ISO time", () => {
  const store = new SinkStore(10);
  const base = { code: "123456", text: "", action: "enrollment" as const, message_type: "sms" as const };
  store.push({ ...base, recipient: "+15550000001" }, 1000);
  store.push({ ...base, recipient: "+15550000002" }, 2000);
  store.push({ ...base, recipient: "+15550000001" }, 3000);
  assert.equal(store.list({ recipient: "+15550000001" }).length, 2);
  assert.equal(store.list({ after: new Date(1500).toISOString() }).length, 2);
  assert.equal(store.list({ recipient: "+15550000001", after: "msg_00000001" }).length, 1);
});

test("parseSinkMessage keeps only the known fields", () => {
  const parsed = parseSinkMessage({ ...message, hook: "send-phone-message", extra: 1 });
  assert.deepEqual(parsed, message);
  assert.equal(parseSinkMessage([]), "body is not a JSON object");
  assert.deepEqual(parseSinkMessage({ ...emailMessage, hook: "custom-email-provider" }), emailMessage);
  const withAction = { ...emailMessage, action: "enrollment" };
  assert.deepEqual(parseSinkMessage(withAction), withAction, "an Action that knows the purpose may say it");
});
