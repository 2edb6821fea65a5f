import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { afterEach, describe, test } from "node:test";
import { verifySignature } from "./signature.ts";
import { parseSinkMessage } from "./sink.ts";

// The Action is CommonJS, as Auth0 runs it (tenant/actions/package.json says so).
const require = createRequire(import.meta.url);
type Handler = (event: unknown, api: unknown) => Promise<void>;
const emailAction = require("./actions/custom-email-provider.js") as {
  onExecuteCustomEmailProvider: Handler;
};

const secrets = { SINK_URL: "https://sink.example.com/", SINK_SECRET: "q".repeat(40) };
const to = "mfa-harness+email-1@example.com";
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

// An `api` whose every method fails the test: the Action only forwards, it never drops or retries.
const api = new Proxy({}, { get: (_t, p) => assert.fail(`api.${String(p)} used`) });

/** A custom-email-provider notification as Auth0 documents it (no code field: only the rendered email). */
function notification(over: Record<string, unknown> = {}) {
  return {
    message_type: "mfa_oob_code",
    to,
    from: "no-reply@tenant.example.com",
    subject: "Verification code",
    text: "Your verification code is 482913. It expires in 5 minutes.",
    html: "<p>Your verification code is <b>482913</b>.</p>",
    locale: "en",
    ...over,
  };
}

describe("custom-email-provider Action", () => {
  test("forwards an MFA code, signed, as an email message the sink accepts", async () => {
    const calls = captureFetch();
    await emailAction.onExecuteCustomEmailProvider({ notification: notification(), secrets }, api);
    assert.equal(calls.length, 1);
    const call = calls[0];
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
    const payload = JSON.parse(call.body) as Record<string, unknown>;
    assert.deepEqual(payload, {
      recipient: to,
      code: "482913",
      text: "Your verification code is 482913. It expires in 5 minutes.",
      message_type: "email",
      hook: "custom-email-provider",
    });
    // What the Action posts is what the sink stores (its validation is the other side of this contract).
    assert.deepEqual(parseSinkMessage(payload), {
      recipient: to,
      code: "482913",
      text: payload.text,
      message_type: "email",
    });
  });

  const codes: { name: string; over: Record<string, unknown>; code?: string; error?: RegExp }[] = [
    { name: "the code at the start of the text", over: { text: "123456 is your code." }, code: "123456" },
    { name: "the same code twice", over: { text: "Code 123456. Again: 123456" }, code: "123456" },
    { name: "a 4-digit year beside it", over: { text: "© 2025 · code 654321" }, code: "654321" },
    {
      name: "from the html when there is no text",
      over: { text: "", html: "<td>Code</td><td>777001</td>" },
      code: "777001",
    },
    { name: "no code", over: { text: "Hello", html: "" }, error: /expected one 6-digit code .* found 0/ },
    { name: "two different codes", over: { text: "111111 or 222222" }, error: /found 2/ },
    { name: "seven digits are not a code", over: { text: "ref 1234567" }, error: /found 0/ },
  ];
  for (const row of codes) {
    test(`finds the code: ${row.name}`, async () => {
      const calls = captureFetch();
      const run = emailAction.onExecuteCustomEmailProvider(
        { notification: notification(row.over), secrets },
        api,
      );
      if (row.error) {
        await assert.rejects(run, row.error);
        assert.equal(calls.length, 0, "nothing is posted when the code is unclear");
      } else {
        await run;
        assert.equal((JSON.parse(calls[0]?.body ?? "{}") as { code?: string }).code, row.code);
      }
    });
  }

  for (const type of [
    "verify_email",
    "welcome_email",
    "reset_email",
    "enrollment_email",
    "blocked_account",
  ]) {
    test(`drops a ${type} email unsent and posts nothing`, async () => {
      const calls = captureFetch();
      await emailAction.onExecuteCustomEmailProvider(
        { notification: notification({ message_type: type }), secrets },
        api,
      );
      assert.equal(calls.length, 0);
    });
  }

  test("fails loudly when the sink refuses, so Auth0 records a delivery failure", async () => {
    captureFetch(401);
    await assert.rejects(
      emailAction.onExecuteCustomEmailProvider({ notification: notification(), secrets }, api),
      /sink answered 401/,
    );
  });

  test("fails loudly without its secrets, and sends nothing", async () => {
    const calls = captureFetch();
    await assert.rejects(
      emailAction.onExecuteCustomEmailProvider({ notification: notification(), secrets: {} }, api),
      /SINK_URL and SINK_SECRET/,
    );
    assert.equal(calls.length, 0);
  });
});
