/**
 * Where the mock may listen (docs/behaviour.md#exposure): off loopback it refuses to start without a
 * control token (unless the control API is off), over HTTPS without a domain clients use, and bound
 * to every interface over plain HTTP without a domain or issuer; it says where it is bound.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { describe, it } from "node:test";
import { ConfigError, parseArgs, resolveConfig } from "./config/config.ts";
import { checkExposure, exposureNotice, publicUrl } from "./exposure.ts";
import { startMock } from "./start.ts";

const TOKEN = "0123456789abcdef0123456789abcdef";

describe("checkExposure", () => {
  // Each refusal quoted whole: these are the messages a user sees.
  const refused: Array<{ name: string; argv: string[]; says: string; option: string }> = [
    {
      name: "0.0.0.0 without a control token",
      argv: ["--host", "0.0.0.0", "--domain", "mock.internal"],
      says: "--host 0.0.0.0 is not loopback: anyone who can reach it could use the control API (the configuration, the codes sent, the private key, push approvals), so it needs a control token. Give one of 16 or more characters with --control-token <token> (or MOCK_CONTROL_TOKEN=<token>), for example from `openssl rand -hex 32`, and send it as Authorization: Bearer <token>; or turn the control API off with --no-control",
      option: "--control-token",
    },
    {
      name: "a LAN address without a control token",
      argv: ["--host", "192.168.1.5"],
      says: "--host 192.168.1.5 is not loopback: anyone who can reach it could use the control API",
      option: "--control-token",
    },
    {
      name: "HTTPS on :: without a domain",
      argv: ["--host", "::", "--tls", "--control-token", TOKEN],
      says: "--host :: is not loopback and serves HTTPS: give --domain <name> (or MOCK_DOMAIN=<name>), the name clients use to reach it (e.g. mock.internal:4010); the certificate is issued for it, since one for localhost fails every remote client's name check",
      option: "--domain",
    },
    {
      name: "HTTPS on a LAN address with a loopback domain",
      argv: ["--host", "10.0.0.2", "--tls", "--domain", "localhost:4010", "--control-token", TOKEN],
      says: "--host 10.0.0.2 is not loopback and serves HTTPS: give --domain <name>",
      option: "--domain",
    },
    {
      name: "plain HTTP on 0.0.0.0 without a domain (the issuer would be http://0.0.0.0:<port>/)",
      argv: ["--host", "0.0.0.0", "--no-control"],
      says: "--host 0.0.0.0 listens on every interface, so it names no host for the issuer (http://0.0.0.0:<port>/ is no address a client can use): give --domain <name> (or MOCK_DOMAIN=<name>), the name clients use (the issuer becomes https://<name>/), or --issuer <url>",
      option: "--domain",
    },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}`, () => {
      const p = parseArgs(row.argv, {});
      assert.throws(
        () => checkExposure(p.config, { host: p.host, https: p.tls !== undefined }, p.naming),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith(row.says) && e.option === row.option,
      );
    });
  }

  it("names the variable when the host came from one", () => {
    const p = parseArgs([], { MOCK_HOST: "0.0.0.0", MOCK_DOMAIN: "mock.internal" });
    assert.throws(
      () => checkExposure(p.config, { host: p.host, https: false }, p.naming),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^MOCK_HOST 0\.0\.0\.0 is not loopback: .*--control-token <token> \(or MOCK_CONTROL_TOKEN=<token>\)/.test(
          e.message,
        ),
    );
  });

  it("names the library's options for the library", () => {
    assert.throws(
      () => checkExposure(resolveConfig({}), { host: "0.0.0.0", https: false }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^host 0\.0\.0\.0 is not loopback: .* with controlToken: "<token>", .* with control: false$/.test(
          e.message,
        ),
    );
  });

  const allowed: Array<{ name: string; argv: string[] }> = [
    { name: "loopback, as before (no option needed)", argv: [] },
    { name: "::1 with TLS and no domain", argv: ["--host", "::1", "--tls"] },
    {
      name: "0.0.0.0 with a token and a domain",
      argv: ["--host", "0.0.0.0", "--control-token", TOKEN, "--domain", "m.example"],
    },
    {
      name: "0.0.0.0 with the control API off and an issuer",
      argv: ["--host", "0.0.0.0", "--no-control", "--issuer", "http://m.example:4010/"],
    },
    {
      name: "a LAN address over plain HTTP with a token (the issuer is that address)",
      argv: ["--host", "192.168.1.5", "--control-token", TOKEN],
    },
    {
      name: "HTTPS off loopback with a token and a domain",
      argv: ["--host", "0.0.0.0", "--tls", "--control-token", TOKEN, "--domain", "m.example:8443"],
    },
  ];
  for (const row of allowed) {
    it(`takes ${row.name}`, () => {
      const p = parseArgs(row.argv, {});
      checkExposure(p.config, { host: p.host, https: p.tls !== undefined }, p.naming);
    });
  }
});

describe("where it says it listens", () => {
  it("off loopback, the real bind address and a warning; nothing on loopback", () => {
    const config = resolveConfig({ domain: "mock.internal", controlToken: TOKEN, allowedHosts: ["mock"] });
    assert.equal(exposureNotice("127.0.0.1", 4010, config), undefined);
    assert.deepEqual(exposureNotice("0.0.0.0", 4010, config), [
      "  bound to       0.0.0.0:4010 (every interface of this machine)",
      "  WARNING        not loopback: anyone who can reach port 4010 of this machine can call the mock's Auth0 API;",
      "                 the control API (/__mock) needs Authorization: Bearer <control token>;",
      "                 requests are served when Host names loopback, an IP address, mock.internal, mock",
    ]);
    assert.match((exposureNotice("::", 4010, config) ?? [])[0] ?? "", /bound to {7}\[::\]:4010/);
  });

  it("the URL clients use: the domain off loopback, the server's own otherwise", () => {
    const domain = resolveConfig({ domain: "mock.internal" });
    assert.equal(publicUrl("https://localhost:4010", "0.0.0.0", domain), "https://mock.internal:4010");
    assert.equal(
      publicUrl("https://localhost:4010", "0.0.0.0", resolveConfig({ domain: "mock.internal:443" })),
      "https://mock.internal:443",
    );
    assert.equal(publicUrl("http://127.0.0.1:4010", "127.0.0.1", domain), "http://127.0.0.1:4010");
    assert.equal(publicUrl("http://[::]:4010", "::", resolveConfig({})), "http://[::]:4010");
  });
});

/** GET `path` on 127.0.0.1:`port` with `headers`; answers the status. */
function status(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("startMock off loopback", () => {
  it("refuses 0.0.0.0 without a token; with one, /__mock answers 401 without the header and 200 with it", async () => {
    await assert.rejects(startMock({ host: "0.0.0.0", domain: "mock.internal" }), (e: unknown) => {
      return e instanceof ConfigError && e.message.startsWith("host 0.0.0.0 is not loopback");
    });
    const mock = await startMock({
      host: "0.0.0.0",
      domain: "mock.internal",
      controlToken: TOKEN,
      signingThreads: 0,
    });
    try {
      assert.match(mock.url, /^http:\/\/mock\.internal:\d+$/);
      const port = Number(new URL(mock.url).port);
      assert.equal(await status(port, "/__mock/health", { host: `127.0.0.1:${port}` }), 401);
      assert.equal(
        await status(port, "/__mock/health", { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` }),
        200,
      );
      // The Auth0 API itself needs no token.
      assert.equal(
        await status(port, "/.well-known/openid-configuration", { host: `127.0.0.1:${port}` }),
        200,
      );
      // The typed control of this process carries the token.
      assert.equal((await mock.control.health()).status, "ok");
    } finally {
      await mock.close();
    }
  });
});

describe("the command line off loopback", () => {
  it("exits 2 with the refusal, at once", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "mock/cli.ts", "--host", "0.0.0.0", "--port", "0"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^auth0-mfa-mock: --host 0\.0\.0\.0 is not loopback: .*--control-token <token>/);
  });

  it("fails within a second or two, naming --tls-dir, when the CA's folder cannot be made", () => {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "mock/cli.ts", "--tls", "--tls-dir", "/proc/1/nope", "--port", "0"],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^auth0-mfa-mock: --tls-dir: cannot make \/proc\/1\/nope/);
    // Node's start-up under tsx is most of it; the refusal itself is immediate.
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});
