import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError } from "../config/errors.ts";
import { startMockServer } from "../http/server.ts";
import {
  CA_DAYS,
  certificateHosts,
  issueServerCertificate,
  LEAF_DAYS,
  loadOrCreateCa,
  readServerFiles,
  serverCredentials,
  TlsError,
  type TlsNames,
} from "./tls.ts";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mock-tls-"));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** GET over HTTPS trusting only `ca` (no NODE_EXTRA_CA_CERTS, no system store). */
function get(url: string, ca: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 10 s")));
    req.on("error", reject);
    req.end();
  });
}

describe("the local CA", () => {
  it("is made once, owner-only, and the same CA is read back by every later start", async () => {
    const dir = tempDir();
    const first = await loadOrCreateCa(dir);
    const again = await loadOrCreateCa(dir);
    assert.equal(again.certPem, first.certPem);
    assert.equal(first.certPath, path.join(dir, "ca", "ca.pem"));
    assert.equal(statSync(path.join(dir, "ca", "ca-key.pem")).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dir, "ca")).mode & 0o777, 0o700);
    const cert = new X509Certificate(first.certPem);
    assert.equal(cert.ca, true);
    // Two years (CA_DAYS): long enough to trust once, short enough to age out.
    assert.ok(Date.parse(cert.validTo) > Date.now() + 365 * 86_400_000, "valid for more than a year");
  });

  it("is one CA when several mocks make it at once", async () => {
    const dir = tempDir();
    const made = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateCa(dir)));
    assert.equal(new Set(made.map((ca) => ca.certPem)).size, 1);
    // Every starter reads the winner's files, not its own discarded attempt.
    assert.equal(readFileSync(made[0]?.certPath ?? "", "utf8"), made[3]?.certPem);
  });

  it("signs server certificates for loopback in every spelling and the domain", async () => {
    const ca = await loadOrCreateCa(tempDir());
    const { cert } = await issueServerCertificate(ca, certificateHosts("mfa-mock.local:8443", "127.0.0.1"));
    const x = new X509Certificate(cert);
    assert.ok(x.verify(new X509Certificate(ca.certPem).publicKey), "signed by the CA");
    assert.equal(x.ca, false);
    for (const name of ["localhost", "mfa-mock.local"]) assert.equal(x.checkHost(name), name);
    for (const ip of ["127.0.0.1", "::1"]) assert.ok(x.checkIP(ip), ip);
    assert.equal(x.checkHost("example.com"), undefined);
  });

  const broken: Array<{ name: string; spoil: (dir: string) => void; says: RegExp }> = [
    {
      name: "a CA file that is not a certificate",
      spoil: (dir) => writeFileSync(path.join(dir, "ca", "ca.pem"), "not a certificate"),
      says: /is not a certificate; remove .* to make a new CA/,
    },
    {
      name: "a CA key others can read",
      spoil: (dir) => chmodSync(path.join(dir, "ca", "ca-key.pem"), 0o644),
      says: /ca-key\.pem is readable by others: chmod 600 it/,
    },
    {
      name: "a missing CA key",
      spoil: (dir) => rmSync(path.join(dir, "ca", "ca-key.pem")),
      says: /cannot read the local CA's key .*; remove .* to make a new CA/,
    },
  ];
  for (const row of broken) {
    it(`refuses ${row.name} with a message that says what to do`, async () => {
      const dir = tempDir();
      await loadOrCreateCa(dir);
      row.spoil(dir);
      await assert.rejects(
        loadOrCreateCa(dir),
        (e: Error) => e instanceof TlsError && row.says.test(e.message),
      );
    });
  }

  const cli = { cert: "--tls-cert", key: "MOCK_TLS_KEY", dir: "--tls-dir" };
  // Each refusal names the option as its caller wrote it: the library's names unless told
  // (the command line passes the flag or variable each came from).
  const given: Array<{
    name: string;
    opts: { cert?: string; key?: string };
    names?: TlsNames;
    says: RegExp;
  }> = [
    {
      name: "a certificate without its key",
      opts: { cert: "/x.pem" },
      says: /^tls.key is missing: .*go together/,
    },
    { name: "a key without its certificate", opts: { key: "/x.pem" }, says: /^tls.cert is missing/ },
    {
      name: "a key without its certificate (CLI)",
      opts: { key: "/x.pem" },
      names: cli,
      says: /^--tls-cert is missing: --tls-cert and MOCK_TLS_KEY go together/,
    },
    {
      // Was "--tls-cert: cannot read": called as the library, the option is the library's tls.cert.
      name: "files that cannot be read",
      opts: { cert: "/nonexistent/c.pem", key: "/nonexistent/k.pem" },
      says: /^tls\.cert: cannot read/,
    },
    {
      name: "files that cannot be read (CLI)",
      opts: { cert: "/nonexistent/c.pem", key: "/nonexistent/k.pem" },
      names: cli,
      says: /^--tls-cert: cannot read/,
    },
  ];
  for (const row of given) {
    it(`refuses ${row.name}`, async () => {
      await assert.rejects(
        serverCredentials(row.opts, ["localhost"], row.names),
        (e: unknown) => e instanceof TlsError && e instanceof ConfigError && row.says.test(e.message),
      );
    });
  }
});

describe("the mock over TLS", () => {
  it("serves https://localhost:<port>/ as issuer, domain and every discovery endpoint, and its CA", async () => {
    const dir = tempDir();
    const server = await startMockServer({ port: 0, tls: { dir }, config: { users: 1, signingThreads: 0 } });
    try {
      assert.match(server.url, /^https:\/\/localhost:\d+$/);
      const ca = server.tls?.ca;
      assert.ok(ca, "the mock's own CA");
      const discovery = JSON.parse(
        (await get(`${server.url}/.well-known/openid-configuration`, ca.certPem)).body,
      );
      assert.equal(discovery.issuer, `${server.url}/`);
      for (const key of ["authorization_endpoint", "token_endpoint", "mfa_challenge_endpoint", "jwks_uri"])
        assert.ok(String(discovery[key]).startsWith(`${server.url}/`), `${key}: ${discovery[key]}`);
      const config = server.app.config();
      assert.equal(config.domain, new URL(server.url).host);
      const pem = await get(`${server.url}/__mock/tls/ca.pem`, ca.certPem);
      assert.equal(pem.status, 200);
      assert.equal(pem.type, "application/x-pem-file");
      assert.equal(pem.body, ca.certPem);
      assert.doesNotMatch(pem.body, /PRIVATE KEY/);
    } finally {
      await server.close();
    }
  });

  it("keeps a configured domain as the issuer, and moves discovery with it at run time", async () => {
    const server = await startMockServer({
      port: 0,
      tls: { dir: tempDir() },
      config: { domain: "mfa-mock.local", users: 1, signingThreads: 0 },
    });
    try {
      const ca = server.tls?.ca?.certPem ?? "";
      const read = async () =>
        JSON.parse((await get(`${server.url}/.well-known/openid-configuration`, ca)).body) as Record<
          string,
          string
        >;
      assert.equal((await read()).token_endpoint, "https://mfa-mock.local/oauth/token");
      server.app.runtime.reconfigure({
        ...server.app.config(),
        domain: "b.example.com",
        issuer: "https://b.example.com/",
      });
      assert.equal((await read()).token_endpoint, "https://b.example.com/oauth/token");
    } finally {
      await server.close();
    }
  });

  it("answers a plain-HTTP mock's CA request with a 404 that says why", async () => {
    const server = await startMockServer({ port: 0, config: { users: 1, signingThreads: 0 } });
    try {
      const res = await fetch(`${server.url}/__mock/tls/ca.pem`);
      assert.equal(res.status, 404);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body.error, "not_found");
      assert.match(String(body.error_description), /plain HTTP/);
      // Without an issuer, discovery stays on the address (today's behaviour for plain HTTP).
      const discovery = (await (
        await fetch(`${server.url}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      assert.equal(discovery.token_endpoint, `${server.url}/oauth/token`);
    } finally {
      await server.close();
    }
  });
});

describe("TLS bounds and fail-fast", () => {
  it("fails at once, naming --tls-dir, for a folder that cannot be made (was: recursive mkdir spinning forever)", async () => {
    const started = Date.now();
    await assert.rejects(
      serverCredentials({ dir: "/proc/1/nope" }, ["localhost"], {
        cert: "--tls-cert",
        key: "--tls-key",
        dir: "--tls-dir",
      }),
      (e: unknown) => e instanceof TlsError && /^--tls-dir: /.test(e.message) && e.option === "--tls-dir",
    );
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it("fails at once for a folder under a file", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "file"), "x");
    await assert.rejects(
      loadOrCreateCa(path.join(dir, "file", "tls"), "--tls-dir"),
      (e: unknown) => e instanceof TlsError && /^--tls-dir: .*not a (folder|directory)/.test(e.message),
    );
  });

  it("makes missing parents owner-only", async () => {
    const dir = path.join(tempDir(), "a", "b");
    await loadOrCreateCa(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path.dirname(dir)).mode & 0o777, 0o700);
  });

  // Whoever can write the CA's folder can put their own CA there, which this machine then trusts.
  const loose: Array<{ name: string; folder: (dir: string) => string; mode: number }> = [
    { name: "a --tls-dir writable by all (0777)", folder: (dir) => dir, mode: 0o777 },
    { name: "a --tls-dir writable by its group (0770)", folder: (dir) => dir, mode: 0o770 },
    { name: "a CA folder writable by others (0703)", folder: (dir) => path.join(dir, "ca"), mode: 0o703 },
  ];
  for (const row of loose) {
    it(`refuses ${row.name}, saying chmod 700`, async () => {
      const dir = tempDir();
      await loadOrCreateCa(dir);
      const folder = row.folder(dir);
      chmodSync(folder, row.mode);
      await assert.rejects(loadOrCreateCa(dir, "--tls-dir"), (e: unknown) => {
        assert.ok(e instanceof TlsError);
        assert.equal(
          e.message,
          `--tls-dir: ${folder} is writable by group or others (mode ${row.mode.toString(8)}), so another user could replace the CA: chmod 700 ${folder}`,
        );
        return true;
      });
    });
  }

  it("refuses a folder of another user (when there is one to test with: /tmp itself is root's)", async (t) => {
    if (process.getuid?.() === 0) return t.skip("running as root: every folder is ours to use");
    // The sticky /tmp is world-writable too; ownership is checked first, so the message is about it.
    await assert.rejects(
      loadOrCreateCa(tmpdir(), "--tls-dir"),
      (e: unknown) => e instanceof TlsError && /belongs to user \d+, not to you/.test(e.message),
    );
  });

  it(`issues leaf certificates for ${LEAF_DAYS} days and a new CA for ${CA_DAYS} days`, async () => {
    const ca = await loadOrCreateCa(tempDir());
    const { cert } = await issueServerCertificate(ca, ["localhost"]);
    const days = (c: string) => {
      const x = new X509Certificate(c);
      return Math.round((Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000);
    };
    // Valid from a day ago (clock skew).
    assert.equal(days(cert), LEAF_DAYS + 1);
    assert.equal(days(ca.certPem), CA_DAYS + 1);
  });
});

describe("your certificate and key (--tls-cert, --tls-key)", () => {
  const names = { cert: "--tls-cert", key: "--tls-key", dir: "--tls-dir" };
  /** Two certificate-and-key pairs from one CA, written as files. */
  async function files() {
    const dir = tempDir();
    const ca = await loadOrCreateCa(dir);
    const a = await issueServerCertificate(ca, ["localhost"]);
    const b = await issueServerCertificate(ca, ["localhost"]);
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    return {
      cert: write("cert.pem", a.cert),
      key: write("key.pem", a.key),
      otherKey: write("other-key.pem", b.key),
      text: write("notes.txt", "hello"),
      brokenCert: write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    };
  }

  it("takes a matching pair", async () => {
    const f = await files();
    const pair = readServerFiles(f.cert, f.key, names);
    assert.match(pair.cert, /BEGIN CERTIFICATE/);
  });

  const bad: Array<{
    name: string;
    pick: (f: Awaited<ReturnType<typeof files>>) => [string, string];
    says: RegExp;
    option: string;
  }> = [
    {
      name: "a key that is not the certificate's",
      pick: (f) => [f.cert, f.otherKey],
      says: /^--tls-cert and --tls-key do not match: the key in .* is not the one of the certificate in /,
      option: "--tls-key",
    },
    {
      name: "the two files swapped",
      pick: (f) => [f.key, f.cert],
      says: /^--tls-cert and --tls-key look swapped: .* holds a private key and .* a certificate$/,
      option: "--tls-cert",
    },
    {
      name: "a certificate that is no PEM",
      pick: (f) => [f.text, f.key],
      says: /^--tls-cert: .* is not a PEM file$/,
      option: "--tls-cert",
    },
    {
      name: "a key that is no PEM",
      pick: (f) => [f.cert, f.text],
      says: /^--tls-key: .* is not a PEM file$/,
      option: "--tls-key",
    },
    {
      name: "a key file that holds a certificate",
      pick: (f) => [f.cert, f.cert],
      says: /^--tls-key: .* holds no "BEGIN PRIVATE KEY" block$/,
      option: "--tls-key",
    },
    {
      name: "a certificate that does not parse",
      pick: (f) => [f.brokenCert, f.key],
      says: /^--tls-cert: .* is not a valid certificate/,
      option: "--tls-cert",
    },
  ];
  for (const row of bad) {
    it(`refuses ${row.name}, naming the option`, async () => {
      const [cert, key] = row.pick(await files());
      assert.throws(
        () => readServerFiles(cert, key, names),
        (e: unknown) => e instanceof TlsError && row.says.test(e.message) && e.option === row.option,
      );
    });
  }

  it("names the library's options when called as the library (tls.cert)", async () => {
    const f = await files();
    await assert.rejects(
      serverCredentials({ cert: f.cert, key: f.otherKey }, ["localhost"]),
      (e: unknown) => e instanceof TlsError && /^tls\.cert and tls\.key do not match/.test(e.message),
    );
  });
});
