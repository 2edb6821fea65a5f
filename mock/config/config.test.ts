import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import {
  ConfigError,
  defaultConfig,
  type MockConfig,
  mergeConfig,
  parseArgs,
  resolveConfig,
  toPublicConfig,
  usage,
} from "./config.ts";

/** Asserts that `call` throws a ConfigError whose message names `option` and contains `says`. */
function assertConfigError(call: () => unknown, option: string, says: string): void {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    assert.equal(e.option, option);
    assert.ok(e.message.startsWith(option), `message should start with ${option}: ${e.message}`);
    assert.ok(e.message.includes(says), `message should say ${JSON.stringify(says)}: ${e.message}`);
    return true;
  });
}

describe("defaultConfig", () => {
  it("follows docs/behaviour.md", () => {
    const c = defaultConfig();
    const { clientSecret, ...rest } = c;
    assert.match(clientSecret, /^[A-Za-z0-9]{64}$/);
    assert.notEqual(defaultConfig().clientSecret, clientSecret, "fresh per call");
    assert.deepEqual(rest, {
      domain: "localhost",
      issuer: "https://localhost/",
      clientId: "mockClientId00000000000000000000",
      publicClientId: "mockPublicClientId00000000000000",
      privateKeyJwtClientId: "mockPrivateKeyJwtClient000000000",
      privateKeyJwtPublicKey: "",
      privateKeyJwtAlg: "RS256",
      connection: "Username-Password-Authentication",
      audience: "",
      profile: "essentials",
      seed: 42,
      users: 10,
      mfaTokenTtlSeconds: 600,
      codeTtlSeconds: 300,
      accessTokenTtlSeconds: 86_400,
      mfaAccessTokenTtlSeconds: 600,
      recoveryCodes: true,
      factors: ["sms", "voice", "otp", "email", "push"],
      mfaRequirements: false,
      spaClientId: "mockSpaClientId00000000000000000",
      callbackUrls: [],
      webOrigins: [],
      mfaOnRefresh: false,
      mfaOnRefreshAudiences: [],
      mfaOnRefreshScopes: [],
      refreshTokenRotation: true,
      invalidGrantStatus: 403,
      lockoutStatus: 429,
      rateLimitBody: { error: "too_many_requests", error_description: "Rate limit exceeded." },
      control: true,
      validateResponses: false,
      maxBodyBytes: 65_536,
      signingThreads: availableParallelism(),
      controlToken: "",
      allowedHosts: [],
      log: "",
      faults: { latencyMs: 0, errorRate: {}, deviations: [] },
    } satisfies Omit<MockConfig, "clientSecret">);
  });
});

describe("parseArgs", () => {
  it("no flags, no variables: defaults on 127.0.0.1:4010", () => {
    const { config, port, host, help } = parseArgs([], {});
    assert.deepEqual([port, host, help], [4010, "127.0.0.1", false]);
    assert.deepEqual({ ...config, clientSecret: "" }, { ...defaultConfig(), clientSecret: "" });
  });

  const good: Array<{
    name: string;
    argv: string[];
    env?: Record<string, string>;
    expect: (r: ReturnType<typeof parseArgs>) => unknown;
    is: unknown;
  }> = [
    { name: "--port 0", argv: ["--port", "0"], expect: (r) => r.port, is: 0 },
    { name: "--port=65535", argv: ["--port=65535"], expect: (r) => r.port, is: 65_535 },
    { name: "MOCK_PORT", argv: [], env: { MOCK_PORT: "4011" }, expect: (r) => r.port, is: 4011 },
    {
      name: "flag beats variable",
      argv: ["--port", "4012"],
      env: { MOCK_PORT: "4011" },
      expect: (r) => r.port,
      is: 4012,
    },
    { name: "empty variable is unset", argv: [], env: { MOCK_PORT: "" }, expect: (r) => r.port, is: 4010 },
    { name: "MOCK_HOST", argv: [], env: { MOCK_HOST: "0.0.0.0" }, expect: (r) => r.host, is: "0.0.0.0" },
    { name: "--profile off", argv: ["--profile", "off"], expect: (r) => r.config.profile, is: "off" },
    {
      name: "MOCK_PROFILE",
      argv: [],
      env: { MOCK_PROFILE: "free" },
      expect: (r) => r.config.profile,
      is: "free",
    },
    { name: "--seed", argv: ["--seed", "7"], expect: (r) => r.config.seed, is: 7 },
    { name: "MOCK_SEED", argv: [], env: { MOCK_SEED: "8" }, expect: (r) => r.config.seed, is: 8 },
    { name: "--users", argv: ["--users=0"], expect: (r) => r.config.users, is: 0 },
    {
      name: "--signing-threads 0",
      argv: ["--signing-threads", "0"],
      expect: (r) => r.config.signingThreads,
      is: 0,
    },
    {
      name: "MOCK_SIGNING_THREADS",
      argv: [],
      env: { MOCK_SIGNING_THREADS: "3" },
      expect: (r) => r.config.signingThreads,
      is: 3,
    },
    { name: "--no-control", argv: ["--no-control"], expect: (r) => r.config.control, is: false },
    {
      name: "--validate-responses",
      argv: ["--validate-responses"],
      expect: (r) => r.config.validateResponses,
      is: true,
    },
    {
      name: "--factors sms,otp (docs/behaviour.md#factors)",
      argv: ["--factors", "otp, sms"],
      expect: (r) => r.config.factors,
      is: ["sms", "otp"],
    },
    {
      name: "MOCK_FACTORS=push,email,push: canonical order, no repeats",
      argv: [],
      env: { MOCK_FACTORS: "push,email,push" },
      expect: (r) => r.config.factors,
      is: ["email", "push"],
    },
    {
      name: "MOCK_RECOVERY_CODES=0",
      argv: [],
      env: { MOCK_RECOVERY_CODES: "0" },
      expect: (r) => r.config.recoveryCodes,
      is: false,
    },
    {
      name: "--domain derives the issuer",
      argv: ["--domain", "t.example.com"],
      expect: (r) => r.config.issuer,
      is: "https://t.example.com/",
    },
    {
      name: "--issuer wins over the domain",
      argv: ["--domain", "t.example.com", "--issuer", "http://127.0.0.1:4010/"],
      expect: (r) => [r.config.domain, r.config.issuer],
      is: ["t.example.com", "http://127.0.0.1:4010/"],
    },
    {
      name: "--client-secret",
      argv: ["--client-secret", "s3cret"],
      expect: (r) => r.config.clientSecret,
      is: "s3cret",
    },
    { name: "--audience empty", argv: ["--audience="], expect: (r) => r.config.audience, is: "" },
    {
      name: "--mfa-token-ttl-seconds",
      argv: ["--mfa-token-ttl-seconds", "300"],
      expect: (r) => r.config.mfaTokenTtlSeconds,
      is: 300,
    },
    {
      name: "--lockout-status",
      argv: ["--lockout-status", "400"],
      expect: (r) => r.config.lockoutStatus,
      is: 400,
    },
    { name: "--latency-ms", argv: ["--latency-ms", "25"], expect: (r) => r.config.faults.latencyMs, is: 25 },
    {
      name: "--error-rate",
      argv: ["--error-rate", "challenge=503:0.1, token=429:1"],
      expect: (r) => r.config.faults.errorRate,
      is: { challenge: { status: 503, share: 0.1 }, token: { status: 429, share: 1 } },
    },
    {
      name: "MOCK_DEVIATIONS",
      argv: [],
      env: { MOCK_DEVIATIONS: "associate-status-201, binding-code-reusable" },
      expect: (r) => r.config.faults.deviations,
      is: ["associate-status-201", "binding-code-reusable"],
    },
    { name: "no TLS by default", argv: [], expect: (r) => r.tls, is: undefined },
    { name: "--tls: the local CA", argv: ["--tls"], expect: (r) => r.tls, is: {} },
    { name: "--tls-dir alone: no TLS", argv: ["--tls-dir", "/tmp/ca"], expect: (r) => r.tls, is: undefined },
    {
      name: "--tls-cert and MOCK_TLS_KEY turn TLS on, named as given",
      argv: ["--tls-cert", "c.pem"],
      env: { MOCK_TLS_KEY: "k.pem" },
      expect: (r) => [r.tls, r.tlsNames],
      is: [
        { cert: "c.pem", key: "k.pem" },
        { cert: "--tls-cert", key: "MOCK_TLS_KEY", dir: "--tls-dir" },
      ],
    },
    {
      name: "given: the fields set, by library name",
      argv: ["--client-secret", "s", "--latency-ms", "1"],
      env: { MOCK_PORT: "1" },
      expect: (r) => [...r.given].sort(),
      is: ["clientSecret", "faults.latencyMs", "port"],
    },
    { name: "--help", argv: ["--help"], expect: (r) => r.help, is: true },
    { name: "-h", argv: ["-h"], expect: (r) => r.help, is: true },
  ];
  for (const row of good) {
    it(`reads ${row.name}`, () => {
      assert.deepEqual(row.expect(parseArgs(row.argv, row.env ?? {})), row.is);
    });
  }

  const bad: Array<{ argv: string[]; env?: Record<string, string>; option: string; says: string }> = [
    { argv: ["--port", "70000"], option: "--port", says: "an integer from 0 to 65535" },
    { argv: ["--port=-1"], option: "--port", says: "an integer from 0 to 65535" },
    { argv: ["--port", "80.5"], option: "--port", says: "an integer" },
    { argv: ["--port", "abc"], option: "--port", says: 'got "abc"' },
    { argv: ["--port"], option: "--port", says: "needs a value" },
    { argv: [], env: { MOCK_PORT: "http" }, option: "MOCK_PORT", says: "an integer from 0 to 65535" },
    { argv: ["--host", "a b"], option: "--host", says: "a host name or IP address" },
    { argv: ["--profile", "gold"], option: "--profile", says: "one of free, essentials, enterprise, off" },
    {
      argv: [],
      env: { MOCK_PROFILE: "professional" },
      option: "MOCK_PROFILE",
      says: "one of free, essentials",
    },
    { argv: ["--seed", "-3"], option: "--seed", says: "an integer from 0 to 4294967295" },
    { argv: [], env: { MOCK_SEED: "x" }, option: "MOCK_SEED", says: "an integer" },
    { argv: ["--users", "1e9"], option: "--users", says: "an integer from 0 to 100000" },
    { argv: ["--signing-threads", "-1"], option: "--signing-threads", says: "an integer from 0 to 256" },
    { argv: [], env: { MOCK_SIGNING_THREADS: "all" }, option: "MOCK_SIGNING_THREADS", says: "an integer" },
    { argv: ["--domain", "https://t.example.com/"], option: "--domain", says: "without scheme or path" },
    { argv: ["--issuer", "t.example.com"], option: "--issuer", says: "an http(s) URL" },
    { argv: ["--code-ttl-seconds", "0"], option: "--code-ttl-seconds", says: "an integer from 1 to" },
    {
      argv: ["--invalid-grant-status", "500"],
      option: "--invalid-grant-status",
      says: "an integer from 400 to 499",
    },
    { argv: ["--lockout-status=200"], option: "--lockout-status", says: "an integer from 400 to 499" },
    { argv: ["--no-control=1"], option: "--no-control", says: "takes no value" },
    { argv: ["--validate-responses=maybe"], option: "--validate-responses", says: "true or false" },
    { argv: [], env: { MOCK_RECOVERY_CODES: "nope" }, option: "MOCK_RECOVERY_CODES", says: "true or false" },
    { argv: ["--factors", "sms,fax"], option: "--factors[1]", says: "one of sms, voice, otp, email, push" },
    {
      argv: ["--factors", "email"],
      option: "--factors",
      says: "email can only be enabled beside another factor",
    },
    { argv: ["--no-port"], option: "--no-port", says: "only switches have a --no- form" },
    { argv: ["--error-rate", "challenge=503"], option: "--error-rate", says: "<operation>=<status>:<share>" },
    {
      argv: ["--error-rate", "login=503:0.1"],
      option: "--error-rate",
      says: "one of associateAuthenticator",
    },
    { argv: ["--error-rate", "token=404:0.1"], option: "--error-rate", says: "one of 429, 500, 502, 503" },
    { argv: ["--error-rate", "token=500:1.5"], option: "--error-rate", says: "a number from 0 to 1" },
    {
      argv: ["--deviations", "no-retry-after,,binding-code-reusable"],
      option: "--deviations[1]",
      says: "a non-empty name",
    },
    {
      argv: ["--deviations", "no-retry-after,no-retry-afterr"],
      option: "--deviations[1]",
      says: "a known deviation (GET /__mock/deviations): associate-status-201",
    },
    { argv: ["--latency-ms", "60001"], option: "--latency-ms", says: "an integer from 0 to 60000" },
    { argv: ["--max-body-bytes", "10"], option: "--max-body-bytes", says: "an integer from 1024" },
    { argv: ["--client-secret", ""], option: "--client-secret", says: "non-empty" },
    {
      argv: ["--public-client-id", "mockClientId00000000000000000000"],
      // Named as the command line writes it (was the control API's public_client_id).
      option: "--public-client-id",
      says: "must differ from --client-id",
    },
    { argv: ["--rate-limit-body", "x"], option: "--rate-limit-body", says: "unknown option" },
    {
      // The clash named as each id was given: the variable for one, the flag for the default.
      argv: [],
      env: { MOCK_PUBLIC_CLIENT_ID: "mockClientId00000000000000000000" },
      option: "MOCK_PUBLIC_CLIENT_ID",
      says: "must differ from --client-id",
    },
    {
      argv: ["--tls-cert", "c.pem"],
      option: "--tls-key",
      says: "is missing: --tls-cert and --tls-key go together",
    },
    {
      argv: [],
      env: { MOCK_TLS_KEY: "k.pem" },
      option: "--tls-cert",
      says: "--tls-cert and MOCK_TLS_KEY go together",
    },
    { argv: ["--frobnicate"], option: "--frobnicate", says: "unknown option; run with --help" },
  ];
  for (const row of bad) {
    it(`rejects ${[...row.argv, ...Object.entries(row.env ?? {}).map(([k, v]) => `${k}=${v}`)].join(" ")}`, () => {
      assertConfigError(() => parseArgs(row.argv, row.env ?? {}), row.option, row.says);
    });
  }

  it("rejects a positional argument", () => {
    assert.throws(() => parseArgs(["4010"], {}), /unexpected argument "4010"/);
  });

  it("never echoes a bad client secret", () => {
    assert.throws(
      () => parseArgs([], { MOCK_CLIENT_SECRET: "x".repeat(3000) }),
      (e: Error) => !e.message.includes("xxx"),
    );
  });

  it("usage gives each flag its help line", () => {
    assert.match(
      usage(),
      /--code-ttl-seconds <value>\s+MOCK_CODE_TTL_SECONDS\s+default 300\s+oob_code and binding code lifetime/,
    );
  });

  it("usage lists every flag with its variable", () => {
    const text = usage();
    for (const s of [
      "--port",
      "MOCK_PORT",
      "--no-control",
      "MOCK_PROFILE",
      "--error-rate",
      "--deviations",
      "--help",
    ]) {
      assert.ok(text.includes(s), s);
    }
    assert.ok(!text.includes(defaultConfig().clientSecret));
  });
});

describe("toPublicConfig and mergeConfig", () => {
  const base = defaultConfig();

  it("GET shape: snake_case keys, faults nested", () => {
    const pub = toPublicConfig(base);
    assert.deepEqual(Object.keys(pub), [
      "domain",
      "issuer",
      "client_id",
      "client_secret",
      "public_client_id",
      "private_key_jwt_client_id",
      "private_key_jwt_public_key",
      "private_key_jwt_alg",
      "connection",
      "audience",
      "profile",
      "seed",
      "users",
      "mfa_token_ttl_seconds",
      "code_ttl_seconds",
      "access_token_ttl_seconds",
      "mfa_access_token_ttl_seconds",
      "recovery_codes",
      "factors",
      "mfa_requirements",
      "spa_client_id",
      "callback_urls",
      "web_origins",
      "mfa_on_refresh",
      "mfa_on_refresh_audiences",
      "mfa_on_refresh_scopes",
      "refresh_token_rotation",
      "invalid_grant_status",
      "lockout_status",
      "rate_limit_body",
      "control",
      "validate_responses",
      "max_body_bytes",
      "signing_threads",
      // no control_token: it is never answered
      "allowed_hosts",
      "log",
      "faults",
    ]);
    assert.deepEqual(pub.faults, { latency_ms: 0, error_rate: {}, deviations: [] });
    assert.equal(pub.client_secret, base.clientSecret);
  });

  it("round-trips: PUT of what GET answered changes nothing", () => {
    const c = mergeConfig(base, {
      faults: { error_rate: { challenge: { status: 503, share: 0.5 } }, deviations: ["no-retry-after"] },
    });
    assert.deepEqual(mergeConfig(c, toPublicConfig(c)), c);
    assert.deepEqual(mergeConfig(c, JSON.parse(JSON.stringify(toPublicConfig(c)))), c);
  });

  it("applies a partial patch without touching the base or other fields", () => {
    const next = mergeConfig(base, {
      profile: "off",
      mfa_token_ttl_seconds: 60,
      recovery_codes: false,
      invalid_grant_status: 400,
      rate_limit_body: { error: "too_many_requests", error_description: "Slow down." },
      faults: { latency_ms: 5 },
    });
    assert.deepEqual(next, {
      ...base,
      profile: "off",
      mfaTokenTtlSeconds: 60,
      recoveryCodes: false,
      invalidGrantStatus: 400,
      rateLimitBody: { error: "too_many_requests", error_description: "Slow down." },
      faults: { ...base.faults, latencyMs: 5 },
    });
    assert.equal(base.profile, "essentials");
    assert.equal(base.faults.latencyMs, 0);
    assert.notEqual(next.faults, base.faults);
  });

  it("a domain alone sets the issuer to https://<domain>/, whatever it was (docs/behaviour.md#issuer)", () => {
    assert.equal(mergeConfig(base, { domain: "a.example.com" }).issuer, "https://a.example.com/");
    const listening = mergeConfig(base, { issuer: "http://127.0.0.1:1/" });
    assert.equal(mergeConfig(listening, { domain: "a.example.com" }).issuer, "https://a.example.com/");
    assert.equal(mergeConfig(listening, { faults: { latency_ms: 1 } }).issuer, "http://127.0.0.1:1/");
    assert.equal(mergeConfig(base, { domain: "a.example.com", issuer: "https://b/" }).issuer, "https://b/");
  });

  it("replaces error_rate and deviations whole (so {} and [] clear them)", () => {
    const c = mergeConfig(base, {
      faults: { error_rate: { token: { status: 500, share: 1 } }, deviations: ["binding-code-reusable"] },
    });
    const cleared = mergeConfig(c, { faults: { error_rate: {}, deviations: [] } });
    assert.deepEqual(cleared.faults, base.faults);
  });

  it("accepts control when unchanged", () => {
    assert.equal(mergeConfig(base, { control: true }).control, true);
  });

  const bad: Array<{ patch: unknown; option: string; says: string }> = [
    { patch: null, option: "", says: "must be a JSON object" },
    { patch: [], option: "", says: "must be a JSON object" },
    { patch: "profile=off", option: "", says: "must be a JSON object" },
    { patch: { bogus: 1 }, option: "bogus", says: "bogus: unknown field; known fields: domain" },
    { patch: { clientId: "x" }, option: "clientId", says: "unknown field" },
    { patch: { profile: "gold" }, option: "profile", says: "one of free, essentials, enterprise, off" },
    {
      patch: { mfa_token_ttl_seconds: "600" },
      option: "mfa_token_ttl_seconds",
      says: "an integer from 1 to",
    },
    { patch: { code_ttl_seconds: -5 }, option: "code_ttl_seconds", says: "an integer from 1 to" },
    { patch: { code_ttl_seconds: 1.5 }, option: "code_ttl_seconds", says: "got 1.5" },
    { patch: { invalid_grant_status: 200 }, option: "invalid_grant_status", says: "from 400 to 499" },
    { patch: { lockout_status: 503 }, option: "lockout_status", says: "from 400 to 499" },
    { patch: { recovery_codes: "false" }, option: "recovery_codes", says: "true or false" },
    { patch: { domain: "" }, option: "domain", says: "a host name" },
    { patch: { issuer: "ftp://x/" }, option: "issuer", says: "an http(s) URL" },
    { patch: { client_secret: null }, option: "client_secret", says: "got a value of type null" },
    { patch: { control: false }, option: "control", says: "cannot be changed at run time" },
    {
      patch: { signing_threads: availableParallelism() + 1 },
      option: "signing_threads",
      says: "cannot be changed at run time",
    },
    {
      patch: { rate_limit_body: { error: "x" } },
      option: "rate_limit_body",
      says: '"error_description": a non-empty string',
    },
    { patch: { faults: 1 }, option: "faults", says: "must be an object" },
    { patch: { faults: { latency: 5 } }, option: "faults.latency", says: "unknown field" },
    { patch: { faults: { latency_ms: -1 } }, option: "faults.latency_ms", says: "from 0 to 60000" },
    { patch: { faults: { error_rate: [] } }, option: "faults.error_rate", says: "an object of operation id" },
    {
      patch: { faults: { error_rate: { login: { status: 500, share: 1 } } } },
      option: "faults.error_rate.login",
      says: "one of associateAuthenticator",
    },
    {
      patch: { faults: { error_rate: { token: { status: 404, share: 1 } } } },
      option: "faults.error_rate.token.status",
      says: "one of 429, 500, 502, 503",
    },
    {
      patch: { faults: { error_rate: { token: { status: 500, share: 2 } } } },
      option: "faults.error_rate.token.share",
      says: "a number from 0 to 1",
    },
    {
      patch: { faults: { error_rate: { token: { status: 500 } } } },
      option: "faults.error_rate.token.share",
      says: "a number from 0 to 1",
    },
    {
      patch: { faults: { error_rate: { token: { status: 500, share: 1, x: 1 } } } },
      option: "faults.error_rate.token.x",
      says: 'only "status" and "share" are allowed',
    },
    {
      patch: { faults: { error_rate: { token: 0.5 } } },
      option: "faults.error_rate.token",
      says: '{"status": 429|500|502|503',
    },
    {
      patch: { faults: { deviations: "a,b" } },
      option: "faults.deviations",
      says: "an array of deviation names",
    },
    {
      patch: { faults: { deviations: ["binding-code-reusable", "made-up"] } },
      option: "faults.deviations[1]",
      says: "a known deviation",
    },
    {
      patch: { faults: { deviations: ["no-retry-after", 3] } },
      option: "faults.deviations[1]",
      says: "a non-empty name",
    },
    {
      patch: { client_id: "mockPublicClientId00000000000000" },
      option: "public_client_id",
      says: "must differ",
    },
    {
      patch: { private_key_jwt_client_id: "mockClientId00000000000000000000" },
      option: "private_key_jwt_client_id",
      says: "must differ from client_id",
    },
    {
      patch: { private_key_jwt_public_key: "not a pem" },
      option: "private_key_jwt_public_key",
      says: "RSA public key in PEM",
    },
    {
      patch: { private_key_jwt_alg: "HS256" },
      option: "private_key_jwt_alg",
      says: "one of RS256, RS384, PS256",
    },
  ];
  for (const row of bad) {
    it(`rejects ${JSON.stringify(row.patch)}`, () => {
      assertConfigError(() => mergeConfig(base, row.patch), row.option, row.says);
    });
  }
});

describe("one rule everywhere (an empty factor list, an issuer without its slash)", () => {
  // The same value refused by the flag, the variable, the control API and the library alike, each
  // refusal naming the option as that caller wrote it.
  const cases: Array<{ name: string; run: () => unknown; says: string }> = [
    {
      name: "--factors ''",
      run: () => parseArgs(["--factors", ""], {}),
      says: '--factors must be a comma-separated list of factors (sms, voice, otp, email, push), at least one; got ""',
    },
    {
      name: "MOCK_FACTORS='' (not read as unset: it would mean no factor)",
      run: () => parseArgs([], { MOCK_FACTORS: "" }),
      says: 'MOCK_FACTORS must be a comma-separated list of factors (sms, voice, otp, email, push), at least one; got ""',
    },
    {
      name: 'PUT /__mock/config {"factors": []}',
      run: () => mergeConfig(defaultConfig(), { factors: [] }),
      says: "factors must be an array of factors (sms, voice, otp, email, push), at least one; got []",
    },
    {
      name: "createMock({ factors: [] })",
      run: () => resolveConfig({ factors: [] }),
      says: "factors must be an array of factors (sms, voice, otp, email, push), at least one; got []",
    },
    {
      name: "--issuer https://x.example",
      run: () => parseArgs(["--issuer", "https://x.example"], {}),
      says: '--issuer must be an http(s) URL that ends in "/", without query or fragment (e.g. "https://tenant.example.com/"); got "https://x.example"',
    },
    {
      name: "MOCK_ISSUER=https://x.example",
      run: () => parseArgs([], { MOCK_ISSUER: "https://x.example" }),
      says: 'MOCK_ISSUER must be an http(s) URL that ends in "/", without query or fragment (e.g. "https://tenant.example.com/"); got "https://x.example"',
    },
    {
      name: 'PUT /__mock/config {"issuer": "https://x.example"}',
      run: () => mergeConfig(defaultConfig(), { issuer: "https://x.example" }),
      says: 'issuer must be an http(s) URL that ends in "/", without query or fragment (e.g. "https://tenant.example.com/"); got "https://x.example"',
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      assert.throws(c.run, (e: unknown) => e instanceof ConfigError && e.message === c.says);
    });
  }

  it("an empty variable of any other option is still unset; the flag beats an empty MOCK_FACTORS", () => {
    assert.equal(parseArgs([], { MOCK_PORT: "" }).port, 4010);
    assert.deepEqual(parseArgs(["--factors", "otp"], { MOCK_FACTORS: "" }).config.factors, ["otp"]);
    assert.equal(parseArgs(["--issuer", "https://x.example/"], {}).config.issuer, "https://x.example/");
  });
});

describe("the trust options (control token, allowed hosts, log)", () => {
  it("reads them from flags and variables; the token is never in --help nor in GET /__mock/config", () => {
    const token = "s3cret-token-0123456789";
    const { config } = parseArgs(
      ["--control-token", token, "--allowed-hosts", "Mock.Internal, .example.org"],
      {
        MOCK_LOG: "stdout",
      },
    );
    assert.equal(config.controlToken, token);
    assert.deepEqual(config.allowedHosts, ["mock.internal", ".example.org"]);
    assert.equal(config.log, "stdout");
    assert.ok(!("control_token" in toPublicConfig(config)));
    assert.ok(!JSON.stringify(toPublicConfig(config)).includes(token));
    assert.ok(!usage().includes(token));
    assert.match(usage(), /--control-token/);
  });

  const refused: Array<{ argv: string[]; says: RegExp }> = [
    // Short tokens can be guessed; the value is a secret, so it is not echoed.
    {
      argv: ["--control-token", "short"],
      says: /^--control-token must be "" \(none\) or 16 to 512 visible ASCII characters without spaces; got a value of type string$/,
    },
    {
      argv: ["--allowed-hosts", "mock.internal:4010"],
      says: /^--allowed-hosts\[0\] must be a host name or IP address without port/,
    },
  ];
  for (const row of refused) {
    it(`refuses ${row.argv.join(" ")}`, () => {
      assert.throws(
        () => parseArgs(row.argv, {}),
        (e: unknown) => e instanceof ConfigError && row.says.test(e.message),
      );
    });
  }

  it("cannot change them at run time", () => {
    for (const patch of [
      { control_token: "another-token-0123456789" },
      { allowed_hosts: ["x.example"] },
      { log: "stdout" },
    ]) {
      assert.throws(() => mergeConfig(defaultConfig(), patch), /cannot be changed at run time/);
    }
  });
});
