/**
 * The served mock where others may reach it (docs/behaviour.md#exposure), over real sockets: the
 * Host check, the control token, JSON-only control writes, no CORS preflight for the control API,
 * and the request log with the leak check over a whole flow.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { scanForLeaks } from "../../redaction/leaks.ts";
import type { SecretEntry } from "../../redaction/secrets.ts";
import { MockControlError, mockControl } from "../control/client.ts";
import { startMockServer } from "./server.ts";

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Json & Json[];
}

/** One request with any headers (fetch will not send a Host of our choosing; node:http does). */
function send(
  base: string,
  method: string,
  target: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(target, base), { method, headers: opts.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => {
        let body: unknown;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: body as Json & Json[] });
      });
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const JSON_TYPE = { "content-type": "application/json" };

describe("the Host check on the served mock", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  before(async () => {
    server = await startMockServer({
      port: 0,
      config: { domain: "tenant.example:4443", allowedHosts: ["mock.ci"], signingThreads: 0 },
    });
  });
  after(() => server.close());

  it("refuses a foreign Host with 403 in Auth0's shape, on every path", async () => {
    for (const target of ["/__mock/config", "/.well-known/openid-configuration", "/__mock/tls/ca.pem"]) {
      const res = await send(server.url, "GET", target, { headers: { host: "attacker.example:4711" } });
      assert.equal(res.status, 403, target);
      assert.equal(res.body.error, "access_denied");
      assert.match(String(res.body.error_description), /^Host "attacker\.example:4711" is not allowed\./);
      assert.match(String(res.body.error_description), /--allowed-hosts \(MOCK_ALLOWED_HOSTS/);
      assert.doesNotMatch(res.text, /client_secret/);
    }
  });

  // [Host, why it is served]
  const served: Array<[string, string]> = [
    ["tenant.example:4443", "the configured domain"],
    ["mock.ci:8080", "a name of --allowed-hosts"],
    ["localhost:1", "loopback"],
    ["10.0.0.5:4010", "an IP address"],
  ];
  for (const [host, why] of served) {
    it(`serves Host ${host} (${why})`, async () => {
      const res = await send(server.url, "GET", "/__mock/health", { headers: { host } });
      assert.equal(res.status, 200, res.text);
    });
  }
});

describe("control writes and preflights on the served mock", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  before(async () => {
    server = await startMockServer({ port: 0, config: { signingThreads: 0, users: 1 } });
  });
  after(() => server.close());

  // The writes of the attack: each a simple request a page sends cross-site without asking.
  const writes: Array<[string, string, string | undefined, string | undefined]> = [
    ["POST", "/__mock/users", "text/plain", "{}"],
    ["POST", "/__mock/clock", "text/plain;charset=UTF-8", '{"advance_seconds":3600}'],
    ["POST", "/__mock/guardian/respond", "text/plain", '{"oob_code":"x","approve":true}'],
    ["PUT", "/__mock/config", "application/x-www-form-urlencoded", '{"profile":"off"}'],
    ["POST", "/__mock/reset", undefined, undefined],
  ];
  for (const [method, target, type, body] of writes) {
    it(`refuses ${method} ${target} as ${type ?? "no content type"} with 415`, async () => {
      const state = async () => {
        const stats = (await send(server.url, "GET", "/__mock/stats")).body;
        const now = Date.parse(String((await send(server.url, "GET", "/__mock/clock")).body.now));
        return { users: (stats.state as Json).users, now };
      };
      const before = await state();
      const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
      const res = await send(server.url, method, target, { headers, ...(body ? { body } : {}) });
      assert.equal(res.status, 415, res.text);
      assert.equal(res.body.error, "invalid_request");
      assert.match(String(res.body.error_description), /Control writes take application\/json only/);
      const afterwards = await state();
      assert.equal(afterwards.users, before.users, "no user made, none reset");
      assert.ok(afterwards.now - before.now < 60_000, "the clock did not move");
    });
  }

  it("takes the same write as application/json", async () => {
    const res = await send(server.url, "POST", "/__mock/users", { headers: JSON_TYPE, body: "{}" });
    assert.equal(res.status, 200, res.text);
  });

  it("answers a preflight for a control write with nothing that allows it", async () => {
    const res = await send(server.url, "OPTIONS", "/__mock/users", {
      headers: {
        origin: "https://attacker.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.ok(res.status >= 400, `a preflight answered ${res.status}`);
    for (const name of Object.keys(res.headers)) assert.doesNotMatch(name, /^access-control-/);
  });
});

describe("the control token on the served mock", () => {
  const token = "ctl-0123456789abcdef-token";
  let server: Awaited<ReturnType<typeof startMockServer>>;
  before(async () => {
    server = await startMockServer({ port: 0, config: { controlToken: token, signingThreads: 0 } });
  });
  after(() => server.close());

  // [Authorization, status, the refusal's text]
  const rows: Array<[string | undefined, number, RegExp | undefined]> = [
    [undefined, 401, /^The control API needs Authorization: Bearer <control token>/],
    [`Bearer ${token}x`, 401, /^The control token is wrong\.$/],
    ["Bearer wrong", 401, /^The control token is wrong\.$/],
    [`Bearer ${token}`, 200, undefined],
  ];
  for (const [authorization, status, text] of rows) {
    for (const target of ["/__mock/config", "/__mock/health", "/__mock/nope"]) {
      it(`answers GET ${target} with ${status} for ${authorization === undefined ? "no header" : authorization.replace(token, "<token>")}`, async () => {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const res = await send(server.url, "GET", target, { headers });
        if (status === 401) {
          assert.equal(res.status, 401);
          assert.equal(res.body.error, "unauthorized");
          assert.match(String(res.body.error_description), text as RegExp);
          assert.match(String(res.headers["www-authenticate"]), /^Bearer /);
          assert.ok(!res.text.includes(token), "the answer never holds the token");
        } else {
          assert.equal(res.status, target === "/__mock/nope" ? 404 : 200, res.text);
        }
      });
    }
  }

  it("guards the local CA's route too", async () => {
    assert.equal((await send(server.url, "GET", "/__mock/tls/ca.pem")).status, 401);
    const res = await send(server.url, "GET", "/__mock/tls/ca.pem", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 404, "plain HTTP has no CA, but the token was taken");
  });

  it("leaves the Auth0 API alone: its paths need no control token", async () => {
    assert.equal((await send(server.url, "GET", "/.well-known/openid-configuration")).status, 200);
  });

  it("never answers the token in the configuration", async () => {
    const res = await send(server.url, "GET", "/__mock/config", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes(token));
    assert.equal(res.body.control_token, undefined);
  });

  it("is carried by the typed client (mockControl(url, { token }))", async () => {
    const control = mockControl(server.url, { token });
    assert.equal((await control.health()).status, "ok");
    await control.reset();
    assert.ok((await control.users.create()).user_id);
    await assert.rejects(
      mockControl(server.url).health(),
      (e: unknown) => e instanceof MockControlError && e.status === 401 && !e.message.includes(token),
    );
    await assert.rejects(
      mockControl(server.url, { token: "not-the-token-0000" }).health(),
      (e: unknown) => e instanceof MockControlError && e.status === 401 && !e.message.includes(token),
    );
  });
});

describe("the request log", () => {
  let dir: string;
  let logFile: string;
  let server: Awaited<ReturnType<typeof startMockServer>>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mock-log-"));
    logFile = path.join(dir, "requests.jsonl");
    server = await startMockServer({
      port: 0,
      config: {
        log: logFile,
        signingThreads: 0,
        users: 1,
        clientSecret: "RealTenantSecret-0123456789abcdef",
      },
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes one masked JSON line per request of a whole flow; the leak check finds nothing", async () => {
    const secrets: SecretEntry[] = [];
    const keep = (kind: string, value: unknown) => {
      if (typeof value === "string" && value !== "") secrets.push({ kind, value });
      return String(value);
    };
    const base = server.url;
    const call = async (method: string, target: string, body?: Json, headers: Record<string, string> = {}) =>
      send(base, method, target, {
        headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const config = (await call("GET", "/__mock/config")).body;
    const client = {
      client_id: String(config.client_id),
      client_secret: keep("client_secret", "RealTenantSecret-0123456789abcdef"),
    };
    const user = (await call("POST", "/__mock/users", {})).body;
    keep("password", user.password);
    keep("email", user.email);
    const phone = keep("phone", "+15550009876");
    const start = await call("POST", "/oauth/token", {
      ...client,
      grant_type: "password",
      username: String(user.username),
      password: String(user.password),
    });
    const mfaToken = keep("mfa_token", start.body.mfa_token);
    const auth = { authorization: `Bearer ${mfaToken}` };
    const enroll = await call(
      "POST",
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
      auth,
    );
    assert.equal(enroll.status, 200, enroll.text);
    keep("oob_code", enroll.body.oob_code);
    keep("recovery_code", (enroll.body.recovery_codes as string[] | undefined)?.[0]);
    const sent = (await call("GET", `/__mock/outbox?recipient=${encodeURIComponent(phone)}`)).body;
    const code = keep("binding_code", sent[0]?.code);
    const confirm = await call("POST", "/oauth/token", {
      ...client,
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: mfaToken,
      oob_code: String(enroll.body.oob_code),
      binding_code: code,
    });
    assert.equal(confirm.status, 200, confirm.text);
    keep("access_token", confirm.body.access_token);
    keep("id_token", confirm.body.id_token);
    // A phone number typed into a path, and a query with codes: neither reaches the log as it was.
    await call("GET", `/mfa/${encodeURIComponent(phone)}/${phone}?code=${code}&mfa_token=${mfaToken}`);
    await call("GET", "/__mock/config", undefined, { host: "attacker.example" });
    const lines = readFileSync(logFile, "utf8").trim().split("\n");
    assert.equal(lines.length, 8);
    const entries = lines.map((l) => JSON.parse(l) as Json);
    for (const e of entries) {
      assert.deepEqual(Object.keys(e), ["time", "method", "path", "route", "status", "ms"]);
      assert.match(String(e.time), /^\d{4}-\d\d-\d\dT/);
      assert.ok(!String(e.path).includes("?"), "no query");
      assert.equal(typeof e.ms, "number");
    }
    assert.deepEqual(
      entries.map((e) => [e.method, e.route, e.status]),
      [
        ["GET", "control/config", 200],
        ["POST", "control/users", 200],
        ["POST", "token", 403],
        ["POST", "associateAuthenticator", 200],
        ["GET", "control/outbox", 200],
        ["POST", "token", 200],
        ["GET", null, 404],
        ["GET", "control/config", 403],
      ],
    );
    const scan = scanForLeaks(dir, secrets);
    assert.deepEqual(scan.hits, [], "the log holds no secret, code, token, phone number or address");
    assert.ok(scan.secrets >= 10);
  });
});

describe("the command line's client secret in GET /__mock/config", () => {
  /** Starts `npm run mock`'s entry point on a free port; resolves with its URL and a way to stop it. */
  async function cli(args: string[]): Promise<{ url: string; stop: () => void }> {
    const child = spawn(process.execPath, ["--import", "tsx", "mock/cli.ts", "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d: string) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`the mock exited with ${code}`)));
    });
    return { url, stop: () => child.kill("SIGTERM") };
  }

  // The suites read the generated secret there; a secret given with --client-secret is never answered.
  it("shows the generated secret and masks one given with --client-secret", async () => {
    const given = "RealTenantSecret-0123456789abcdef";
    const generated = await cli([]);
    const masked = await cli(["--client-secret", given]);
    try {
      const shown = (await send(generated.url, "GET", "/__mock/config")).body.client_secret;
      assert.match(String(shown), /^[A-Za-z0-9_-]{64}$/);
      const res = await send(masked.url, "GET", "/__mock/config");
      assert.equal(res.body.client_secret, "•••[33]");
      assert.ok(!res.text.includes(given));
    } finally {
      generated.stop();
      masked.stop();
    }
  });
});
