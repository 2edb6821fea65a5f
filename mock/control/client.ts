/**
 * The typed client of the control API (/__mock, served by api.ts and guardian.ts, plus the served
 * mock's `GET /__mock/tls/ca.pem`): one call per route, typed requests and answers, and one error
 * type for every refusal. The package exports it (`mockControl`, and `control` on every mock), and
 * the repository's own suites drive the mock through it, so what app teams use is what is tested.
 *
 * The client only sends requests: how they travel is a `ControlSend` (node:http or https from
 * another process, `fetch` when one is given, or straight into the app in the same process).
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Faults, MockConfig } from "../config/config.ts";
import type { Deviation } from "../deviations.ts";
import type { OutboxMessage } from "../store/outbox.ts";
import type { AssertionAlg } from "../tokens/client-assertion.ts";

/** `clientId` → `client_id`: the control API's JSON names every field of MockConfig this way. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S;

/**
 * The configuration as `GET /__mock/config` answers it (snake_case; the client secret masked unless
 * the mock generated it; never the control token).
 */
export type MockConfigJson = {
  [K in Exclude<keyof MockConfig, "faults" | "controlToken"> as Snake<K>]: MockConfig[K];
} & {
  faults: { [K in keyof Faults as Snake<K>]: Faults[K] };
};

/** A change of configuration (`PUT /__mock/config`): any fields; `control` and `signing_threads` are fixed. */
export type MockConfigPatch = Partial<Omit<MockConfigJson, "faults">> & {
  faults?: Partial<MockConfigJson["faults"]>;
};

/** A user made through the control API. */
export interface MockUser {
  user_id: string;
  username: string;
  password: string;
  email: string;
}

/** `GET /__mock/health`. */
export interface MockHealth {
  status: string;
  /** The package's version. */
  version: string;
}

/** `GET /__mock/stats`: requests answered since the last reset, and what the state holds. */
export interface MockStats {
  requests: number;
  /** Operation → status → count. */
  by_operation: Record<string, Record<string, number>>;
  state: {
    users: number;
    mfa_tokens: number;
    oob_transactions: number;
    outbox: number;
    rate_limit_buckets: number;
  };
}

/** `GET /__mock/private-key-jwt`: the Private Key JWT client and the key it signs its client_assertion with. */
export interface MockPrivateKeyJwt {
  client_id: string;
  alg: AssertionAlg;
  /** PKCS #8 PEM, a local test key the mock generated. */
  private_key: string;
}

/** `POST /__mock/guardian/enroll`'s answer: the device's push authenticator and the paired totp. */
export interface GuardianEnrollment {
  authenticator_id: string;
  totp_authenticator_id: string;
  /** Base32: Guardian shows the paired totp's codes, so the device holds its secret. */
  totp_secret: string;
}

/** One push waiting for the user's tap (`GET /__mock/guardian/pending`). */
export interface PendingPush {
  oob_code: string;
  authenticator_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** The control API (/__mock) as typed calls; each throws a MockControlError on a refusal. */
export interface MockControl {
  /** `{status: "ok", version}`: the mock answers, and which version of the package it is. */
  health(): Promise<MockHealth>;
  users: {
    /** A user of the default connection; missing fields are made up (from the seed). */
    create(user?: { username?: string; password?: string }): Promise<MockUser>;
  };
  outbox: {
    /** The messages "sent", oldest first; `after` is a message id or an ISO 8601 time. */
    list(filter?: { recipient?: string; after?: string }): Promise<OutboxMessage[]>;
    /** The newest message (to `recipient` when given), or undefined when none was sent. */
    latest(recipient?: string): Promise<OutboxMessage | undefined>;
  };
  clock: {
    /** The mock's time (ISO 8601). */
    now(): Promise<string>;
    /** Moves the mock's clock forward: codes, tokens and rate-limit buckets follow it. Answers the new time. */
    advance(seconds: number): Promise<string>;
  };
  config: {
    get(): Promise<MockConfigJson>;
    /** Changes the configuration at run time (faults and deviations too) and answers the new one. */
    set(patch: MockConfigPatch): Promise<MockConfigJson>;
  };
  /** Back to the seeded state (users, codes, tokens, buckets, outbox, clock, stats); the configuration stays. */
  reset(): Promise<void>;
  /** Requests by operation and status since the last reset, and the sizes of the state. */
  stats(): Promise<MockStats>;
  /** Every named deviation `config.set({ faults: { deviations } })` accepts, with what it breaks. */
  deviations(): Promise<Deviation[]>;
  /**
   * The Private Key JWT client's id, algorithm and private key; a MockControlError 404 when the mock
   * was given a public key (the private key is then yours).
   */
  privateKeyJwt(): Promise<MockPrivateKeyJwt>;
  /** The Guardian stand-in: the test plays the user's phone. */
  guardian: {
    /** The device scans a push enrollment's barcode (its `enrollment_tx_id`); `name` is the device's. */
    enroll(enrollment: { enrollment_tx_id: string; name?: string }): Promise<GuardianEnrollment>;
    /** The user's pushes waiting for a tap, oldest first. */
    pending(userId: string): Promise<PendingPush[]>;
    /** The tap: approve or reject the push of `oobCode`; its next poll answers tokens or the rejection. */
    respond(oobCode: string, approve: boolean): Promise<{ status: "approved" | "rejected" }>;
  };
  tls: {
    /** The served mock's local CA certificate (PEM); a MockControlError 404 without TLS or with your own certificate. */
    caPem(): Promise<string>;
  };
}

/** A refusal of the control API: its status and Auth0's error envelope. */
export class MockControlError extends Error {
  override readonly name = "MockControlError";
  /** `message` names the call (its path without the query, which may hold a phone number) and the mock's error_description. */
  constructor(
    message: string,
    readonly status: number,
    readonly error: string,
  ) {
    super(message);
  }
}

/** One control request's answer, as a transport hands it back. */
export interface ControlAnswer {
  status: number;
  body: string;
}

/** Sends one control request (`path` includes /__mock and the query; `body` is JSON-encoded by the transport). */
export type ControlSend = (method: string, path: string, body?: unknown) => Promise<ControlAnswer>;

/** How `mockControl` reaches a mock served elsewhere. */
export interface MockControlOptions {
  /** The PEM of the CA to trust when the mock serves TLS from its local CA. */
  ca?: string;
  /** Sends with this `fetch` instead of node:http (then `ca` is the fetch's business). */
  fetch?: typeof fetch;
  /** The mock's control token (`--control-token`): sent as `Authorization: Bearer <token>` on every call. */
  token?: string;
}

/**
 * The control API of a mock served elsewhere (another process started it): `url` is its base URL;
 * `ca` the PEM of its CA when it serves TLS.
 */
export function mockControl(url: string, opts: MockControlOptions = {}): MockControl {
  const base = new URL(url);
  const { fetch: viaFetch, ca, token } = opts;
  return controlOver(
    viaFetch === undefined
      ? (method, path, body) => overHttp(base, method, path, body, ca, token)
      : (method, path, body) => overFetch(viaFetch, base, method, path, body, token),
  );
}

/** The typed calls over any transport (`createMock()` sends straight into its app). */
export function controlOver(send: ControlSend): MockControl {
  const answer = async (method: string, path: string, body?: unknown): Promise<ControlAnswer> => {
    const got = await send(method, path, body);
    if (got.status < 400) return got;
    // The path without its query: an outbox query names a recipient, and a message may be logged.
    const call = `${method} ${path.split("?")[0]}`;
    let envelope: { error?: unknown; error_description?: unknown } = {};
    try {
      envelope = JSON.parse(got.body) as typeof envelope;
    } catch {
      // Not Auth0's envelope (a proxy's page, say): the status alone says what happened.
    }
    const error = typeof envelope.error === "string" ? envelope.error : "";
    const description = typeof envelope.error_description === "string" ? envelope.error_description : "";
    throw new MockControlError(`${call}: ${description || error || got.status}`, got.status, error);
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const got = await answer(method, path, body);
    try {
      return JSON.parse(got.body) as T;
    } catch {
      throw new MockControlError(
        `${method} ${path.split("?")[0]} answered ${got.status}, not JSON`,
        got.status,
        "",
      );
    }
  };
  const list = (filter: { recipient?: string; after?: string } = {}) =>
    call<OutboxMessage[]>("GET", `/__mock/outbox${query(filter)}`);
  return {
    health: () => call("GET", "/__mock/health"),
    users: { create: (user = {}) => call("POST", "/__mock/users", user) },
    outbox: {
      list,
      latest: async (recipient) => (await list(recipient === undefined ? {} : { recipient })).at(-1),
    },
    clock: {
      now: async () => (await call<{ now: string }>("GET", "/__mock/clock")).now,
      advance: async (seconds) =>
        (await call<{ now: string }>("POST", "/__mock/clock", { advance_seconds: seconds })).now,
    },
    config: {
      get: () => call("GET", "/__mock/config"),
      set: (patch) => call("PUT", "/__mock/config", patch),
    },
    reset: async () => {
      await call("POST", "/__mock/reset");
    },
    stats: () => call("GET", "/__mock/stats"),
    deviations: () => call("GET", "/__mock/deviations"),
    privateKeyJwt: () => call("GET", "/__mock/private-key-jwt"),
    guardian: {
      enroll: (enrollment) => call("POST", "/__mock/guardian/enroll", enrollment),
      pending: (userId) => call("GET", `/__mock/guardian/pending${query({ user_id: userId })}`),
      respond: (oobCode, approve) => call("POST", "/__mock/guardian/respond", { oob_code: oobCode, approve }),
    },
    tls: {
      caPem: async () => (await answer("GET", "/__mock/tls/ca.pem")).body,
    },
  };
}

/**
 * The headers of one control request: a write declares JSON even without a body (the mock refuses
 * any other write, docs/behaviour.md#exposure); the token when there is one.
 */
export function controlHeaders(method: string, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (method !== "GET" && method !== "HEAD") headers["content-type"] = "application/json";
  if (token !== undefined && token !== "") headers.authorization = `Bearer ${token}`;
  return headers;
}

/** `?a=1&b=2` of the defined fields, or "" when there are none. */
function query(fields: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) q.set(name, value);
  const s = q.toString();
  return s ? `?${s}` : "";
}

// node:http rather than fetch by default: fetch cannot be told which CA to trust per request.
function overHttp(
  base: URL,
  method: string,
  path: string,
  body: unknown,
  ca: string | undefined,
  token: string | undefined,
): Promise<ControlAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target = new URL(path, base);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<ControlAnswer>((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        headers: controlHeaders(method, token),
        ...(ca === undefined ? {} : { ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function overFetch(
  doFetch: typeof fetch,
  base: URL,
  method: string,
  path: string,
  body: unknown,
  token: string | undefined,
): Promise<ControlAnswer> {
  const res = await doFetch(new URL(path, base), {
    method,
    headers: controlHeaders(method, token),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.text() };
}
