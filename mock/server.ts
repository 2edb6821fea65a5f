/**
 * node:http shell around the app: reads the body (refusing more than `maxBodyBytes` early, with a
 * 413), applies the latency fault, writes the app's answer. Loopback by default.
 *
 * Each server owns its signing pool (`signingThreads` worker threads, none with 0): token answers
 * sign there, everything else stays synchronous. The threads start with the first token answer and
 * end with close(); an idle pool does not keep the process alive.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createMockApp, type MockApp, type MockResponse } from "./app.ts";
import type { MockConfig } from "./config.ts";
import { SigningPool } from "./signing-pool.ts";

const TOO_LARGE = JSON.stringify({ error: "invalid_request", error_description: "Request body too large." });

/** Starts the mock on `host:port` (127.0.0.1 and 4010 by default; port 0 picks a free one). */
export async function startMockServer(opts?: {
  port?: number;
  host?: string;
  config?: Partial<MockConfig>;
}): Promise<{ url: string; app: MockApp; close(): Promise<void> }> {
  const host = opts?.host ?? "127.0.0.1";
  const app = createMockApp(opts?.config);
  const rt = app.runtime;
  const threads = rt.config.signingThreads;
  const pool = threads > 0 ? new SigningPool(threads) : undefined;
  rt.signingPool = pool;
  const server = createServer((req, res) => onRequest(app, req, res));
  server.on("clientError", onClientError);
  // Keep-alive connections would hold close() open; the mock owns its sockets, so it ends them.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => {
      void pool?.close();
      reject(err);
    };
    server.once("error", failed);
    server.listen(opts?.port ?? 4010, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  rt.baseUrl = url;
  // The issuer follows the address unless it was configured: SDKs then verify tokens against it.
  if (opts?.config?.issuer === undefined && opts?.config?.domain === undefined) {
    rt.reconfigure({ ...rt.config, issuer: `${url}/` });
  }
  return {
    url,
    app,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      rt.signingPool = undefined;
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

function onRequest(app: MockApp, req: IncomingMessage, res: ServerResponse): void {
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
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
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

function deliver(app: MockApp, res: ServerResponse, answer: MockResponse): void {
  const latency = app.runtime.config.faults.latencyMs;
  if (latency > 0) setTimeout(write, latency, res, answer);
  else write(res, answer);
}

function onError(this: Reading): void {
  this.mockRes.destroy();
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
  const headersTooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = JSON.stringify({
    error: "invalid_request",
    error_description: headersTooLarge ? "Request headers too large." : "Malformed HTTP request.",
  });
  socket.end(
    `HTTP/1.1 ${headersTooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The 413 goes through the app so it carries the same headers as every other answer. */
function tooLarge(app: MockApp, req: IncomingMessage, res: ServerResponse): void {
  const answer = app.handle({
    method: req.method ?? "POST",
    url: req.url ?? "/",
    headers: req.headers as Record<string, string>,
    // A body one byte over the limit makes the app answer its 413 without reading the real one.
    body: Buffer.alloc(app.runtime.config.maxBodyBytes + 1),
  });
  answer.headers.connection = "close";
  if (answer.status !== 413) {
    answer.status = 413;
    answer.body = TOO_LARGE;
  }
  write(res, answer);
  req.resume();
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
