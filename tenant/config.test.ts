import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { isLoopback } from "../mock/http/loopback.ts";
import {
  envFileFromArgs,
  loadTenantConfig,
  parseTenantConfig,
  TenantConfigError,
  tenantSecrets,
} from "./config.ts";

const SECRET = "s".repeat(40);
const RSA_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ format: "pem", type: "pkcs8" })
  .toString();

const valid: Record<string, string> = {
  AUTH0_DOMAIN: "dev-abc123.us.auth0.com",
  AUTH0_CLIENT_ID: "client-id",
  AUTH0_CLIENT_SECRET: "client-secret-value",
  AUTH0_CONNECTION: "Username-Password-Authentication",
  AUTH0_MGMT_CLIENT_ID: "m2m-id",
  AUTH0_MGMT_CLIENT_SECRET: "m2m-secret-value",
};

/** Runs the parser and returns its problems (empty when it accepted the input). */
function problemsOf(vars: Record<string, string | undefined>): string[] {
  try {
    parseTenantConfig(vars);
    return [];
  } catch (e) {
    assert.ok(e instanceof TenantConfigError);
    return e.problems;
  }
}

describe("parseTenantConfig rejects, naming the variable and its purpose", () => {
  const rows: { name: string; patch: Record<string, string | undefined>; expect: RegExp[] }[] = [
    {
      name: "missing domain",
      patch: { AUTH0_DOMAIN: undefined },
      expect: [/^AUTH0_DOMAIN is missing: tenant domain/],
    },
    {
      name: "blank client id",
      patch: { AUTH0_CLIENT_ID: "  " },
      expect: [/^AUTH0_CLIENT_ID is missing: client id/],
    },
    {
      name: "domain with scheme",
      patch: { AUTH0_DOMAIN: "https://dev.auth0.com" },
      expect: [/^AUTH0_DOMAIN is malformed \(give the bare hostname/],
    },
    {
      name: "domain with path",
      patch: { AUTH0_DOMAIN: "dev.auth0.com/x" },
      expect: [/AUTH0_DOMAIN is malformed/],
    },
    {
      name: "missing both management credentials",
      patch: { AUTH0_MGMT_CLIENT_ID: undefined, AUTH0_MGMT_CLIENT_SECRET: undefined },
      expect: [/^AUTH0_MGMT_CLIENT_ID is missing: .*Management API/, /^AUTH0_MGMT_CLIENT_SECRET is missing/],
    },
    {
      name: "missing connection",
      patch: { AUTH0_CONNECTION: undefined },
      expect: [/^AUTH0_CONNECTION is missing: database connection/],
    },
    {
      name: "sink url without secret",
      patch: { SINK_URL: "https://sink.example.com" },
      expect: [/^SINK_SECRET is missing/],
    },
    { name: "sink secret without url", patch: { SINK_SECRET: SECRET }, expect: [/^SINK_URL is missing/] },
    {
      name: "short sink secret",
      patch: { SINK_URL: "https://sink.example.com", SINK_SECRET: "short" },
      expect: [/^SINK_SECRET is malformed \(too short/],
    },
    {
      name: "plain http sink on a public host",
      patch: { SINK_URL: "http://sink.example.com", SINK_SECRET: SECRET },
      expect: [/^SINK_URL is malformed \(must use https unless it is loopback\)/],
    },
    {
      name: "sink url not a url",
      patch: { SINK_URL: "sink", SINK_SECRET: SECRET },
      expect: [/SINK_URL is malformed \(not a URL\)/],
    },
    {
      name: "ftp base url",
      patch: { AUTH0_BASE_URL: "ftp://127.0.0.1" },
      expect: [/^AUTH0_BASE_URL is malformed \(must be an http\(s\) URL\)/],
    },
    {
      name: "budget not a number",
      patch: { TENANT_SMS_BUDGET: "ten" },
      expect: [/^TENANT_SMS_BUDGET is malformed \(not a whole number/],
    },
    {
      name: "negative budget",
      patch: { TENANT_SMS_BUDGET: "-1" },
      expect: [/TENANT_SMS_BUDGET is malformed/],
    },
    {
      name: "budget too large",
      patch: { TENANT_SMS_BUDGET: "5000" },
      expect: [/TENANT_SMS_BUDGET is malformed \(out of range/],
    },
    {
      name: "zero timeout",
      patch: { TENANT_CODE_TIMEOUT_SECONDS: "0" },
      expect: [/TENANT_CODE_TIMEOUT_SECONDS is malformed/],
    },
    {
      name: "a step-up switch that is not 0 or 1",
      patch: { TENANT_STEP_UP: "yes" },
      expect: [/^TENANT_STEP_UP is malformed \(not 0 or 1\)/],
    },
    {
      name: "a Private Key JWT client without its key",
      patch: { AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: "pkjwt" },
      expect: [/^AUTH0_PRIVATE_KEY_JWT_KEY is missing/],
    },
    {
      name: "a Private Key JWT key without its client",
      patch: { AUTH0_PRIVATE_KEY_JWT_KEY: RSA_KEY },
      expect: [/^AUTH0_PRIVATE_KEY_JWT_CLIENT_ID is missing/],
    },
    {
      name: "a Private Key JWT key that is not PEM",
      patch: { AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: "pkjwt", AUTH0_PRIVATE_KEY_JWT_KEY: "secret" },
      expect: [/^AUTH0_PRIVATE_KEY_JWT_KEY is malformed \(not a PEM private key\)/],
    },
    {
      name: "a Private Key JWT algorithm Auth0 does not offer",
      patch: {
        AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: "pkjwt",
        AUTH0_PRIVATE_KEY_JWT_KEY: RSA_KEY,
        AUTH0_PRIVATE_KEY_JWT_ALG: "HS256",
      },
      expect: [/^AUTH0_PRIVATE_KEY_JWT_ALG is malformed/],
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const problems = problemsOf({ ...valid, ...row.patch });
      assert.equal(problems.length, row.expect.length, problems.join("\n"));
      for (const [i, re] of row.expect.entries()) assert.match(problems[i] ?? "", re);
    });
  }

  test("every problem is reported at once", () => {
    assert.equal(problemsOf({}).length, 6);
  });
});

describe("parseTenantConfig accepts", () => {
  const rows: {
    name: string;
    patch: Record<string, string>;
    check: (c: ReturnType<typeof parseTenantConfig>) => void;
  }[] = [
    {
      name: "the minimum, with defaults",
      patch: {},
      check: (c) => {
        assert.equal(c.baseURL, "https://dev-abc123.us.auth0.com");
        assert.equal(c.messageBudget, 20);
        assert.equal(c.codeTimeoutMs, 30_000);
        assert.equal(c.sink, undefined);
        assert.equal("audience" in c, false);
        assert.equal(c.stepUp, false, "the step-up Action is installed only when asked");
      },
    },
    {
      name: "the step-up switch on",
      patch: { TENANT_STEP_UP: "1" },
      check: (c) => assert.equal(c.stepUp, true),
    },
    {
      name: "a loopback base URL (the mock), trailing slash removed",
      patch: { AUTH0_BASE_URL: "http://127.0.0.1:4010/" },
      check: (c) => assert.equal(c.baseURL, "http://127.0.0.1:4010"),
    },
    {
      name: "a sink, budget and timeout",
      patch: {
        SINK_URL: "https://sink.example.com/",
        SINK_SECRET: SECRET,
        TENANT_SMS_BUDGET: "0",
        TENANT_CODE_TIMEOUT_SECONDS: "5",
      },
      check: (c) => {
        assert.deepEqual(c.sink, { url: "https://sink.example.com", secret: SECRET });
        assert.equal(c.messageBudget, 0);
        assert.equal(c.codeTimeoutMs, 5000);
        assert.deepEqual(tenantSecrets(c), ["client-secret-value", "m2m-secret-value", SECRET]);
      },
    },
    {
      name: "a public client and a Private Key JWT client (alg PS256); the key counts as a secret",
      patch: {
        AUTH0_PUBLIC_CLIENT_ID: "native",
        AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: "pkjwt",
        AUTH0_PRIVATE_KEY_JWT_KEY: RSA_KEY,
        AUTH0_PRIVATE_KEY_JWT_ALG: "PS256",
      },
      check: (c) => {
        assert.equal(c.publicClientId, "native");
        assert.deepEqual(c.privateKeyJwt, { clientId: "pkjwt", privateKeyPem: RSA_KEY.trim(), alg: "PS256" });
        assert.ok(tenantSecrets(c).includes(RSA_KEY.trim()));
      },
    },
    {
      name: "a Private Key JWT key on one line, its line breaks written as \\n",
      patch: {
        AUTH0_PRIVATE_KEY_JWT_CLIENT_ID: "pkjwt",
        AUTH0_PRIVATE_KEY_JWT_KEY: RSA_KEY.trim().replace(/\n/g, "\\n"),
      },
      check: (c) => assert.equal(c.privateKeyJwt?.privateKeyPem, RSA_KEY.trim()),
    },
    {
      name: "http sink on localhost",
      patch: { SINK_URL: "http://localhost:8787", SINK_SECRET: SECRET },
      check: (c) => assert.ok(c.sink),
    },
    {
      name: "an audience",
      patch: { AUTH0_AUDIENCE: "https://api.example.com" },
      check: (c) => assert.equal(c.audience, "https://api.example.com"),
    },
  ];
  for (const row of rows) test(row.name, () => row.check(parseTenantConfig({ ...valid, ...row.patch })));
});

describe("loadTenantConfig", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tenant-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "tenant.env");
  writeFileSync(
    file,
    `${Object.entries(valid)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n# comment\nTENANT_SMS_BUDGET=3\n`,
  );

  test("reads the named env file; the environment wins, empty variables do not", () => {
    const c = loadTenantConfig({
      argv: ["--env-file", file],
      env: { TENANT_SMS_BUDGET: "7", AUTH0_CONNECTION: "" },
    });
    assert.equal(c.messageBudget, 7);
    assert.equal(c.connection, "Username-Password-Authentication");
  });

  test("a named env file that does not exist is an error", () => {
    assert.throws(
      () => loadTenantConfig({ argv: [`--env-file=${path.join(dir, "nope.env")}`], env: {} }),
      /nope\.env \(from --env-file\) does not exist/,
    );
  });

  test("TENANT_ENV_FILE names the file too", () => {
    assert.equal(loadTenantConfig({ argv: [], env: { TENANT_ENV_FILE: file } }).messageBudget, 3);
  });
});

test("envFileFromArgs and isLoopback", () => {
  assert.equal(envFileFromArgs(["x", "--env-file", "a.env"]), "a.env");
  assert.equal(envFileFromArgs(["--env-file=b.env"]), "b.env");
  assert.equal(envFileFromArgs([]), undefined);
  for (const h of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]"]) assert.ok(isLoopback(h), h);
  for (const h of ["example.com", "10.0.0.1", "127.0.0.1.nip.io"]) assert.ok(!isLoopback(h), h);
});

test("tenant/README.md documents every variable", async () => {
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
  const { TENANT_VARIABLES } = await import("./config.ts");
  for (const v of TENANT_VARIABLES)
    assert.ok(readme.includes(`| \`${v.name}\``), `${v.name} is in the README's table`);
});
