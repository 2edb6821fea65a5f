/**
 * The mock target: users, codes and the clock through the mock's control API (`/__mock`), over
 * HTTP like any client; of the mock's code it uses only the shape of an outbox message and the
 * list of named deviations.
 */
import { randomInt, randomUUID } from "node:crypto";
import { checkDeviationNames } from "../../mock/deviations.ts";
import type { OutboxMessage } from "../../mock/store/outbox.ts";
import type { AssertionAlg } from "../../mock/tokens/client-assertion.ts";
import { maskText } from "../../redaction/mask.ts";
import type { Inbox, InboxMessage, Target } from "./target.ts";

/** The part of `GET /__mock/config` the suites need. */
export interface MockConfigView {
  client_id: string;
  client_secret: string;
  public_client_id: string;
  connection: string;
  audience?: string;
  [key: string]: unknown;
}

/** Calls the control API; a failure names the call and status, never the answer (it may hold the client secret). */
export async function control<T>(baseURL: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseURL}/__mock${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // The path may carry a phone number (outbox queries): masked like every other output.
  if (!res.ok)
    throw new Error(
      maskText(`mock control ${method} /__mock${decodeURIComponent(path)} answered ${res.status}`),
    );
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The deviations a run injects, from CONTRACTS_MOCK_DEVIATIONS (comma-separated; set by `npm run mutation`).
 * Throws an UnknownDeviationError naming an unknown name and the known ones.
 */
export function deviationsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const names = (env.CONTRACTS_MOCK_DEVIATIONS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return checkDeviationNames(names, "CONTRACTS_MOCK_DEVIATIONS");
}

/** An inbox over the outbox endpoint; remembers the last message returned per recipient. */
class OutboxInbox implements Inbox {
  private readonly seen = new Map<string, string>();
  constructor(private readonly baseURL: string) {}

  async nextCode(
    recipient: string,
    opts: { after?: string; timeoutMs?: number } = {},
  ): Promise<InboxMessage> {
    const after = opts.after ?? this.seen.get(recipient);
    const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
    // The mock "sends" synchronously, so the first read normally succeeds; the loop covers a slow target.
    for (let attempt = 0; attempt < 200; attempt++) {
      const query = new URLSearchParams({ recipient, ...(after ? { after } : {}) });
      const messages = await control<OutboxMessage[]>(this.baseURL, "GET", `/outbox?${query}`);
      const next = messages[0];
      if (next) {
        this.seen.set(recipient, next.id);
        return { code: next.code, message_type: next.message_type, action: next.action, id: next.id };
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("no message reached the recipient in time (recipient masked)");
  }
}

/** Builds the mock target for a running mock; reads the default client from the control API. */
export async function createMockTarget(baseURL: string): Promise<Target> {
  const config = await control<MockConfigView>(baseURL, "GET", "/config");
  const privateKeyJwt = await control<{ client_id: string; alg: AssertionAlg; private_key: string }>(
    baseURL,
    "GET",
    "/private-key-jwt",
  ).catch(() => undefined); // 404: the mock was given a public key whose private key is not ours
  return {
    name: "mock",
    baseURL,
    clientId: config.client_id,
    clientSecret: config.client_secret,
    publicClientId: config.public_client_id,
    ...(privateKeyJwt
      ? {
          privateKeyJwt: {
            clientId: privateKeyJwt.client_id,
            privateKeyPem: privateKeyJwt.private_key,
            alg: privateKeyJwt.alg,
          },
        }
      : {}),
    connection: config.connection,
    audience: config.audience || undefined,
    capabilities: { clock: true, control: true, sendsRealSms: false, guardian: true },
    async createUser() {
      const user = await control<{ user_id: string; username: string; password: string }>(
        baseURL,
        "POST",
        "/users",
        {},
      );
      return { username: user.username, password: user.password, userId: user.user_id };
    },
    inbox: new OutboxInbox(baseURL),
    phoneNumber() {
      // +1 555 and 8 random digits: E.164, in the fictional 555 range, unique enough per run.
      return `+1555${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;
    },
    emailAddress() {
      // The reserved example.com domain (RFC 2606): no one receives these.
      return `mfa-${randomUUID()}@example.com`;
    },
    guardian: {
      async enroll(enrollmentTxId) {
        const device = await control<{ authenticator_id: string; totp_secret: string }>(
          baseURL,
          "POST",
          "/guardian/enroll",
          { enrollment_tx_id: enrollmentTxId },
        );
        return { authenticatorId: device.authenticator_id, totpSecret: device.totp_secret };
      },
      async pending(userId) {
        return control<Array<{ oob_code: string }>>(
          baseURL,
          "GET",
          `/guardian/pending?${new URLSearchParams({ user_id: userId })}`,
        );
      },
      async respond(oobCode, approve) {
        await control(baseURL, "POST", "/guardian/respond", { oob_code: oobCode, approve });
      },
    },
    async advanceClock(seconds: number) {
      await control(baseURL, "POST", "/clock", { advance_seconds: seconds });
    },
    async now() {
      const clock = await control<{ now: string }>(baseURL, "GET", "/clock");
      return Date.parse(clock.now);
    },
    async cleanup() {
      // Users are per test and the mock bounds its state; nothing to remove.
    },
  };
}
