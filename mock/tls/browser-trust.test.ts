import assert from "node:assert/strict";
import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { connect } from "node:tls";
import { startMock } from "../start.ts";
import { chromiumTrustArgs, servedSpkiHashes, spkiHash } from "./browser-trust.ts";
import { issueServerCertificate, loadOrCreateCa } from "./tls.ts";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mock-browser-trust-"));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The SPKI hash computed another way: from the private key, not from the certificate. */
function hashOfKey(keyPem: string): string {
  const spki = createPublicKey(keyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** The certificate a TLS server presents (PEM), read without verifying it. */
function presented(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.on("error", reject);
  });
}

describe("spkiHash", () => {
  it("is base64 SHA-256 of the certificate's public key (the key its private key makes)", async () => {
    const ca = await loadOrCreateCa(tempDir());
    const leaf = await issueServerCertificate(ca, ["localhost"]);
    assert.equal(spkiHash(ca.certPem), hashOfKey(ca.keyPem));
    assert.equal(spkiHash(leaf.cert), hashOfKey(leaf.key));
    assert.notEqual(spkiHash(leaf.cert), spkiHash(ca.certPem));
    assert.equal(Buffer.from(spkiHash(leaf.cert), "base64").length, 32);
  });

  it("refuses what is not a certificate", () => {
    assert.throws(() => spkiHash("not a certificate"));
  });
});

describe("the mock's spkiHashes (startMock)", () => {
  it("with the local CA: the certificate it serves on the wire, then the CA", async () => {
    const mock = await startMock({ tls: { dir: tempDir() }, signingThreads: 0 });
    try {
      const served = await presented(mock.url);
      assert.deepEqual(mock.spkiHashes, [spkiHash(served), spkiHash(mock.caCert ?? "")]);
    } finally {
      await mock.close();
    }
  });

  it("with your own certificate: that certificate alone; on plain HTTP: none", async () => {
    const dir = tempDir();
    const ca = await loadOrCreateCa(path.join(dir, "other-ca"));
    const own = await issueServerCertificate(ca, ["localhost"]);
    writeFileSync(path.join(dir, "cert.pem"), own.cert);
    writeFileSync(path.join(dir, "key.pem"), own.key);
    const mine = await startMock({
      tls: { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") },
      signingThreads: 0,
    });
    const plain = await startMock({ signingThreads: 0 });
    try {
      assert.deepEqual(mine.spkiHashes, [hashOfKey(own.key)]);
      assert.deepEqual(plain.spkiHashes, []);
    } finally {
      await Promise.all([mine.close(), plain.close()]);
    }
  });

  it("servedSpkiHashes lists the served certificate first, the CA only when there is one", async () => {
    const ca = await loadOrCreateCa(tempDir());
    const leaf = await issueServerCertificate(ca, ["localhost"]);
    assert.deepEqual(servedSpkiHashes({ certPem: leaf.cert, ca }), [
      hashOfKey(leaf.key),
      hashOfKey(ca.keyPem),
    ]);
    assert.deepEqual(servedSpkiHashes({ certPem: leaf.cert, ca: undefined }), [hashOfKey(leaf.key)]);
  });
});

describe("chromiumTrustArgs", () => {
  const a = createHash("sha256").update("a").digest("base64");
  const b = createHash("sha256").update("b").digest("base64");

  it("joins the hashes into Chromium's one SPKI-list argument, each once; none gives no argument", () => {
    assert.deepEqual(chromiumTrustArgs([a, b, a]), [`--ignore-certificate-errors-spki-list=${a},${b}`]);
    assert.deepEqual(chromiumTrustArgs([]), []);
  });

  const refused: Array<[name: string, value: string]> = [
    ["an empty string (an unset variable split on commas)", ""],
    ["a hex SHA-256", createHash("sha256").update("a").digest("hex")],
    ["a SHA-1 in base64", createHash("sha1").update("a").digest("base64")],
    ["base64url", createHash("sha256").update("?>").digest("base64url")],
    ["a hash without its padding", a.slice(0, -1)],
    ["a hash with spaces around it", ` ${a}`],
    ["the whole argument instead of a hash", `--ignore-certificate-errors-spki-list=${a}`],
    ["43 characters whose last bits are not zero", `${a.slice(0, 42)}B=`],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name}, naming it`, () => {
      assert.throws(
        () => chromiumTrustArgs([a, value]),
        (e: unknown) =>
          e instanceof TypeError &&
          e.message.includes(JSON.stringify(value)) &&
          !e.message.includes(JSON.stringify(a)),
      );
    });
  }
});
