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
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { isIP } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { TlsError } from "../config/errors.ts";
import { isUnspecified } from "../http/loopback.ts";

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
/** A new local CA's lifetime: two years (docs/behaviour.md#tls-files); an expired one says how to renew it. */
export const CA_DAYS = 730;
/**
 * A server certificate's lifetime: 30 days (docs/behaviour.md#tls-files). Each start issues a fresh one, so
 * a leaked key is worth a month at most; a mock that runs longer is restarted to renew it.
 */
export const LEAF_DAYS = 30;

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
    return { ...readServerFiles(opts.cert, opts.key, names), ca: undefined };
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

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----/;
const KEY_BLOCK = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

/**
 * Your certificate and key, checked before the server starts, each error naming the option as the
 * caller wrote it: not PEM, the two files swapped, a certificate that does not parse or has expired,
 * a key that does not parse (or is encrypted), a key that is not the certificate's.
 */
export function readServerFiles(certFile: string, keyFile: string, names: TlsNames = API_NAMES): TlsPair {
  const cert = readPem(certFile, names.cert);
  const key = readPem(keyFile, names.key);
  if (!CERT_BLOCK.test(cert) && KEY_BLOCK.test(cert) && CERT_BLOCK.test(key)) {
    throw new TlsError(
      `${names.cert} and ${names.key} look swapped: ${certFile} holds a private key and ${keyFile} a certificate`,
      names.cert,
    );
  }
  if (!CERT_BLOCK.test(cert)) {
    throw new TlsError(`${names.cert}: ${certFile} holds no "BEGIN CERTIFICATE" block`, names.cert);
  }
  if (!KEY_BLOCK.test(key)) {
    throw new TlsError(`${names.key}: ${keyFile} holds no "BEGIN PRIVATE KEY" block`, names.key);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new TlsError(
      `${names.cert}: ${certFile} is not a valid certificate (${(e as Error).message})`,
      names.cert,
    );
  }
  if (Date.parse(x509.validTo) <= Date.now()) {
    throw new TlsError(
      `${names.cert}: the certificate in ${certFile} expired on ${x509.validTo}`,
      names.cert,
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (e) {
    throw new TlsError(
      `${names.key}: ${keyFile} is not a usable private key (${(e as Error).message}; an encrypted key is not supported)`,
      names.key,
    );
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw new TlsError(
      `${names.cert} and ${names.key} do not match: the key in ${keyFile} is not the one of the certificate in ${certFile}`,
      names.key,
    );
  }
  return { cert, key };
}

/** A certificate and its key (PEM). */
export interface TlsPair {
  cert: string;
  key: string;
}

/**
 * Makes `dir` and its missing parents one level at a time (Node's recursive mkdirSync loops forever
 * under /proc), each new level private (0700). Fails at once with a TlsError naming `option`.
 */
function makeFolder(dir: string, option: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let stat: Stats | undefined;
    try {
      stat = statSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        throw caFailure(option, `cannot make ${dir}: ${at}: ${(e as Error).message}`);
      }
    }
    if (stat) {
      if (!stat.isDirectory()) throw caFailure(option, `cannot make ${dir}: ${at} is not a folder`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue; // made meanwhile by another start
      throw caFailure(option, `cannot make ${dir}: ${(e as Error).message}`);
    }
  }
}

/**
 * The CA's folders must be the user's own and writable by nobody else: whoever can write there can
 * put a CA of their own in its place, which this machine's clients then trust. Refused, with the fix.
 */
function checkPrivateFolder(folder: string, option: string): void {
  if (process.platform === "win32" || typeof process.getuid !== "function") return;
  let stat: Stats;
  try {
    stat = statSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw caFailure(option, `cannot read ${folder}: ${(e as Error).message}`);
  }
  const uid = process.getuid();
  if (stat.uid !== uid) {
    throw caFailure(
      option,
      `${folder} belongs to user ${stat.uid}, not to you (${uid}): the local CA must be kept in a folder of your own; give another ${option}`,
    );
  }
  if ((stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, "0");
    throw caFailure(
      option,
      `${folder} is writable by group or others (mode ${mode}), so another user could replace the CA: chmod 700 ${folder}`,
    );
  }
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
  checkPrivateFolder(dir, option);
  checkPrivateFolder(folder, option);
  const existing = readCa(folder, option);
  if (existing) return existing;
  makeFolder(dir, option);
  const fresh = await makeCa();
  const staging = path.join(dir, `.ca-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(staging, { mode: 0o700 });
  } catch (e) {
    throw caFailure(option, `cannot write in ${dir}: ${(e as Error).message}`);
  }
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
    notAfterDate: new Date(now + CA_DAYS * DAY_MS),
    extensions: [
      // Path length 0: it signs server certificates, never another CA.
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem: ca.cert, keyPem: ca.private };
}

/**
 * A server certificate signed by `ca` for `hosts`. Valid from a day ago (clock skew) for LEAF_DAYS
 * (30) days: each start issues a fresh one, so it need not live long.
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
    notAfterDate: new Date(now + LEAF_DAYS * DAY_MS),
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

/**
 * The names a certificate must cover: loopback in every spelling, plus the host of `domain` and the
 * bound host, unless that is an unspecified address (every interface: no name to certify).
 */
export function certificateHosts(domain: string, boundHost: string): string[] {
  const host = (h: string) => h.replace(/:\d+$/, "");
  const extra = [host(domain), boundHost].filter((h) => h !== "" && !isUnspecified(h));
  return [...new Set(["localhost", "127.0.0.1", "::1", ...extra])];
}
