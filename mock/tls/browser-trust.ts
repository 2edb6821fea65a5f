/**
 * What makes a browser trust the mock's HTTPS, and nothing else. Auth0's browser SDKs always call
 * `https://<domain>/`, so a browser test needs Chromium to accept the mock's certificate. Chromium's
 * `--ignore-certificate-errors-spki-list` takes base64(SHA-256(SubjectPublicKeyInfo)) hashes and
 * accepts a connection only when a certificate the server sends has one of those keys; any other
 * certificate error stays an error (unlike `--ignore-certificate-errors` or Playwright's
 * `ignoreHTTPSErrors`, which accept any certificate at all).
 *
 * Chromium matches the certificates the server sends, not the chain it builds: the mock sends its
 * serving certificate alone, so that certificate's hash is the one that counts. The CA's is listed
 * too, so a server that sends the CA in its chain is trusted as well.
 */
import { createHash, X509Certificate } from "node:crypto";

/** base64(SHA-256(SubjectPublicKeyInfo)) of a certificate (PEM): what Chromium's SPKI list takes. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** The served certificate's hash first, then its CA's when it came from the local CA. */
export function servedSpkiHashes(tls: { certPem: string; ca: { certPem: string } | undefined }): string[] {
  return [tls.certPem, ...(tls.ca ? [tls.ca.certPem] : [])].map(spkiHash);
}

/** A SHA-256 hash in base64: 43 characters and one `=`. */
const SPKI_HASH = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * Chromium's launch arguments that make it trust these keys (`spkiHashes`, or several mocks' lists
 * joined): `["--ignore-certificate-errors-spki-list=<h1>,<h2>"]`, or `[]` for none (a plain-HTTP
 * mock). A value that is not a SHA-256 hash in base64 throws: Chromium would skip it silently and
 * then refuse the mock with a certificate error that does not say why.
 */
export function chromiumTrustArgs(spkiHashes: readonly string[]): string[] {
  const wrong = spkiHashes.filter((h) => !SPKI_HASH.test(h));
  if (wrong.length > 0) {
    throw new TypeError(
      `chromiumTrustArgs: not a base64 SHA-256 SPKI hash: ${wrong.map((h) => JSON.stringify(h)).join(", ")} (the mock's spkiHashes are)`,
    );
  }
  const unique = [...new Set(spkiHashes)];
  return unique.length === 0 ? [] : [`--ignore-certificate-errors-spki-list=${unique.join(",")}`];
}
