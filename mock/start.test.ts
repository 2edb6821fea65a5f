import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { defaultConfig, toPublicConfig } from "./config/config.ts";
import {
  ConfigError,
  createMock,
  type MockConfigJson,
  MockControlError,
  type MockOptions,
  mockControl,
  mockVersion,
  type StartMockOptions,
  startMock,
  TlsError,
} from "./start.ts";

const PHONE = "+15555550142";

/** The rule MockConfigJson's type applies to MockConfig's keys. */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe("createMock (in process, no port)", () => {
  it("answers fetch-style: a path, an absolute URL or a Request; JSON and form bodies", async () => {
    const mock = createMock({ profile: "off", signingThreads: 0 });
    const health = await mock.request("/__mock/health");
    assert.ok(health instanceof Response);
    assert.deepEqual(await health.json(), { status: "ok", version: mockVersion });
    const discovery = await mock.request(
      new URL("https://anywhere.example/.well-known/openid-configuration"),
    );
    assert.equal((await discovery.json()).issuer, mock.issuer);
    const user = await mock.control.users.create({ username: "ada", password: "Passw0rd!xyz" });
    const form = new URLSearchParams({
      grant_type: "password",
      username: user.username,
      password: user.password,
      client_id: mock.clientId,
      client_secret: mock.clientSecret,
    });
    const login = await mock.request(
      new Request(`${mock.issuer}oauth/token`, { method: "POST", body: form }),
    );
    assert.equal(login.status, 403);
    const { mfa_token } = await login.json();
    const enroll = await mock.request("/mfa/associate", {
      method: "POST",
      headers: { authorization: `Bearer ${mfa_token}`, "content-type": "application/json" },
      body: JSON.stringify({ authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: PHONE }),
    });
    assert.equal(enroll.status, 200);
    assert.match(enroll.headers.get("content-type") ?? "", /^application\/json/);
    const sms = await mock.control.outbox.latest(PHONE);
    assert.match(sms?.code ?? "", /^\d{6}$/);
    assert.equal((await mock.control.outbox.list({ recipient: PHONE })).length, 1);
    assert.equal(await mock.control.outbox.latest("+15555550199"), undefined);
  });

  it("a 204 has no body; the control calls change the mock they belong to", async () => {
    const mock = createMock({ profile: "off", signingThreads: 0 });
    const other = createMock({ profile: "off", signingThreads: 0 });
    const before = await mock.control.clock.now();
    const after = await mock.control.clock.advance(60);
    assert.equal(Date.parse(after) - Date.parse(before) >= 60_000, true);
    assert.equal(Date.parse(await other.control.clock.now()) < Date.parse(after), true);
    const changed = await mock.control.config.set({ code_ttl_seconds: 60, faults: { latency_ms: 0 } });
    assert.equal(changed.code_ttl_seconds, 60);
    assert.equal((await other.control.config.get()).code_ttl_seconds, 300);
    await mock.control.reset();
    const options = await mock.request("/mfa/challenge", { method: "OPTIONS" });
    if (options.status === 204) assert.equal(await options.text(), "");
  });

  it("GET /__mock/config names each field as MockConfigJson's type does (snake_case of MockConfig)", () => {
    const config = defaultConfig();
    const json = toPublicConfig(config);
    // The control token is never answered (docs/behaviour.md#exposure); MockConfigJson leaves it out too.
    const answered = Object.keys(config).filter((k) => k !== "controlToken");
    assert.deepEqual(Object.keys(json).sort(), answered.map(snake).sort());
    assert.deepEqual(Object.keys(json.faults as object).sort(), Object.keys(config.faults).map(snake).sort());
    // The type and the answer agree on a value too: the client id is the configured one.
    const typed = json as MockConfigJson;
    assert.equal(typed.client_id, config.clientId);
  });

  it("a refusal of the control API is a MockControlError with Auth0's envelope", async () => {
    const mock = createMock({ signingThreads: 0 });
    await assert.rejects(
      mock.control.config.set({ profile: "platinum" as never }),
      (e: unknown) => e instanceof MockControlError && e.status === 400 && e.error === "invalid_config",
    );
    await assert.rejects(
      mock.control.clock.advance(-1),
      (e: unknown) => e instanceof MockControlError && /advance_seconds/.test(e.message),
    );
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ["a seed out of range", { seed: -1 }, /^seed must be an integer/],
    ["an unknown profile", { profile: "platinum" }, /^profile must be one of/],
    ["a typo", { prfile: "free" }, /^prfile: unknown option/],
    // Named as the library writes it (was the control API's code_ttl_seconds).
    ["a bad TTL", { codeTtlSeconds: 0 }, /^codeTtlSeconds must be/],
    [
      "an unknown deviation",
      { faults: { deviations: ["nope"] } },
      /deviations\[0\] must be a known deviation/,
    ],
    ["control not a boolean", { control: "no" }, /^control must be true or false/],
    ["signing threads out of range", { signingThreads: 1000 }, /^signingThreads must be an integer/],
    ["clashing client ids", { publicClientId: "mockClientId00000000000000000000" }, /must differ/],
  ];
  for (const [name, options, message] of refused) {
    it(`refuses ${name} with the option's name`, () => {
      assert.throws(
        () => createMock(options as MockOptions),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }
});

describe("startMock (on a port)", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("serves plain HTTP on a free port; mockControl(url) reaches it from anywhere", async () => {
    const mock = await startMock({ profile: "off", signingThreads: 0 });
    try {
      assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(mock.url).port, "4010");
      assert.equal(mock.domain, new URL(mock.url).host);
      assert.equal(mock.issuer, `${mock.url}/`);
      assert.equal(mock.caCert, undefined);
      assert.deepEqual(await mock.control.health(), { status: "ok", version: mockVersion });
      const remote = mockControl(mock.url);
      const user = await remote.users.create({ username: "grace" });
      assert.equal(user.username, "grace");
      await assert.rejects(remote.users.create({ username: "grace" }), (e: unknown) => {
        return e instanceof MockControlError && e.status === 409;
      });
      const res = await fetch(`${mock.url}/.well-known/openid-configuration`);
      assert.equal((await res.json()).issuer, mock.issuer);
    } finally {
      await mock.close();
    }
  });

  it("serves HTTPS with tls: its CA in caCert, the domain localhost:<port>", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "start-tls-"));
    dirs.push(dir);
    const mock = await startMock({ tls: { dir }, signingThreads: 0 });
    try {
      assert.match(mock.url, /^https:\/\/localhost:\d+$/);
      assert.equal(mock.domain, `localhost:${new URL(mock.url).port}`);
      assert.equal(mock.issuer, `https://${mock.domain}/`);
      assert.match(mock.caCert ?? "", /^-----BEGIN CERTIFICATE-----/);
      assert.ok(mock.caPath?.startsWith(dir));
      // Another process would trust the CA; without it the certificate is refused.
      assert.equal((await mockControl(mock.url, { ca: mock.caCert }).health()).version, mockVersion);
      await assert.rejects(mockControl(mock.url).health(), /certificate/);
    } finally {
      await mock.close();
    }
  });

  it("refuses a bad option before it listens", async () => {
    await assert.rejects(startMock({ users: -5 }), (e: unknown) => e instanceof ConfigError);
  });

  // Where it listens is checked like the configuration: a ConfigError naming the option as the
  // library writes it, never Node's RangeError from listen() or a TLS failure after the start.
  const badServer: Array<[string, StartMockOptions, string, RegExp]> = [
    ["a negative port", { port: -1 }, "port", /^port must be an integer from 0 to 65535; got -1$/],
    ["a port too high", { port: 70_000 }, "port", /^port must be an integer from 0 to 65535/],
    ["a host with a space", { host: "a b" }, "host", /^host must be a host name or IP address/],
    ["tls not a boolean or object", { tls: "yes" as never }, "tls", /^tls must be true, false or an object/],
    ["an unknown tls field", { tls: { crt: "/x.pem" } as never }, "tls.crt", /only "dir", "cert" and "key"/],
    ["a certificate without its key", { tls: { cert: "/x.pem" } }, "tls.key", /^tls.key is missing/],
  ];
  for (const [name, options, option, message] of badServer) {
    it(`refuses ${name} with the option's name`, async () => {
      await assert.rejects(
        startMock({ ...options, signingThreads: 0 }),
        (e: unknown) => e instanceof ConfigError && e.option === option && message.test(e.message),
      );
    });
  }

  it("names an unreadable certificate tls.cert (a TlsError, of the ConfigError family)", async () => {
    await assert.rejects(
      startMock({ tls: { cert: "/nonexistent/c.pem", key: "/nonexistent/k.pem" }, signingThreads: 0 }),
      (e: unknown) =>
        e instanceof TlsError && e instanceof ConfigError && /^tls\.cert: cannot read/.test(e.message),
    );
  });
});
