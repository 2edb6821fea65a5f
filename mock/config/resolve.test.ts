import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "./errors.ts";
import { fromControlJson, resolveConfig, resolveServer } from "./resolve.ts";
import { type ConfigInput, defaultConfig, type Naming } from "./schema.ts";

/** The secret is fresh per call, so configurations are compared without it. */
const bare = <T extends { clientSecret: string }>(c: T) => ({ ...c, clientSecret: "" });

describe("resolveConfig", () => {
  it("without input: the defaults", () => {
    assert.deepEqual(bare(resolveConfig({})), bare(defaultConfig()));
  });

  it("fills what is not given, keeps what is, and undefined counts as not given", () => {
    const c = resolveConfig({ profile: "off", users: 2, seed: undefined, faults: { latencyMs: 5 } });
    assert.deepEqual(bare(c), {
      ...bare(defaultConfig()),
      profile: "off",
      users: 2,
      faults: { ...defaultConfig().faults, latencyMs: 5 },
    });
  });

  it("accepts its own answer unchanged (the CLI's values and a running config pass again)", () => {
    const once = resolveConfig({
      factors: ["push", "sms"],
      faults: { errorRate: { challenge: { status: 503, share: 0.5 } }, deviations: ["no-retry-after"] },
    });
    assert.deepEqual(resolveConfig(once), once);
    assert.deepEqual(resolveConfig({}, once), once);
  });

  it("shares nothing with its input or its base", () => {
    const deviations: ConfigInput["faults"] = { deviations: ["no-retry-after"] };
    const base = resolveConfig({ faults: deviations });
    const next = resolveConfig({ users: 3 }, base);
    deviations.deviations?.push("wrong-content-type");
    assert.deepEqual(base.faults.deviations, ["no-retry-after"]);
    assert.notEqual(next.faults, base.faults);
    assert.equal(base.users, 10);
  });

  // docs/behaviour.md#issuer, written once: a domain alone moves the issuer, on every path.
  const issuer: Array<{ name: string; input: ConfigInput; base?: ConfigInput; is: string }> = [
    { name: "default", input: {}, is: "https://localhost/" },
    { name: "a domain alone", input: { domain: "t.example.com" }, is: "https://t.example.com/" },
    {
      name: "a domain and an issuer",
      input: { domain: "t.example.com", issuer: "http://127.0.0.1:1/" },
      is: "http://127.0.0.1:1/",
    },
    {
      name: "a domain alone over a running issuer",
      input: { domain: "a.example.com" },
      base: { issuer: "http://127.0.0.1:1/" },
      is: "https://a.example.com/",
    },
    {
      name: "no domain over a running issuer",
      input: { users: 1 },
      base: { issuer: "http://127.0.0.1:1/" },
      is: "http://127.0.0.1:1/",
    },
  ];
  for (const row of issuer) {
    it(`issuer: ${row.name}`, () => {
      const base = row.base ? resolveConfig(row.base) : undefined;
      assert.equal(resolveConfig(row.input, base).issuer, row.is);
    });
  }

  it("a read-only field may be given unchanged over a base, never changed", () => {
    const base = resolveConfig({ signingThreads: 2 });
    assert.equal(resolveConfig({ signingThreads: 2, control: true }, base).signingThreads, 2);
    assert.throws(
      () => resolveConfig({ signingThreads: 3 }, base),
      /^ConfigError: signingThreads cannot be changed/,
    );
    // Without a base it is a start, not a change.
    assert.equal(resolveConfig({ control: false }).control, false);
  });

  // One check, named per caller: the library's names, the control API's, or a CLI's per field.
  const cli: Naming = (f) => f.flag ?? f.name;
  const named: Array<{ input: ConfigInput; naming: Naming; option: string; says: RegExp }> = [
    { input: { codeTtlSeconds: 0 }, naming: "api", option: "codeTtlSeconds", says: /an integer from 1/ },
    {
      input: { codeTtlSeconds: 0 },
      naming: "control",
      option: "code_ttl_seconds",
      says: /an integer from 1/,
    },
    { input: { codeTtlSeconds: 0 }, naming: cli, option: "--code-ttl-seconds", says: /an integer from 1/ },
    {
      input: { faults: { deviations: ["nope" as never] } },
      naming: "api",
      option: "faults.deviations[0]",
      says: /a known deviation/,
    },
    {
      input: { faults: { latencyMs: -1 } },
      naming: "control",
      option: "faults.latency_ms",
      says: /from 0 to 60000/,
    },
    {
      input: { publicClientId: "mockClientId00000000000000000000" },
      naming: "api",
      option: "publicClientId",
      says: /^publicClientId must differ from clientId/,
    },
    {
      input: { privateKeyJwtClientId: "mockClientId00000000000000000000" },
      naming: cli,
      option: "--private-key-jwt-client-id",
      says: /must differ from --client-id/,
    },
    { input: { prfile: "free" } as ConfigInput, naming: "api", option: "prfile", says: /unknown option/ },
    { input: { faults: 1 } as never, naming: "api", option: "faults", says: /latencyMs, errorRate/ },
    { input: [] as never, naming: "api", option: "", says: /must be an object/ },
  ];
  for (const row of named) {
    const how = typeof row.naming === "string" ? row.naming : "cli";
    it(`refuses ${JSON.stringify(row.input)} (${how}) naming ${row.option || "nothing"}`, () => {
      assert.throws(
        () => resolveConfig(row.input, undefined, row.naming),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.option === row.option &&
          e.message.startsWith(row.option) &&
          row.says.test(e.message),
      );
    });
  }
});

describe("fromControlJson", () => {
  it("maps the control API's fields onto the library's", () => {
    assert.deepEqual(fromControlJson({ client_id: "x", faults: { latency_ms: 3 } }), {
      clientId: "x",
      faults: { latencyMs: 3 },
    });
  });

  it("keeps null as a value for the parser to refuse", () => {
    assert.throws(
      () => resolveConfig(fromControlJson({ seed: null }), undefined, "control"),
      /^ConfigError: seed must be/,
    );
  });
});

describe("resolveServer", () => {
  it("checks only what is given; true asks for the local CA", () => {
    const none = resolveServer({});
    assert.deepEqual([none.port, none.host, none.tls], [undefined, undefined, undefined]);
    assert.deepEqual(resolveServer({ port: 0, tls: true }).tls, {});
    assert.equal(resolveServer({ tls: false }).tls, undefined);
    assert.deepEqual(resolveServer({ tls: { cert: "c.pem", key: "k.pem" } }).tls, {
      cert: "c.pem",
      key: "k.pem",
    });
  });

  it("names the TLS options for the errors that come later, when the files are read", () => {
    assert.deepEqual(resolveServer({}).tlsNames, { cert: "tls.cert", key: "tls.key", dir: "tls.dir" });
    const names = resolveServer({}, (f) => f.flag ?? f.name).tlsNames;
    assert.deepEqual(names, { cert: "--tls-cert", key: "--tls-key", dir: "--tls-dir" });
  });

  const bad: Array<[string, Parameters<typeof resolveServer>[0], string, RegExp]> = [
    ["a negative port", { port: -1 }, "port", /^port must be an integer from 0 to 65535; got -1$/],
    ["a fractional port", { port: 1.5 }, "port", /an integer/],
    ["a port as text", { port: "4010" }, "port", /got "4010"/],
    ["an empty host", { host: "" }, "host", /a host name or IP address/],
    ["tls as text", { tls: "on" }, "tls", /^tls must be true, false or an object/],
    ["a tls folder that is no string", { tls: { dir: 1 } }, "tls.dir", /a file or folder path/],
    [
      "a key without its certificate",
      { tls: { key: "k.pem" } },
      "tls.cert",
      /tls.cert and tls.key go together/,
    ],
  ];
  for (const [name, input, option, says] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => resolveServer(input),
        (e: unknown) => e instanceof ConfigError && e.option === option && says.test(e.message),
      );
    });
  }
});
