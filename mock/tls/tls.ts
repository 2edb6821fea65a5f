/**
 * HTTPS for the mock. Auth0's SDKs take a domain, build `https://<domain>/` and refuse plain http,
 * so the mock serves TLS with a certificate from a local certificate authority, made on first use
 * and kept in a state folder so that a CA trusted once (NODE_EXTRA_CA_CERTS, a system store) stays
 * trusted across runs; mkcert's model. Each start issues a fresh server certificate from it for
 * localhost, 127.0.0.1, ::1 and the configured domain. Your own certificate and key replace both.
 *
 * Certificates come from `selfsigned` (Node's WebCrypto through @peculiar/x509: a CA, then
 * certificates it signs), loaded only when TLS is on so a plain mock starts as fast as before.
 */
import { X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { TlsError } from "../config/errors.ts";

export { TlsError };

/** How the mock gets its certificate: a CA kept in `dir`, or the files `cert` and `key` (PEM). */
export interface TlsOptions {
  /** Where the local CA is kept (default: defaultTlsDir()). */
  dir?: string;
  /** A server certificate (PEM file) to serve instead of one from the local CA; needs `key`. */
  cert?: string;
  /** Its private key (PEM file). */
  key?: string;
}

/** The local certificate authority: its certificate (public) and the path a client trusts. */
export interface LocalCa {
  certPem: string;
  certPath: string;
  keyPem: string;
}

/** What an HTTPS server needs, and the CA that signed it when it is the mock's own. */
export interface ServerCredentials {
  cert: string;
  key: string;
  ca: LocalCa | undefined;
}

const CA_FOLDER = "ca";
const CA_CERT = "ca.pem";
const CA_KEY = "ca-key.pem";
const CA_NAME = "auth0-mfa-mock local CA";
const DAY_MS = 86_400_000;

/** `$XDG_DATA_HOME/auth0-mfa-mock/tls`, else `~/.local/share/auth0-mfa-mock/tls` (where mkcert keeps its CA too). */
export function defaultTlsDir(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME || path.join(homedir(), ".local", "share");
  return path.join(data, "auth0-mfa-mock", "tls");
}

/** How the caller named the TLS options, so an error names them its way (`--tls-cert`, `tls.cert`). */
export interface TlsNames {
  cert: string;
  key: string;
  dir: string;
}

/** The library's names (`startMock({tls: {cert}})`). */
const API_NAMES: TlsNames = { cert: "tls.cert", key: "tls.key", dir: "tls.dir" };

/**
 * The key and certificate to serve for `hosts` (names and IP addresses): the given files, or a
 * certificate issued now by the local CA in `opts.dir`, which is made first if there is none.
 * A TlsError names the option as `names` says.
 */
export async function serverCredentials(
  opts: TlsOptions,
  hosts: readonly string[],
  names: TlsNames = API_NAMES,
): Promise<ServerCredentials> {
  if (opts.cert !== undefined || opts.key !== undefined) {
    if (opts.cert === undefined || opts.key === undefined) {
      const missing = opts.cert === undefined ? names.cert : names.key;
      throw new TlsError(
        `${missing} is missing: ${names.cert} and ${names.key} go together (or neither, for the local CA)`,
        missing,
      );
    }
    return {
      cert: readPem(opts.cert, names.cert),
      key: readPem(opts.key, names.key),
      ca: undefined,
    };
  }
  const ca = await loadOrCreateCa(opts.dir ?? defaultTlsDir(), names.dir);
  return { ...(await issueServerCertificate(ca, hosts)), ca };
}

function readPem(file: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new TlsError(`${option}: cannot read ${file}: ${(e as Error).message}`, option);
  }
  if (!text.includes("-----BEGIN ")) throw new TlsError(`${option}: ${file} is not a PEM file`, option);
  return text;
}

/** A problem with the local CA, named by the option that says where it is kept (`--tls-dir`, `tls.dir`). */
function caFailure(option: string, message: string): TlsError {
  return new TlsError(`${option}: ${message}`, option);
}

/**
 * The CA kept in `dir`, made when there is none. Two mocks starting at once may both make one: each
 * writes its CA into a private folder and renames it into place, which only the first can do (a
 * rename onto a folder that exists fails); the other reads the winner's.
 */
export async function loadOrCreateCa(dir: string, option = API_NAMES.dir): Promise<LocalCa> {
  const folder = path.join(dir, CA_FOLDER);
  const existing = readCa(folder, option);
  if (existing) return existing;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fresh = await makeCa();
  const staging = path.join(dir, `.ca-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { mode: 0o700 });
  writeFileSync(path.join(staging, CA_KEY), fresh.keyPem, { mode: 0o600 });
  writeFileSync(path.join(staging, CA_CERT), fresh.certPem, { mode: 0o644 });
  try {
    renameSync(staging, folder);
    chmodSync(folder, 0o700);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST")
      throw caFailure(option, `cannot keep the CA in ${folder}: ${(e as Error).message}`);
  }
  const kept = readCa(folder, option);
  if (!kept) throw caFailure(option, `the CA in ${folder} could not be read back`);
  return kept;
}

/** The CA in `folder`, or undefined when there is none; a broken or expired one is an error that says how to renew it. */
function readCa(folder: string, option: string): LocalCa | undefined {
  const certPath = path.join(folder, CA_CERT);
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certPath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw caFailure(option, `cannot read the local CA in ${folder}: ${(e as Error).message}`);
  }
  const keyPath = path.join(folder, CA_KEY);
  try {
    keyPem = readFileSync(keyPath, "utf8");
    // A CA key others can read lets them mint certificates this machine trusts.
    if (process.platform !== "win32" && (statSync(keyPath).mode & 0o077) !== 0)
      throw caFailure(
        option,
        `${keyPath} is readable by others: chmod 600 it, or remove ${folder} to make a new CA`,
      );
  } catch (e) {
    if (e instanceof TlsError) throw e;
    throw caFailure(
      option,
      `cannot read the local CA's key (${(e as Error).message}); remove ${folder} to make a new CA`,
    );
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw caFailure(option, `${certPath} is not a certificate; remove ${folder} to make a new CA`);
  }
  if (Date.parse(cert.validTo) <= Date.now())
    throw caFailure(
      option,
      `the local CA in ${folder} expired on ${cert.validTo}; remove the folder to make a new one`,
    );
  return { certPem, certPath, keyPem };
}

async function makeCa(): Promise<{ certPem: string; keyPem: string }> {
  const { generate } = await import("selfsigned");
  const now = Date.now();
  const ca = await generate([{ name: "commonName", value: CA_NAME }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 10 * 365 * DAY_MS),
    extensions: [
      // Path length 0: it signs server certificates, never another CA.
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem: ca.cert, keyPem: ca.private };
}

/**
 * A server certificate signed by `ca` for `hosts`. Valid from a day ago (clock skew) for 398 days,
 * the longest validity that browsers and Apple platforms accept for TLS server certificates.
 */
export async function issueServerCertificate(
  ca: LocalCa,
  hosts: readonly string[],
): Promise<{ cert: string; key: string }> {
  const { generate } = await import("selfsigned");
  const names = [...new Set(hosts.map((h) => h.replace(/^\[|\]$/g, "")).filter((h) => h !== ""))];
  const now = Date.now();
  const leaf = await generate([{ name: "commonName", value: names[0] ?? "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 398 * DAY_MS),
    ca: { key: ca.keyPem, cert: ca.certPem },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: names.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })),
      },
    ],
  });
  return { cert: leaf.cert, key: leaf.private };
}

/** The names a certificate must cover: loopback in every spelling, plus the host of `domain` and the bound host. */
export function certificateHosts(domain: string, boundHost: string): string[] {
  const host = (h: string) => h.replace(/:\d+$/, "");
  const extra = [host(domain), boundHost].filter((h) => h !== "0.0.0.0" && h !== "::" && h !== "");
  return [...new Set(["localhost", "127.0.0.1", "::1", ...extra])];
}
