/**
 * The code sink: a small HTTP server the phone-message and email Actions post to. It verifies each
 * signature, keeps the codes in memory (bounded), and serves them with the same query and fields as
 * the mock's outbox (`GET /outbox?recipient=&after=`), so suites read codes one way for both targets.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isEmail } from "../mock/factors/email.ts";
import type { OutboxMessage } from "../mock/store/outbox.ts";
import {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  sinkReadToken,
  TIMESTAMP_HEADER,
  verifySignature,
} from "./signature.ts";

export interface SinkOptions {
  secret: string;
  /** Most messages kept; the oldest go first. */
  maxMessages?: number;
  toleranceSeconds?: number;
  /** Injectable clock (epoch ms) for the timestamp window. */
  now?: () => number;
  /** Called once per rejected request, with a reason that carries no secret. */
  onReject?: (reason: string) => void;
  /** Called once per stored message (for a log line; mask what you print). */
  onAccept?: (message: SinkMessage) => void;
}

/**
 * A message the sink keeps: the mock outbox's fields, except that an email's `action` may be
 * absent: Auth0's custom-email-provider event does not say whether a code enrolls or verifies.
 */
export type SinkMessage = Omit<OutboxMessage, "action"> & { action?: OutboxMessage["action"] };

const MAX_BODY_BYTES = 16 * 1024;
const ACTIONS = new Set(["enrollment", "second-factor-authentication"]);

/** Bounded, ordered message store; ids carry a sequence number so `after` works past eviction. */
export class SinkStore {
  private messages: SinkMessage[] = [];
  private seq = 0;
  constructor(private readonly max: number) {}

  /** Stores a message and evicts the oldest beyond the bound. */
  push(m: Omit<SinkMessage, "id" | "created_at">, nowMs: number): SinkMessage {
    this.seq++;
    const stored = {
      id: `msg_${String(this.seq).padStart(8, "0")}`,
      ...m,
      created_at: new Date(nowMs).toISOString(),
    };
    this.messages.push(stored);
    if (this.messages.length > this.max) this.messages.splice(0, this.messages.length - this.max);
    return stored;
  }

  /** Messages oldest first, optionally for one recipient and after a message id or an ISO time. */
  list(q: { recipient?: string; after?: string } = {}): SinkMessage[] {
    let after: (m: SinkMessage) => boolean = () => true;
    const seq = q.after?.match(/^msg_(\d+)$/)?.[1];
    if (seq !== undefined) after = (m) => m.id > `msg_${seq.padStart(8, "0")}`;
    else if (q.after && !Number.isNaN(Date.parse(q.after))) {
      const t = Date.parse(q.after);
      after = (m) => Date.parse(m.created_at) > t;
    }
    return this.messages.filter((m) => (!q.recipient || m.recipient === q.recipient) && after(m));
  }

  size(): number {
    return this.messages.length;
  }

  clear(): void {
    this.messages = [];
  }
}

/**
 * Validates an Action's JSON; returns the message or a reason. A phone message needs an E.164
 * recipient and its `action`; an email (`message_type: "email"`) an address, and `action` only if
 * the Action knows it.
 */
export function parseSinkMessage(body: unknown): Omit<SinkMessage, "id" | "created_at"> | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body is not a JSON object";
  const b = body as Record<string, unknown>;
  if (b.message_type !== "sms" && b.message_type !== "voice" && b.message_type !== "email")
    return "message_type is not sms, voice or email";
  const email = b.message_type === "email";
  if (email ? typeof b.recipient !== "string" || !isEmail(b.recipient) : !isE164(b.recipient))
    return email ? "recipient is not an email address" : "recipient is not E.164";
  if (typeof b.code !== "string" || !/^\d{4,10}$/.test(b.code)) return "code is not 4 to 10 digits";
  if (!(email && b.action === undefined) && (typeof b.action !== "string" || !ACTIONS.has(b.action)))
    return `action is not enrollment or second-factor-authentication${email ? " (an email may leave it out)" : ""}`;
  const text = typeof b.text === "string" ? b.text.slice(0, 1000) : "";
  return {
    recipient: b.recipient as string,
    code: b.code,
    text,
    ...(b.action === undefined ? {} : { action: b.action as OutboxMessage["action"] }),
    message_type: b.message_type,
  };
}

function isE164(v: unknown): v is string {
  return typeof v === "string" && /^\+[1-9]\d{6,14}$/.test(v);
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Reads a body up to `max` bytes; undefined when larger. An oversized body is drained (up to a hard
 * cap, then the socket is cut) so the client still reads the 413.
 */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else if (size > 64 * max) req.destroy();
    });
    req.on("end", () => resolve(size > max ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("close", () => resolve(undefined));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The `error` code of each refusal status. */
const ERROR_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  409: "replayed_request",
  413: "request_too_large",
};

/** The methods each path answers, for the 405's `allow` header. */
const ALLOWED_METHODS: Record<string, string> = {
  "/messages": "POST",
  "/outbox": "GET, DELETE",
  "/health": "GET",
};

/** Creates the sink's HTTP server (not listening) and its store. */
function createSink(opts: SinkOptions): { server: Server; store: SinkStore } {
  const store = new SinkStore(opts.maxMessages ?? 1000);
  const now = opts.now ?? Date.now;
  const readAuth = `Bearer ${sinkReadToken(opts.secret)}`;
  // Signatures accepted within the window: a captured request replayed inside it is still refused.
  const seen = new Map<string, number>();
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  // Refusals in Auth0's error shape, like every other answer of this project's servers.
  const reject = (res: ServerResponse, status: number, reason: string) => {
    opts.onReject?.(reason);
    send(res, status, { error: ERROR_CODES[status] ?? "invalid_request", error_description: reason });
  };

  const authorizedRead = (req: IncomingMessage): boolean => {
    const given = Buffer.from(header(req, "authorization") ?? "");
    const expected = Buffer.from(readAuth);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sink");
    if (req.method === "GET" && url.pathname === "/health") return send(res, 200, { status: "ok" });
    if (url.pathname === "/messages" && req.method === "POST") {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === undefined) return reject(res, 413, "body too large");
      const signature = header(req, SIGNATURE_HEADER);
      const verdict = verifySignature({
        secret: opts.secret,
        body: raw,
        timestamp: header(req, TIMESTAMP_HEADER),
        signature,
        nowMs: now(),
        toleranceSeconds: tolerance,
      });
      if (!verdict.ok) return reject(res, 401, verdict.reason);
      const sig = signature ?? "";
      for (const [s, at] of seen) if (at < now() - 2 * tolerance * 1000) seen.delete(s);
      if (seen.has(sig)) return reject(res, 409, "replayed request");
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return reject(res, 400, "body is not JSON");
      }
      const message = parseSinkMessage(parsed);
      if (typeof message === "string") return reject(res, 400, message);
      seen.set(sig, now());
      const stored = store.push(message, now());
      opts.onAccept?.(stored);
      return send(res, 202, { id: stored.id });
    }
    if (url.pathname === "/outbox" && (req.method === "GET" || req.method === "DELETE")) {
      if (!authorizedRead(req)) return reject(res, 401, "missing or wrong bearer token");
      if (req.method === "DELETE") {
        store.clear();
        return send(res, 204);
      }
      const recipient = url.searchParams.get("recipient") ?? undefined;
      const after = url.searchParams.get("after") ?? undefined;
      return send(res, 200, store.list({ ...(recipient ? { recipient } : {}), ...(after ? { after } : {}) }));
    }
    const allow = ALLOWED_METHODS[url.pathname];
    if (allow) {
      return send(
        res,
        405,
        {
          error: "method_not_allowed",
          error_description: `${req.method} is not allowed on ${url.pathname}; use ${allow}.`,
        },
        { allow },
      );
    }
    return send(res, 404, {
      error: "not_found",
      error_description: `Not found: ${req.method} ${url.pathname}`,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: "server_error", error_description: "The sink failed." });
      else res.destroy();
    });
  });
  return { server, store };
}

/** Starts a sink on `host:port` (127.0.0.1 and a free port by default) and returns its URL. */
export async function startSink(
  opts: SinkOptions & { port?: number; host?: string },
): Promise<{ url: string; store: SinkStore; close(): Promise<void> }> {
  const { server, store } = createSink(opts);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
