/**
 * The request log (`--log`, `MOCK_LOG`, `log`; off by default): one JSON line per answered request,
 * on stdout or appended to a file. A line holds what tells requests apart and nothing a request
 * carried: the time, the method, the path without its query (a query names recipients, codes ride
 * in bodies), the route's id, the status and the duration. The path is still masked (a phone number
 * or an address typed into a path) and bounded, like every other output (redaction/mask.ts).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { maskSecret, maskText } from "../../redaction/mask.ts";
import { ConfigError } from "../config/config.ts";

/** One answered request. */
export interface LogEntry {
  /** When the request arrived (epoch ms, wall clock: the mock's clock can be moved). */
  start: number;
  method: string;
  /** The request target as received (path and query); only its path is written. */
  url: string;
  /** The route's id (`token`, `control/users`), "" for none. */
  route: string;
  status: number;
  /** How long the answer took, in ms. */
  durationMs: number;
}

/** Where the lines go. */
export interface RequestLog {
  write(entry: LogEntry): void;
  close(): void;
}

const MAX_PATH = 200;

/**
 * A path as the log writes it: each segment percent-decoded (so `%2B1555…` is seen as the phone
 * number it is), a segment of digits alone (a code or a phone without its "+") hidden, then masked
 * as any text (phone numbers, addresses, tokens), and bounded.
 */
export function loggedPath(path: string): string {
  const segments = path.split("/").map((segment) => {
    let text = segment;
    try {
      text = decodeURIComponent(segment);
    } catch {
      // Not valid percent-encoding: kept as it came, masked below all the same.
    }
    return /^\+?\d{6,}$/.test(text) ? maskSecret(text) : text;
  });
  const masked = maskText(segments.join("/"));
  return masked.length > MAX_PATH ? `${masked.slice(0, MAX_PATH)}…` : masked;
}

/** The JSON line of one request (without the newline): masked, the query dropped, the path bounded. */
export function logLine(e: LogEntry): string {
  const q = e.url.indexOf("?");
  return JSON.stringify({
    time: new Date(e.start).toISOString(),
    method: e.method.slice(0, 16),
    path: loggedPath(q === -1 ? e.url : e.url.slice(0, q)),
    route: e.route || null,
    status: e.status,
    ms: Math.round(e.durationMs * 10) / 10,
  });
}

/**
 * Opens the log `target` names: "stdout", or a file (appended to; opened now, so a path that cannot
 * be written fails at start, naming `option`). Lines are written synchronously: a log that lags or
 * loses its tail on a crash would not be a log of what happened.
 */
export function openRequestLog(target: string, option = "log"): RequestLog {
  if (target === "stdout") {
    return { write: (e) => void process.stdout.write(`${logLine(e)}\n`), close: () => {} };
  }
  let fd: number;
  try {
    fd = openSync(target, "a", 0o600);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${option}: cannot open the request log ${target}: ${why}`, option);
  }
  let open = true;
  return {
    write(e) {
      if (open) writeSync(fd, `${logLine(e)}\n`);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
