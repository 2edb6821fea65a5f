/**
 * Reads codes from an outbox over HTTP: the mock's `GET /__mock/outbox` or the sink's `GET /outbox`
 * (same query, same fields), so a suite has one code path for both targets and every channel
 * (a phone number or an email address as the recipient).
 */
import type { Inbox, InboxMessage } from "../contracts/targets/target.ts";
import { maskRecipient } from "../redaction/mask.ts";
import type { SinkMessage } from "./sink.ts";

export interface HttpInboxOptions {
  /** Full URL of the list endpoint, e.g. `http://127.0.0.1:8787/outbox`. */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  pollMs?: number;
  fetch?: typeof fetch;
}

/** Thrown when no code arrived in time; names the masked recipient and the wait. */
export class InboxTimeoutError extends Error {
  override name = "InboxTimeoutError";
}

/**
 * An Inbox that polls an outbox URL. Without `after`, it returns the first message newer than the
 * last one it returned for that recipient, so two reads in a row give two different codes.
 */
export function createHttpInbox(opts: HttpInboxOptions): Inbox {
  const doFetch = opts.fetch ?? fetch;
  const lastSeen = new Map<string, string>();
  const pollMs = opts.pollMs ?? 250;
  return {
    async nextCode(recipient, q = {}) {
      const timeoutMs = q.timeoutMs ?? opts.timeoutMs ?? 30_000;
      const after = q.after ?? lastSeen.get(recipient);
      const url = new URL(opts.url);
      url.searchParams.set("recipient", recipient);
      if (after) url.searchParams.set("after", after);
      const deadline = Date.now() + timeoutMs;
      // Bounded by time and by count, whatever the clock does.
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const res = await doFetch(url, { headers: { accept: "application/json", ...opts.headers } });
        if (!res.ok) throw new Error(`outbox ${url.pathname} answered ${res.status}`);
        const list = (await res.json()) as SinkMessage[];
        const m = list[0];
        if (m) {
          lastSeen.set(recipient, m.id);
          // A tenant's email comes without `action` (see SinkMessage): it stays absent, not guessed.
          return {
            code: m.code,
            message_type: m.message_type,
            id: m.id,
            ...(m.action ? { action: m.action } : {}),
          } as InboxMessage;
        }
        if (Date.now() + pollMs > deadline) break;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      throw new InboxTimeoutError(
        `no code for ${maskRecipient(recipient)} within ${timeoutMs} ms at ${url.origin}${url.pathname}`,
      );
    },
  };
}
