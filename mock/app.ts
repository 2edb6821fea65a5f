/**
 * The mock as an in-process app: `handle()` is a synchronous function from request to response
 * (no port, no I/O), so tests call it directly and the server adapter is a thin shell around it.
 * `respond()` is the same answer for the server: when the runtime has a signing pool, a token answer
 * is finished once its tokens are signed there (every state change is made before that await).
 *
 * One request goes: route → tenant rate limit → body size → injected fault → body parsing →
 * request validation → handler → (test mode) response validation → deviations → headers. Every
 * answer on an Auth0 path carries the rate-limit headers (docs/behaviour.md#limit-metadata); a 429 also
 * carries retry-after.
 */

import { ConfigError, checkClients, defaultConfig, type MockConfig } from "./config/config.ts";
import { control } from "./control/api.ts";
import { deviationNames } from "./deviations.ts";
import { deviateTokenBody, injectedError } from "./faults.ts";
import { byteLength, parseBody } from "./http/body.ts";
import { authenticatorParam, type RouteId, route } from "./http/router.ts";
import { checkRequest, checkResponse, describeFinding, type OperationId } from "./http/validation.ts";
import type { Take } from "./limits/rate-limit.ts";
import { peekGlobal, takeGlobal, takeManagement, tooManyRequests } from "./limits/throttle.ts";
import { handleManagement } from "./management/management.ts";
import { associate } from "./operations/associate.ts";
import { withBasicClientId } from "./operations/auth.ts";
import { deleteAuthenticator, listAuthenticators } from "./operations/authenticators.ts";
import { challenge } from "./operations/challenge.ts";
import { jwks, openidConfiguration } from "./operations/discovery.ts";
import { signTokens, tokenEndpoint, unsignedTokens } from "./operations/token.ts";
import { fail, type Reply } from "./reply.ts";
import { Runtime } from "./runtime.ts";
import type { Clock } from "./store/clock.ts";
import type { Outbox } from "./store/outbox.ts";
import { CapacityError } from "./store/state.ts";
import { signature } from "./tokens/jwt.ts";

export interface MockRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** Lower-case header names (as node:http gives them; `request()` lower-cases for you). */
  headers: Record<string, string>;
  body: string | Buffer;
  /** Set by a server that stopped reading a body over `maxBodyBytes`: the answer is the 413, without the body. */
  bodyTooLarge?: boolean;
}
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export interface MockApp {
  /** Synchronous core; never throws. Signs tokens on this thread. */
  handle(req: MockRequest): MockResponse;
  /** `handle()`, but a token answer signs on the runtime's signing pool if it has one; never rejects. */
  respond(req: MockRequest): MockResponse | Promise<MockResponse>;
  /** Test helper (through `respond()`); objects are sent as JSON. Applies the latency fault. */
  request(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string | object },
  ): Promise<MockResponse>;
  config(): MockConfig;
  clock: Clock;
  outbox: Outbox;
  /** Back to the seeded state (the configuration stays). */
  reset(): void;
  /** Internal runtime, for the server adapter and white-box tests. */
  readonly runtime: Runtime;
}

const JSON_MFA = "application/json; charset=utf-8";
const JSON_TOKEN = "application/json";
const CORS_EXPOSE = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after";
const INTERNAL_ERROR = JSON.stringify({
  error: "server_error",
  error_description: "The mock failed unexpectedly; its log has the details.",
});

/** Builds an app from a full or partial configuration (camelCase keys); `opts.clock` freezes time in tests. */
export function createMockApp(config?: Partial<MockConfig> | MockConfig, opts?: { clock?: Clock }): MockApp {
  const rt = new Runtime(completeConfig(config), opts?.clock);
  const internalError = (req: MockRequest, err: unknown): MockResponse => {
    console.error(`mock: internal error on ${req.method} ${req.url.split("?")[0]}:`, err);
    return { status: 500, headers: { "content-type": JSON_MFA }, body: INTERNAL_ERROR };
  };
  const handle = (req: MockRequest): MockResponse => {
    try {
      const answer = dispatch(rt, req);
      return answer instanceof Unsigned ? answer.signHere() : answer;
    } catch (err) {
      return internalError(req, err);
    }
  };
  const respond = (req: MockRequest): MockResponse | Promise<MockResponse> => {
    try {
      const answer = dispatch(rt, req);
      if (!(answer instanceof Unsigned)) return answer;
      const pool = rt.signingPool;
      if (pool === undefined) return answer.signHere();
      return pool
        .sign(answer.inputs())
        .then((signatures) => answer.finish(signatures))
        .catch((err: unknown) => internalError(req, err));
    } catch (err) {
      return internalError(req, err);
    }
  };
  return {
    handle,
    respond,
    async request(url, init) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(init?.headers ?? {})) headers[k.toLowerCase()] = v;
      let body = init?.body ?? "";
      if (typeof body === "object") {
        body = JSON.stringify(body);
        headers["content-type"] ??= "application/json";
      }
      const method = init?.method ?? (body === "" ? "GET" : "POST");
      const latency = rt.config.faults.latencyMs;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      return respond({ method, url, headers, body });
    },
    config: () => rt.config,
    clock: rt.clock,
    outbox: rt.outbox,
    reset: () => rt.reset(),
    runtime: rt,
  };
}

/** Defaults, overridden by what was given; an issuer follows a given domain unless set too. */
function completeConfig(partial: Partial<MockConfig> | undefined): MockConfig {
  const base = defaultConfig();
  const config: MockConfig = { ...base, ...partial, faults: { ...base.faults, ...partial?.faults } };
  if (partial?.domain !== undefined && partial.issuer === undefined)
    config.issuer = `https://${partial.domain}/`;
  checkClients(config);
  // Given in code, not parsed: the parser's check has not seen these names.
  const unknown = config.faults.deviations.find((d) => !deviationNames.includes(d));
  if (unknown !== undefined)
    throw new ConfigError(`faults.deviations: unknown deviation "${unknown}"`, "deviations");
  return config;
}

/**
 * A token answer whose tokens are still to be signed: the grant is done (and its state changed);
 * signing and `finish()` (validation, deviations, headers) remain.
 */
class Unsigned {
  constructor(
    readonly rt: Runtime,
    readonly op: OperationId,
    readonly reply: Reply,
    readonly global: Take,
    readonly tokens: NonNullable<ReturnType<typeof unsignedTokens>>,
  ) {}

  inputs(): string[] {
    return this.tokens.map((t) => t.input);
  }

  /** The answer, signed on this thread. */
  signHere(): MockResponse {
    return this.finish(this.inputs().map(signature));
  }

  /** The answer with these signatures (in the order of `inputs()`). */
  finish(signatures: string[]): MockResponse {
    signTokens(this.reply, this.tokens, signatures);
    return finish(this.rt, this.op, this.reply, this.global, false);
  }
}

function dispatch(rt: Runtime, req: MockRequest): MockResponse | Unsigned {
  const url = req.url;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method;
  const routed = route(method, path);
  if (routed === "control" && rt.config.control) {
    const reply = control(rt, method, path, q === -1 ? "" : url.slice(q + 1), bodyText(req.body));
    return { status: reply.status, headers: jsonHeaders(JSON_MFA, reply), body: serialise(reply.body) };
  }
  if (method === "OPTIONS") return preflight(rt, req);
  // The Management API subset (management.ts) answers its paths and the client-credentials grant.
  if (routed === "management" || (routed === "token" && mentionsClientCredentials(req))) {
    const res = handleManagement(rt, req);
    if (res) {
      // The client-credentials grant is the Authentication API's; /api/v2 has a bucket of its own.
      const take = routed === "management" ? takeManagement(rt) : takeGlobal(rt);
      if (!rt.deviates("missing-ratelimit-headers")) rateLimitHeaders(res.headers, take);
      count(rt, routed === "token" ? "token" : "management", res.status);
      return res;
    }
  }
  // The request's time, read once: the global bucket and the handler see the same instant.
  const now = rt.clock.now();
  const global = takeGlobal(rt, now);
  const op = typeof routed === "string" && isOperation(routed) ? routed : undefined;
  let reply: Reply;
  let injected = false;
  if (!global.allowed) {
    reply = tooManyRequests(rt, global);
  } else if (op) {
    const fault = injectedError(rt, op);
    injected = fault !== undefined;
    reply = fault ?? operation(rt, op, req, path, now);
  } else if (routed === "discovery") {
    reply = { status: 200, body: openidConfiguration(rt) };
  } else if (routed === "jwks") {
    reply = { status: 200, body: jwks(rt) };
  } else if (typeof routed === "object") {
    reply = {
      ...fail(405, "method_not_allowed", `${method} is not allowed on ${path}; use ${routed.allow}.`),
      headers: { allow: routed.allow },
    };
  } else {
    reply = fail(404, "not_found", `Not found: ${method} ${path}`);
  }
  if (op === "token" && !injected) {
    const unsigned = unsignedTokens(reply);
    if (unsigned !== undefined) return new Unsigned(rt, op, reply, global, unsigned);
  }
  return finish(rt, op, reply, global, injected);
}

function operation(rt: Runtime, op: OperationId, req: MockRequest, path: string, now: number): Reply {
  if (req.bodyTooLarge || byteLength(req.body) > rt.config.maxBodyBytes) {
    return fail(413, "invalid_request", "Request body too large.");
  }
  const h = req.headers;
  if (op === "listAuthenticators") return listAuthenticators(rt, h.authorization);
  if (op === "deleteAuthenticator") return deleteAuthenticator(rt, h.authorization, authenticatorParam(path));
  const contentType = h["content-type"];
  const parsed = parseBody(contentType, req.body, op !== "associateAuthenticator");
  if ("reply" in parsed) return parsed.reply;
  const fields = parsed.fields;
  const invalid = checkRequest(
    op,
    contentType,
    op === "token" ? withBasicClientId(fields, h.authorization) : fields,
  );
  if (invalid) return invalid;
  try {
    if (op === "token") return tokenEndpoint(rt, fields, h.authorization, now);
    if (op === "challenge") return challenge(rt, fields, h.authorization, now);
    return associate(rt, fields, h.authorization);
  } catch (err) {
    // A full store answers like a rate limit: the caller can wait for entries to expire, or reset.
    if (err instanceof CapacityError) return { ...fail(429, "too_many_requests", err.message) };
    throw err;
  }
}

function finish(
  rt: Runtime,
  op: OperationId | undefined,
  reply: Reply,
  global: Take,
  injected: boolean,
): MockResponse {
  const token = op === "token";
  const limit = reply.limit ?? global;
  // One literal with the headers every answer carries (one object shape, no property added one by
  // one), then the optional ones.
  const headers: Record<string, string> = {
    "content-type": token ? JSON_TOKEN : JSON_MFA,
    "x-ratelimit-limit": String(limit.limit),
    "x-ratelimit-remaining": String(limit.remaining),
    "x-ratelimit-reset": String(limit.resetEpochSeconds),
    "access-control-allow-origin": "*",
    "access-control-expose-headers": CORS_EXPOSE,
  };
  if (reply.headers) Object.assign(headers, reply.headers);
  if (reply.status === 429) headers["retry-after"] = String(Math.max(1, limit.retryAfterSeconds));
  if (token) {
    headers["cache-control"] = "no-store";
    headers.pragma = "no-cache";
  }
  let status = reply.status;
  let body = reply.body;
  // Deviations and injected faults are deliberate departures: validating them would only hide them
  // behind a 500, and the mutation run needs the client to see them as they are.
  if (op && !injected && rt.config.validateResponses && rt.deviations.size === 0) {
    const findings = checkResponse(op, { status, headers, body });
    if (findings.length > 0) {
      const lines = findings.map(describeFinding);
      console.error(
        `mock: response of ${op} (${status}) does not match the description:\n  ${lines.join("\n  ")}`,
      );
      status = 500;
      body = {
        error: "server_error",
        error_description: "The mock's response failed validation.",
        findings: lines,
      };
    }
  }
  if (rt.deviations.size > 0) {
    if (token && status === 200) deviateTokenBody(rt, body as Record<string, unknown>);
    if (rt.deviates("wrong-content-type")) headers["content-type"] = "text/html; charset=utf-8";
    if (rt.deviates("missing-ratelimit-headers")) {
      delete headers["x-ratelimit-limit"];
      delete headers["x-ratelimit-remaining"];
      delete headers["x-ratelimit-reset"];
    }
    if (rt.deviates("no-retry-after")) delete headers["retry-after"];
  }
  count(rt, op ?? "other", status);
  const json = reply.json !== undefined && body === reply.body ? reply.json : serialise(body);
  return { status, headers, body: json };
}

function jsonHeaders(contentType: string, reply: Reply): Record<string, string> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (reply.headers) Object.assign(headers, reply.headers);
  return headers;
}

function rateLimitHeaders(headers: Record<string, string>, take: Take): void {
  headers["x-ratelimit-limit"] = String(take.limit);
  headers["x-ratelimit-remaining"] = String(take.remaining);
  headers["x-ratelimit-reset"] = String(take.resetEpochSeconds);
}

/**
 * CORS preflight, so a browser app (e.g. auth0-spa-js) can call the mock from another origin. It is
 * not an API call, so it takes nothing from the buckets, but it carries their headers like every
 * other answer (docs/behaviour.md#limit-metadata).
 */
function preflight(rt: Runtime, req: MockRequest): MockResponse {
  const limit = peekGlobal(rt);
  return {
    status: 204,
    headers: {
      "x-ratelimit-limit": String(limit.limit),
      "x-ratelimit-remaining": String(limit.remaining),
      "x-ratelimit-reset": String(limit.resetEpochSeconds),
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers":
        req.headers["access-control-request-headers"] ?? "authorization, content-type",
      "access-control-max-age": "600",
    },
    body: "",
  };
}

function count(rt: Runtime, name: string, status: number): void {
  // Nested maps: counting builds no key string per request.
  let byStatus = rt.stats.get(name);
  if (byStatus === undefined) {
    byStatus = new Map();
    rt.stats.set(name, byStatus);
  }
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
}

function serialise(body: unknown): string {
  return body === undefined ? "" : JSON.stringify(body);
}

function bodyText(body: string | Buffer | undefined): string {
  if (body === undefined) return "";
  return typeof body === "string" ? body : body.toString("utf8");
}

const CLIENT_CREDENTIALS = "client_credentials";
const CLIENT_CREDENTIALS_BYTES = Buffer.from(CLIENT_CREDENTIALS);

function mentionsClientCredentials(req: MockRequest): boolean {
  // Searched in the raw bytes (decoding here would decode every token body twice), with a needle
  // made once (a string needle is encoded again on every call).
  const body = req.body;
  return typeof body === "string"
    ? body.includes(CLIENT_CREDENTIALS)
    : body.includes(CLIENT_CREDENTIALS_BYTES);
}

function isOperation(id: RouteId | "not-found"): id is OperationId {
  return id !== "discovery" && id !== "jwks" && id !== "management" && id !== "control" && id !== "not-found";
}
