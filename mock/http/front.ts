/**
 * Where the mock's server is reached: its listening sockets, in front of node:http(s).
 *
 * - Over TLS, a plain TCP listener looks at each connection's first byte before any handshake: a
 *   TLS handshake starts with 0x16 and goes on to the HTTPS server; anything else is a plain HTTP
 *   request sent to the HTTPS port, which gets a 400 that says so (nginx's 497 idea) instead of a
 *   connection closed without a word.
 * - On 127.0.0.1 (the default), the same port on ::1 too, so `https://[::1]:<port>` (which the
 *   certificate names) and a `localhost` that resolves to ::1 first reach the mock. Where the
 *   machine has no IPv6 loopback, or the port is taken there, IPv4 alone is kept, as before.
 * - Plain HTTP on 127.0.0.1 listens with node:http itself: nothing sits in front of the hot path.
 */
import { type Server as HttpServer, STATUS_CODES } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { errors } from "../reply.ts";

/** The first byte of a TLS record carrying a handshake (a ClientHello). */
const TLS_HANDSHAKE = 0x16;
/** How long a new connection may stay silent before its first byte (the HTTP server's own timeouts apply after). */
const FIRST_BYTE_MS = 10_000;

/** The mock's listening sockets: the port they share, and the end of all of them and their connections. */
export interface Listening {
  port: number;
  close(): Promise<void>;
}

/**
 * A whole HTTP/1.1 answer, written on a socket outside node:http (before the handshake, or where
 * node:http could not parse the request), that ends the connection: Auth0's JSON envelope still.
 */
export function closingAnswer(refusal: { status: number; json: string }): string {
  const reason = STATUS_CODES[refusal.status] ?? "";
  return (
    `HTTP/1.1 ${refusal.status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(refusal.json)}\r\nconnection: close\r\n\r\n${refusal.json}`
  );
}

/** The answer to a plain HTTP request on the HTTPS port: where to go instead. */
export function plainOnHttpsAnswer(port: number): string {
  return closingAnswer(errors.plainHttpOnTlsPort(port));
}

/** Listens on `host:port` (and on ::1 beside 127.0.0.1) for `server`; over TLS through the first-byte check. */
export async function listen(
  server: HttpServer | HttpsServer,
  opts: { port: number; host: string; https: boolean },
): Promise<Listening> {
  const sockets = new Set<Socket>();
  let port = opts.port;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  /** A connection to the TLS port: to the HTTPS server if it starts a handshake, else the 400. */
  const sniff = (socket: Socket) => {
    track(socket);
    socket.setTimeout(FIRST_BYTE_MS, () => socket.destroy());
    socket.once("data", (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk); // the TLS socket reads what was already read before its handshake
      if (chunk[0] === TLS_HANDSHAKE) server.emit("connection", socket);
      else socket.end(plainOnHttpsAnswer(port));
    });
    socket.on("error", () => socket.destroy()); // a reset before the handshake: nothing to answer
  };
  const handOver = (socket: Socket) => {
    track(socket);
    server.emit("connection", socket);
  };
  const fronts: Server[] = [];
  if (opts.https) {
    const front = createServer(sniff);
    await listenOn(front, opts.port, opts.host);
    fronts.push(front);
    port = (front.address() as AddressInfo).port;
  } else {
    await listenOn(server, opts.port, opts.host);
    port = (server.address() as AddressInfo).port;
  }
  if (opts.host === "127.0.0.1") {
    const v6 = createServer(opts.https ? sniff : handOver);
    try {
      await listenOn(v6, port, "::1");
      fronts.push(v6);
    } catch {
      // No IPv6 loopback on this machine, or the port is taken on it: 127.0.0.1 alone, as before.
    }
  }
  return {
    port,
    close: async () => {
      const closing = fronts.map((f) => new Promise<void>((resolve) => f.close(() => resolve())));
      if (!opts.https)
        closing.push(
          new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
        );
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
    },
  };
}

/** Listens, or rejects with the listen error (a port in use, an address not on this machine). */
function listenOn(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
