/**
 * The mock as a library for another project's tests (the `auth0-mfa-mock` package's main export):
 * `startMock()` serves it on a port with the command line's options, typed; `createMock()` answers in
 * process through a fetch-like `request()`, with no port (Auth0's SDKs take it as `customFetch`).
 * Both carry `control`, the control API (/__mock) as typed calls; `mockControl(url)` makes the same
 * calls from another process that knows only the URL (a Playwright worker, say).
 */
import { createMockApp, type MockApp } from "./app.ts";
import { type Faults, type MockConfig, resolveConfig, resolveServer } from "./config/config.ts";
import { type ControlSend, controlHeaders, controlOver, type MockControl } from "./control/client.ts";
import { checkExposure, publicUrl } from "./exposure.ts";
import { startMockServer } from "./http/server.ts";
import { servedSpkiHashes } from "./tls/browser-trust.ts";
import type { TlsOptions } from "./tls/tls.ts";

export type { OperationId } from "../openapi/validate.ts";
export type { DeviationName, Faults, MockConfig } from "./config/config.ts";
export { ConfigError, TlsError, UnknownDeviationError } from "./config/config.ts";
export type {
  ControlAnswer,
  ControlSend,
  GuardianEnrollment,
  MockConfigJson,
  MockConfigPatch,
  MockControl,
  MockControlOptions,
  MockHealth,
  MockPrivateKeyJwt,
  MockStats,
  MockUser,
  PendingPush,
} from "./control/client.ts";
export { MockControlError, mockControl } from "./control/client.ts";
export type { Deviation } from "./deviations.ts";
export type { ProfileName } from "./limits/profiles.ts";
export type { OutboxMessage } from "./store/outbox.ts";
export { chromiumTrustArgs, spkiHash } from "./tls/browser-trust.ts";
export type { TlsOptions } from "./tls/tls.ts";
export { mockVersion } from "./version.ts";

/** The mock's configuration (the command line's options, camelCase); `faults` may be partial. */
export interface MockOptions extends Partial<Omit<MockConfig, "faults">> {
  faults?: Partial<Faults>;
}

/**
 * HTTPS as the command line's `--tls` sets it: true issues a certificate from the local CA (made on
 * first use and kept in `dir`); `cert` and `key` (PEM files) serve your own instead.
 */
export type TlsOption = boolean | TlsOptions;

/** `startMock()`'s options: the configuration plus where to listen. */
export interface StartMockOptions extends MockOptions {
  /** Default 0, a free port (the command line's default is 4010): test runs may start several. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTPS with a certificate for localhost, as Auth0's SDKs require; `caCert` is the CA to trust. */
  tls?: TlsOption;
}

/** The clients every mock has; the secret is generated per mock unless configured. */
interface Clients {
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  privateKeyJwtClientId: string;
  /** The single-page app's client id (no secret, PKCE): what an SPA's Auth0 SDK takes as `clientId`. */
  spaClientId: string;
}

/** A mock served by `startMock()`. */
export interface RunningMock extends Clients {
  /** Base URL, e.g. `http://127.0.0.1:41234` (`https://localhost:41234` with TLS). */
  url: string;
  /** What an Auth0 SDK takes as its domain: the URL's host and port. */
  domain: string;
  /** `iss` of the tokens, with its trailing slash. */
  issuer: string;
  /** With TLS from the local CA, its certificate (PEM): what a client must trust; undefined otherwise. */
  caCert: string | undefined;
  /** The file that holds `caCert` (for NODE_EXTRA_CA_CERTS); undefined without it. */
  caPath: string | undefined;
  /**
   * With TLS, base64 SHA-256 hashes of the public keys of the certificate it serves and of its CA:
   * what a browser is told to trust (`chromiumTrustArgs(mock.spkiHashes)`); empty on plain HTTP.
   */
  spkiHashes: string[];
  control: MockControl;
  /** Stops the server and its signing threads. */
  close(): Promise<void>;
}

/** A mock in this process, without a port (`createMock()`). */
export interface InProcessMock extends Clients {
  /** `fetch`'s signature: an absolute URL (any origin) or a path; answers as the served mock would. */
  request(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** "localhost" unless configured: give it to an SDK with `customFetch: mock.request`. */
  domain: string;
  issuer: string;
  control: MockControl;
}

/** Starts the mock on a port (a free one by default) for a test run; `close()` stops it. */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { port = 0, host, tls, ...config } = options;
  // Checked before anything starts, like the configuration (createMockApp resolves it).
  const listen = resolveServer({ port, host, tls });
  // Off loopback: a control token, and a domain for HTTPS or an every-interface bind (exposure.ts).
  const bindHost = listen.host ?? "127.0.0.1";
  checkExposure(resolveConfig(config), { host: bindHost, https: listen.tls !== undefined });
  const server = await startMockServer({ port: listen.port, host: listen.host, config, tls: listen.tls });
  const c = server.app.config();
  return {
    url: publicUrl(server.url, bindHost, c),
    // As an SDK takes it: where the mock listens, unless a domain or issuer was configured.
    domain: config.domain !== undefined || config.issuer !== undefined ? c.domain : new URL(server.url).host,
    issuer: c.issuer,
    caCert: server.tls?.ca?.certPem,
    caPath: server.tls?.ca?.certPath,
    spkiHashes: server.tls ? servedSpkiHashes(server.tls) : [],
    ...clients(c),
    // This process holds the app: its control calls skip the network (and so need no CA).
    control: controlOver(inProcess(server.app)),
    close: () => server.close(),
  };
}

/** The mock in this process: `request()` instead of a port. Token answers sign on this thread. */
export function createMock(options: MockOptions = {}): InProcessMock {
  const app = createMockApp(options);
  const c = app.config();
  const send = inProcess(app);
  return {
    async request(input, init) {
      // Relative paths resolve against the issuer, so a request looks as it would to the served mock.
      const req =
        input instanceof Request ? new Request(input, init) : new Request(new URL(input, c.issuer), init);
      const url = new URL(req.url);
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const answer = await app.request(`${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        body: req.body === null ? "" : await req.text(),
      });
      const empty = answer.status === 204 || answer.status === 304 || req.method === "HEAD";
      return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
    },
    domain: c.domain,
    issuer: c.issuer,
    ...clients(c),
    control: controlOver(send),
  };
}

function clients(c: MockConfig): Clients {
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    publicClientId: c.publicClientId,
    privateKeyJwtClientId: c.privateKeyJwtClientId,
    spaClientId: c.spaClientId,
  };
}

// ---- the control API as calls ----

function inProcess(app: MockApp): ControlSend {
  return (method, path, body) =>
    app.request(path, {
      method,
      // The control token too, when the mock has one: this process holds the app, so it holds the token.
      headers: controlHeaders(method, app.config().controlToken),
      body: body === undefined ? "" : JSON.stringify(body),
    });
}
