import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { startMock } from "../start.ts";
import { plainOnHttpsAnswer } from "./front.ts";

/** What a raw TCP client gets back for `text`: the whole answer, once the server closes. */
function rawExchange(port: number, host: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(text));
    let answer = "";
    socket.on("data", (c: Buffer) => {
      answer += c.toString("utf8");
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}

/** GET over HTTPS trusting `ca`: status and body. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

/** Whether ::1 can be listened on here (a container without IPv6 has no ::1). */
async function hasIpv6Loopback(): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(0, "::1", () => s.close(() => resolve(true)));
  });
}

describe("the TLS port: a plain HTTP request is told where to go (nginx's 497 idea)", () => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  let port: number;
  before(async () => {
    mock = await startMock({ tls: true });
    port = Number(new URL(mock.url).port);
  });
  after(() => mock.close());

  // Each a first byte that is not a TLS handshake: answered 400 with the HTTPS URL, not a silent close.
  const plain = [
    { name: "a GET", text: "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: localhost\r\n\r\n" },
    { name: "a POST", text: "POST /oauth/token HTTP/1.1\r\nHost: localhost\r\ncontent-length: 0\r\n\r\n" },
    { name: "not even HTTP", text: "hello\r\n" },
  ];
  for (const row of plain) {
    it(`${row.name} in plain text answers 400 "this port speaks HTTPS"`, async () => {
      const answer = await rawExchange(port, "127.0.0.1", row.text);
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Record<string, string>;
      assert.equal(body.error, "invalid_request");
      assert.match(body.error_description ?? "", /This port speaks HTTPS/);
      assert.match(body.error_description ?? "", new RegExp(`https://localhost:${port}/`));
    });
  }

  it("the answer's content-length is its body's", () => {
    const answer = plainOnHttpsAnswer(4443);
    const [head, body] = answer.split("\r\n\r\n");
    assert.equal(Number(/content-length: (\d+)/.exec(head ?? "")?.[1]), Buffer.byteLength(body ?? ""));
  });

  it("HTTPS still works on the same port, by every name the certificate carries", async (t) => {
    const ca = mock.caCert ?? "";
    const hosts = ["localhost", "127.0.0.1"];
    if (await hasIpv6Loopback()) hosts.push("[::1]");
    else t.diagnostic("no IPv6 loopback on this machine: [::1] not tried");
    for (const host of hosts) {
      const { status, body } = await httpsGet(`https://${host}:${port}/__mock/health`, ca);
      assert.equal(status, 200, host);
      assert.equal((JSON.parse(body) as { status: string }).status, "ok");
    }
  });
});

describe("127.0.0.1 also listens on ::1", () => {
  it("plain HTTP on [::1] answers, and close() ends both, an idle and a silent connection included", async (t) => {
    if (!(await hasIpv6Loopback())) return t.skip("no IPv6 loopback on this machine");
    const mock = await startMock({});
    const port = Number(new URL(mock.url).port);
    const answer = await fetch(`http://[::1]:${port}/__mock/health`);
    assert.equal(answer.status, 200);
    // A connection that never sends a byte must not hold close() open.
    const silent = connect(port, "::1");
    await new Promise((resolve) => silent.once("connect", resolve));
    const started = Date.now();
    await mock.close();
    assert.ok(Date.now() - started < 2000, "closed without waiting for the silent connection");
    await assert.rejects(fetch(`http://[::1]:${port}/__mock/health`));
  });

  it("a TLS mock's silent connection does not hold close() open either", async () => {
    const mock = await startMock({ tls: true });
    const port = Number(new URL(mock.url).port);
    const silent = connect(port, "127.0.0.1");
    await new Promise((resolve) => silent.once("connect", resolve));
    const started = Date.now();
    await mock.close();
    assert.ok(Date.now() - started < 2000);
  });
});
