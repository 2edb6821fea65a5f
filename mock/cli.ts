/**
 * `npm run mock -- --port 4010 --profile essentials --seed 42`: starts the mock on 127.0.0.1 (unless
 * --host says otherwise), prints its base URL and the default client's credentials, and stops cleanly
 * on SIGINT or SIGTERM. Options come from flags and MOCK_* variables (see --help).
 */
import { maskSecret } from "../redaction/mask.ts";
import { ConfigError, parseArgs, usage } from "./config/config.ts";
import { checkExposure, exposureNotice, publicUrl } from "./exposure.ts";
import { startMockServer } from "./http/server.ts";
import { mockVersion } from "./version.ts";

/** Parses the command line, starts the server and wires the signals; answers the exit code on failure. */
async function main(argv: string[]): Promise<number | undefined> {
  // Before the options are read: a bad MOCK_* variable must not hide the version.
  if (argv.includes("--version")) {
    console.log(mockVersion);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`auth0-mfa-mock: ${err.message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(usage());
    return 0;
  }
  const { config, port, host, tls, tlsNames, given, naming } = parsed;
  const issuerGiven = given.has("issuer") || given.has("domain");
  // Without an explicit issuer or domain, startMockServer makes the issuer its own base URL.
  const { issuer: _issuer, domain: _domain, ...rest } = config;
  // A secret not given stays the app's own to generate: GET /__mock/config shows a generated secret
  // (the suites read it there) and masks a given one (docs/behaviour.md#exposure).
  const chosen = issuerGiven ? config : rest;
  const { clientSecret: _generated, ...withoutSecret } = chosen;
  let server: Awaited<ReturnType<typeof startMockServer>>;
  try {
    // Off loopback: a control token, and a domain for HTTPS or an every-interface bind (exposure.ts).
    checkExposure(config, { host, https: tls !== undefined }, naming);
    // tlsNames: a certificate file that cannot be read is named as given (--tls-cert or MOCK_TLS_CERT).
    const served = given.has("clientSecret") ? chosen : withoutSecret;
    server = await startMockServer({ port, host, config: served, tls, tlsNames });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`auth0-mfa-mock: ${err.message}`);
    return 2;
  }
  const c = server.app.config();
  const url = publicUrl(server.url, host, c);
  // A generated client secret is the mock's own, not any tenant's, and the user's app needs it, so
  // it is printed; one the user passed in may be a real tenant's, so it is masked.
  const secretGiven = given.has("clientSecret");
  console.log(`Auth0 MFA mock listening on ${url}`);
  // Off loopback: where it is really bound, and who can reach it.
  const boundPort = Number(new URL(server.url).port || port);
  for (const line of exposureNotice(host, boundPort, c) ?? []) console.log(line);
  console.log(`  issuer         ${c.issuer}   (domain ${c.domain})`);
  if (server.tls?.ca) {
    // What a client must trust; the CA's key stays in its folder and is never printed.
    console.log(`  TLS CA         ${server.tls.ca.certPath}   (also GET ${url}/__mock/tls/ca.pem)`);
    console.log(`  trust it       NODE_EXTRA_CA_CERTS=${server.tls.ca.certPath}`);
  } else if (server.tls) {
    console.log("  TLS            the certificate given with --tls-cert");
  }
  console.log(`  client_id      ${c.clientId}`);
  console.log(
    secretGiven
      ? `  client_secret  ${maskSecret(c.clientSecret)}   (as configured; masked)`
      : `  client_secret  ${c.clientSecret}   (generated for this run; not a tenant secret)`,
  );
  console.log(`  public client  ${c.publicClientId}   (a native app's: client_id only, no secret)`);
  console.log(`  SPA client     ${c.spaClientId}   (a single-page app's: /authorize with PKCE, no secret)`);
  const keyFrom = c.privateKeyJwtPublicKey ? "your key" : `key: ${url}/__mock/private-key-jwt`;
  console.log(
    `  private key JWT ${c.privateKeyJwtClientId}   (${c.privateKeyJwtAlg} client_assertion; ${keyFrom})`,
  );
  console.log(`  connection     ${c.connection}`);
  console.log(`  profile        ${c.profile}, seed ${c.seed}, ${c.users} seeded users`);
  console.log(`  control API    ${c.control ? `${url}/__mock/health` : "off"}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`auth0-mfa-mock: ${signal}, closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error("auth0-mfa-mock: close failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return undefined;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    console.error("auth0-mfa-mock: failed to start:", err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
