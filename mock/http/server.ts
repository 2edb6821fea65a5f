/**
 * node:http shell around the app: reads the body (refusing more than `maxBodyBytes` early, with a
 * 413), applies the latency fault, writes the app's answer. Loopback by default.
 *
 * Each server owns its signing pool (`signingThreads` worker threads, none with 0): token answers
 * sign there, everything else stays synchronous. The threads start with the first token answer and
 * end with close(); an idle pool does not keep the process alive.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { createMockApp, type MockApp, type MockResponse } from "../app.ts";
import type { ConfigInput } from "../config/config.ts";
import { errors } from "../reply.ts";
import {
  certificateHosts,
  type LocalCa,
  serverCredentials,
  type TlsNames,
  type TlsOptions,
} from "../tls/tls.ts";
import { SigningPool } from "../tokens/signing-pool.ts";
import { closingAnswer, listen } from "./front.ts";
import { bounded, controlRefusal, hostAllowed } from "./guards.ts";
import { isLoopback, reachableAsLocalhost } from "./loopback.ts";
import { openRequestLog, type RequestLog } from "./request-log.ts";

const CA_PATH = "/__mock/tls/ca.pem";

/** A running mock: its base URL, the app behind it and, over TLS, the CA that signed its certificate. */
export interface MockServer {
  url: string;
  app: MockApp;
  /** Present when serving HTTPS: the certificate it serves (PEM) and its CA, undefined when the certificate was given (--tls-cert). */
  tls: { certPem: string; ca: LocalCa | undefined } | undefined;
  close(): Promise<void>;
}

/**
 * Starts the mock on `host:port` (127.0.0.1 and 4010 by default; port 0 picks a free one), over
 * HTTPS when `tls` is given (true: the local CA in its default folder).
 */
export async function startMockServer(opts?: {
  port?: number;
  host?: string;
  config?: ConfigInput;
  tls?: boolean | TlsOptions;
  /** How the caller named the TLS options, for the errors of reading their files (default `tls.cert`, ...). */
  tlsNames?: TlsNames;
}): Promise<MockServer> {
  const host = opts?.host ?? "127.0.0.1";
  const app = createMockApp(opts?.config);
  const rt = app.runtime;
  const tlsOptions = opts?.tls === true ? {} : opts?.tls || undefined;
  const issuerGiven = opts?.config?.issuer !== undefined || opts?.config?.domain !== undefined;
  // The port is only known after listening, so a certificate cannot name localhost:<port>; it does
  // not need to: certificates name hosts, never ports.
  const credentials = tlsOptions
    ? await serverCredentials(tlsOptions, certificateHosts(rt.config.domain, host), opts?.tlsNames)
    : undefined;
  // Off loopback, what loopback excuses is not excused (docs/behaviour.md#exposure).
  rt.exposed = !isLoopback(host);
  // Opened before listening: a log that cannot be written fails the start, not the first request.
  const log = rt.config.log === "" ? undefined : openRequestLog(rt.config.log);
  const threads = rt.config.signingThreads;
  const pool = threads > 0 ? new SigningPool(threads) : undefined;
  rt.signingPool = pool;
  const listener = (req: IncomingMessage, res: ServerResponse) =>
    onRequest(app, req, res, credentials?.ca, log);
  const server = credentials
    ? createHttpsServer({ cert: credentials.cert, key: credentials.key }, listener)
    : createServer(listener);
  server.on("clientError", onClientError);
  // Keep-alive connections would hold close() open; the mock owns its sockets, so it ends them.
  server.keepAliveTimeout = 5000;
  // front.ts: over TLS, a plain HTTP request gets a 400 that says so; 127.0.0.1 also listens on ::1.
  const https = credentials !== undefined;
  const front = await listen(server, { port: opts?.port ?? 4010, host, https }).catch((err: unknown) => {
    log?.close();
    void pool?.close();
    throw err;
  });
  const { port } = front;
  const url = credentials
    ? // Reachable as localhost, the name the certificate carries (a container's 0.0.0.0 too).
      `https://${reachableAsLocalhost(host) ? "localhost" : bracketed(host)}:${port}`
    : `http://${bracketed(host)}:${port}`;
  // Without a configured issuer or domain, the issuer is where the mock listens: plain http keeps
  // the address; TLS is for Auth0's SDKs, which build https://<domain>/ from a domain, so the domain
  // becomes localhost:<port> (docs/behaviour.md#issuer).
  if (!issuerGiven) {
    const domain = credentials ? new URL(url).host : rt.config.domain;
    rt.reconfigure({ ...rt.config, domain, issuer: `${url}/` });
  }
  return {
    url,
    app,
    tls: credentials ? { certPem: credentials.cert, ca: credentials.ca } : undefined,
    close: async () => {
      await front.close();
      rt.signingPool = undefined;
      log?.close();
      await pool?.close();
    },
  };
}

/** A request being read; the state lives on the request so the listeners below are shared, not per-request closures. */
interface Reading extends IncomingMessage {
  mockApp: MockApp;
  mockRes: ServerResponse;
  /** The body's first chunk (most bodies are one), then every chunk in `chunks` once there is a second. */
  first: Buffer | undefined;
  chunks: Buffer[] | undefined;
  size: number;
  refused: boolean;
}

function bracketed(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function onRequest(
  app: MockApp,
  req: IncomingMessage,
  res: ServerResponse,
  ca: LocalCa | undefined,
  log: RequestLog | undefined,
): void {
  if (log !== undefined) logWhenAnswered(app, req, res, log);
  // DNS rebinding: a page whose name now points here names itself in Host (http/guards.ts).
  const host = req.headers.host;
  if (!hostAllowed(host, app.runtime.config)) {
    req.resume();
    const refusal = errors.hostNotAllowed(bounded(host ?? ""));
    write(res, {
      status: refusal.status,
      headers: { "content-type": "application/json; charset=utf-8", connection: "close" },
      body: refusal.json,
    });
    return;
  }
  // The CA is the server's, not the app's: served here so that a client can fetch what to trust.
  if (req.url === CA_PATH && app.runtime.config.control) {
    // The control token guards it as every control route (a GET: no media type to check).
    const refusal = controlRefusal(
      app.runtime.config.controlToken,
      { method: req.method ?? "GET", url: CA_PATH, headers: req.headers as Record<string, string>, body: "" },
      false,
    );
    if (refusal !== undefined) {
      req.resume();
      write(res, {
        status: refusal.status,
        headers: { "content-type": "application/json; charset=utf-8", ...refusal.headers },
        body: refusal.json ?? JSON.stringify(refusal.body),
      });
      return;
    }
    serveCa(req, res, ca);
    return;
  }
  const max = app.runtime.config.maxBodyBytes;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) {
    tooLarge(app, req, res);
    return;
  }
  const r = req as Reading;
  r.mockApp = app;
  r.mockRes = res;
  r.first = undefined;
  r.chunks = undefined;
  r.size = 0;
  r.refused = false;
  // No "error" listener: a request fails only when its connection does (an abort), and node:http
  // then destroys the socket, and with it the response, itself; an IncomingMessage without one does
  // not throw. One listener fewer per request.
  req.on("data", onData);
  req.on("end", onEnd);
}

function onData(this: Reading, chunk: Buffer): void {
  if (this.refused) return;
  this.size += chunk.length;
  if (this.size > this.mockApp.runtime.config.maxBodyBytes) {
    this.refused = true;
    this.first = undefined;
    this.chunks = undefined;
    tooLarge(this.mockApp, this, this.mockRes);
    return;
  }
  if (this.first === undefined) this.first = chunk;
  else if (this.chunks === undefined) this.chunks = [this.first, chunk];
  else this.chunks.push(chunk);
}

function onEnd(this: Reading): void {
  if (this.refused) return;
  const body = this.chunks !== undefined ? Buffer.concat(this.chunks) : (this.first ?? "");
  const app = this.mockApp;
  const answer = app.respond({
    method: this.method ?? "GET",
    url: this.url ?? "/",
    headers: this.headers as Record<string, string>,
    body,
  });
  // Only a token answer signed on the pool is a promise; everything else is written in this tick.
  if (answer instanceof Promise)
    answer
      .then((a) => deliver(app, this.mockRes, a))
      .catch((error: unknown) => {
        // The state change is made; only the writing failed (a closed socket): never crash the mock.
        console.error(
          `mock: could not write a token answer: ${error instanceof Error ? error.message : error}`,
        );
        this.mockRes.destroy();
      });
  else deliver(app, this.mockRes, answer);
}

/** Writes the request's log line once its answer is sent (a connection cut before that writes none). */
function logWhenAnswered(app: MockApp, req: IncomingMessage, res: ServerResponse, log: RequestLog): void {
  const start = Date.now();
  const t0 = performance.now();
  res.once("finish", () => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = url.startsWith(CA_PATH)
      ? "control/tls/ca.pem"
      : app.routeId(method, q === -1 ? url : url.slice(0, q));
    log.write({ start, method, url, route, status: res.statusCode, durationMs: performance.now() - t0 });
  });
}

/** `GET /__mock/tls/ca.pem`: the local CA's certificate, or a 404 that says why there is none. */
function serveCa(req: IncomingMessage, res: ServerResponse, ca: LocalCa | undefined): void {
  req.resume();
  if (req.method !== "GET" && req.method !== "HEAD") {
    write(res, {
      status: 405,
      headers: { "content-type": "application/json; charset=utf-8", allow: "GET" },
      body: errors.methodNotAllowed(req.method ?? "", CA_PATH, "GET").json,
    });
    return;
  }
  if (!ca) {
    const why =
      res.socket && "encrypted" in res.socket
        ? "this mock serves the certificate it was given (--tls-cert), not one of its CA"
        : "this mock serves plain HTTP (start it with --tls)";
    write(res, {
      status: 404,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ error: "not_found", error_description: `No local CA: ${why}.` }),
    });
    return;
  }
  write(res, {
    status: 200,
    headers: { "content-type": "application/x-pem-file", "cache-control": "no-store" },
    body: ca.certPem,
  });
}

function deliver(app: MockApp, res: ServerResponse, answer: MockResponse): void {
  const latency = app.runtime.config.faults.latencyMs;
  if (latency > 0) setTimeout(write, latency, res, answer);
  else write(res, answer);
}

/**
 * HTTP that node:http cannot parse (a bad method, header or framing) never reaches the app; without
 * this, Node answers with an empty 400. Auth0's envelope keeps one error shape for every client.
 */
function onClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    closingAnswer(error.code === "HPE_HEADER_OVERFLOW" ? errors.headersTooLarge : errors.malformedHttp),
  );
}

/**
 * Lingering close, as nginx does it: after a 413 the server stops writing but goes on reading and
 * discarding what the client still sends, so that a client that reads its answer only once its body
 * is sent (fetch) gets the 413 instead of a reset; closing with unread bytes makes the kernel answer
 * them with RST, which can arrive before the answer is read. Bounded in bytes, in total time and in
 * silence, so a client that keeps sending is cut off.
 */
export const LINGER = { bytes: 32 * 1024 * 1024, totalMs: 10_000, idleMs: 2_000 };

function linger(req: IncomingMessage): void {
  const socket = req.socket;
  let discarded = 0;
  const cut = () => socket.destroy();
  const total = setTimeout(cut, LINGER.totalMs);
  const idle = setTimeout(cut, LINGER.idleMs);
  socket.once("close", () => {
    clearTimeout(total);
    clearTimeout(idle);
  });
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER.bytes) return cut();
    idle.refresh();
  });
  // node:http ends a `connection: close` answer with socket.destroySoon(), which closes the socket as
  // soon as the answer is written: here it only ends the writing side, and the socket is destroyed
  // when the client has sent everything (its FIN, or the request's end) or a bound is reached.
  socket.destroySoon = () => {
    socket.end();
    if (req.complete) cut();
    else req.once("end", cut);
  };
  req.resume();
}

/** The 413 goes through the app so it carries the same headers as every other answer. */
function tooLarge(app: MockApp, req: IncomingMessage, res: ServerResponse): void {
  const answer = app.handle({
    method: req.method ?? "POST",
    url: req.url ?? "/",
    headers: req.headers as Record<string, string>,
    body: "",
    bodyTooLarge: true,
  });
  answer.headers.connection = "close";
  if (answer.status !== 413) {
    answer.status = 413;
    answer.body = errors.bodyTooLarge.json;
  }
  linger(req);
  write(res, answer);
}

function write(
  res: ServerResponse,
  answer: { status: number; headers: Record<string, string>; body: string },
): void {
  if (res.headersSent || res.destroyed) return;
  // A declared length spares the chunked framing (fewer bytes and buffers per answer); 204 and 304
  // must not carry one.
  if (answer.status !== 204 && answer.status !== 304) {
    answer.headers["content-length"] = String(Buffer.byteLength(answer.body));
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}
