import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { LINGER, startMockServer } from "./server.ts";

type Json = Record<string, unknown>;

describe("the real server on 127.0.0.1:0", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  let base: string;

  before(async () => {
    server = await startMockServer({
      port: 0,
      config: { profile: "essentials", validateResponses: true, users: 1 },
    });
    base = server.url;
  });
  after(() => server.close());

  async function call(
    method: string,
    path: string,
    body?: Json | string,
    headers: Record<string, string> = {},
  ) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (typeof body === "string") init.body = body;
    else if (body) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : undefined) as Json & Json[],
    };
  }

  it("runs the SMS flow of Auth0's page over HTTP: enroll, confirm, list, challenge, verify", async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const config = (await call("GET", "/__mock/config")).body;
    assert.equal(config.issuer, `${base}/`, "the issuer follows the server's address");
    const client = { client_id: String(config.client_id), client_secret: String(config.client_secret) };
    const user = (await call("POST", "/__mock/users", {})).body;
    const phone = "+15550001234";

    const start = await call("POST", "/oauth/token", {
      ...client,
      grant_type: "password",
      username: String(user.username),
      password: String(user.password),
    });
    assert.equal(start.status, 403);
    for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"])
      assert.ok(start.headers.get(h));
    const mfaToken = String(start.body.mfa_token);
    const auth = { authorization: `Bearer ${mfaToken}` };

    const enroll = await call(
      "POST",
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
      auth,
    );
    assert.equal(enroll.status, 200);
    assert.equal(enroll.headers.get("content-type"), "application/json; charset=utf-8");
    const outbox = (await call("GET", `/__mock/outbox?recipient=${encodeURIComponent(phone)}`)).body;
    assert.equal(outbox.length, 1);
    const form = new URLSearchParams({
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      ...client,
      mfa_token: mfaToken,
      oob_code: String(enroll.body.oob_code),
      binding_code: String(outbox[0]?.code),
    });
    const confirm = await call("POST", "/oauth/token", form.toString(), {
      "content-type": "application/x-www-form-urlencoded",
      ...auth,
    });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.headers.get("content-type"), "application/json");

    const list = await call("GET", "/mfa/authenticators", undefined, {
      ...auth,
      "content-type": "application/json",
    });
    const sms = list.body.find((a) => a.oob_channel === "sms");
    assert.equal(sms?.active, true);
    assert.equal(sms?.name, "XXXXXXXX1234");

    const ch = await call("POST", "/mfa/challenge", {
      ...client,
      challenge_type: "oob",
      authenticator_id: String(sms?.id),
      mfa_token: mfaToken,
    });
    assert.equal(ch.status, 200);
    const after = (
      await call("GET", `/__mock/outbox?recipient=${encodeURIComponent(phone)}&after=${outbox[0]?.id}`)
    ).body;
    assert.equal(after[0]?.action, "second-factor-authentication");
    const verify = await call("POST", "/oauth/token", {
      ...client,
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: mfaToken,
      oob_code: String(ch.body.oob_code),
      binding_code: String(after[0]?.code),
    });
    assert.equal(verify.status, 200);
    assert.equal(typeof verify.body.access_token, "string");
    const discovery = (await call("GET", "/.well-known/openid-configuration")).body;
    assert.equal(discovery.jwks_uri, `${base}/.well-known/jwks.json`);
  });

  it("refuses an oversized body with 413 and keeps serving", async () => {
    const res = await call("POST", "/oauth/token", `{"x":"${"a".repeat(200_000)}"}`, {
      "content-type": "application/json",
    });
    assert.equal(res.status, 413);
    assert.equal(res.body.error, "invalid_request");
    assert.equal((await call("GET", "/__mock/health")).body.status, "ok");
  });

  // A client that reads its answer only once its body is sent (fetch) must see the 413, not a reset.
  for (const mb of [2, 20]) {
    it(`answers a ${mb} MB body sent with fetch by a 413 the client reads, in Auth0's shape`, async () => {
      const res = await fetch(`${base}/mfa/associate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new Uint8Array(mb * 1024 * 1024).fill(0x20),
      });
      assert.equal(res.status, 413);
      assert.equal(res.headers.get("connection"), "close");
      const body = (await res.json()) as Json;
      assert.equal(body.error, "invalid_request");
      assert.equal(body.error_description, "Request body too large.");
    });
  }

  /**
   * Declares a huge body, sends `bytes` of it (all, or until the server cuts the connection) and,
   * after `probeAfterMs`, sends more to learn whether the server still reads: a closed socket
   * answers with a reset. Resolves when the connection is gone, or after 15 s at most.
   */
  function overLimit(
    bytes: number,
    probeAfterMs?: number,
  ): Promise<{ answer: string; sent: number; ms: number }> {
    const { port } = new URL(base);
    const started = Date.now();
    return new Promise((resolve) => {
      // Half-open, as a client still sending its body is: the server's FIN must not end our side.
      const socket = connect({ port: Number(port), host: "127.0.0.1", allowHalfOpen: true });
      let answer = "";
      let sent = 0;
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => {
        answer += d;
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve({ answer, sent, ms: Date.now() - started }));
      socket.setTimeout(15_000, () => socket.destroy());
      socket.write("POST /mfa/associate HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n");
      socket.write(`content-length: ${4 * LINGER.bytes}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (until: number) => {
        while (sent < until && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", () => pump(until));
        }
      };
      pump(bytes);
      if (probeAfterMs !== undefined) setTimeout(() => pump(bytes + 1024 * 1024), probeAfterMs);
    });
  }

  it("cuts off a client that keeps sending past the lingering bound, after answering 413", async () => {
    const { answer, sent } = await overLimit(4 * LINGER.bytes);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(sent < 4 * LINGER.bytes, `the server read all ${sent} bytes instead of cutting the client off`);
    assert.equal((await call("GET", "/__mock/health")).status, 200);
  });

  it("stops reading from a client that went quiet after a 413, once the idle bound has passed", async () => {
    const { answer, ms } = await overLimit(1024 * 1024, LINGER.idleMs + 1_000);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    // Reset by the probe (about idleMs + 1 s), not by the total bound or our own 15 s timeout.
    assert.ok(
      ms < LINGER.totalMs,
      `the connection lived ${ms} ms: the server was still reading after the idle bound`,
    );
  });

  // A request whose connection fails mid-body errors; the server keeps no "error" listener on it
  // (one fewer per request), so these prove such a request neither crashes the process nor stalls it.
  const brokenBodies = [
    { name: "the client resets the connection", end: (s: Socket) => s.resetAndDestroy() },
    { name: "the client closes the connection", end: (s: Socket) => s.destroy() },
  ];
  for (const row of brokenBodies) {
    it(`keeps serving after a request whose body stops halfway (${row.name})`, async () => {
      const { port } = new URL(base);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(
            "POST /mfa/challenge HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n",
          );
          socket.write('content-length: 1000\r\n\r\n{"mfa_token": "');
          setTimeout(() => row.end(socket), 50);
        });
        socket.on("error", () => {});
        socket.on("close", () => resolve());
        socket.setTimeout(5000, () => socket.destroy());
      });
      assert.equal((await call("GET", "/__mock/health")).status, 200);
    });
  }

  /** Sends raw bytes and resolves with everything the server answered before closing. */
  function raw(bytes: string): Promise<string> {
    const { port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.end(bytes));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => {
        text += d;
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      socket.setTimeout(5000, () => socket.destroy(new Error("no answer in 5 s")));
    });
  }

  const malformed = [
    {
      name: "a method with a space",
      bytes: "PO ST /mfa/challenge HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n",
      status: 400,
    },
    { name: "a header name with a space", bytes: "GET / HTTP/1.1\r\nbad header: 1\r\n\r\n", status: 400 },
    {
      name: "a non-numeric content-length",
      bytes: "POST /oauth/token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: abc\r\n\r\n",
      status: 400,
    },
    {
      name: "headers over the parser's limit",
      bytes: `GET / HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
      status: 431,
    },
  ];
  for (const row of malformed) {
    it(`answers unparseable HTTP (${row.name}) with ${row.status} in Auth0's shape, and keeps serving`, async () => {
      const answer = await raw(row.bytes);
      assert.match(answer, new RegExp(`^HTTP/1\\.1 ${row.status} `));
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Json;
      assert.equal(body.error, "invalid_request");
      assert.equal(typeof body.error_description, "string");
      assert.equal((await call("GET", "/__mock/health")).status, 200);
    });
  }
});
