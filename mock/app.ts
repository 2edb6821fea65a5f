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

import { type ConfigInput, type MockConfig, resolveConfig } from "./config/config.ts";
import { deviateTokenBody, injectedError } from "./faults.ts";
import { byteLength, type Fields, parseBody } from "./http/body.ts";
import { withCors } from "./http/cors.ts";
import { controlRefusal } from "./http/guards.ts";
import type { MockRequest, MockResponse, OperationRoute, Route, RouteRequest } from "./http/request.ts";
import { isRoute, NOT_FOUND, type Refusal } from "./http/router.ts";
import { checkRequest, checkResponse, describeFinding, type OperationId } from "./http/validation.ts";
import type { Take } from "./limits/rate-limit.ts";
import { peekGlobal, takeGlobal, takeManagement, tooManyRequests } from "./limits/throttle.ts";
import { clientCredentialsGrant } from "./management/management.ts";
import { withBasicClientId } from "./operations/auth.ts";
import { signTokens, unsignedTokens } from "./operations/token.ts";
import { errors, fail, failWith, type Reply } from "./reply.ts";
import { routes } from "./routes.ts";
import { Runtime } from "./runtime.ts";
import type { Clock } from "./store/clock.ts";
import type { Outbox } from "./store/outbox.ts";
import { CapacityError } from "./store/state.ts";
import { signature } from "./tokens/jwt.ts";

export type { MockRequest, MockResponse } from "./http/request.ts";

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
  /** The id of the route a request goes to (the operationId, `control/<path>`, ...), or "" for none: the request log's. */
  routeId(method: string, path: string): string;
}

const JSON_MFA = "application/json; charset=utf-8";
const JSON_TOKEN = "application/json";

/**
 * Builds an app from a full or partial configuration (camelCase keys; checked, a ConfigError names the
 * option); `opts.clock` freezes time in tests.
 */
export function createMockApp(config?: ConfigInput, opts?: { clock?: Clock }): MockApp {
  const rt = new Runtime(resolveConfig(config ?? {}), opts?.clock);
  // A secret the caller gave is the user's and never answered; the one the mock made up may be.
  if (config?.clientSecret === undefined) rt.generatedSecret = rt.config.clientSecret;
  const internalError = (req: MockRequest, err: unknown): MockResponse => {
    console.error(`mock: internal error on ${req.method} ${req.url.split("?")[0]}:`, err);
    return { status: 500, headers: { "content-type": JSON_MFA }, body: errors.internalError.json };
  };
  const handle = (req: MockRequest): MockResponse => {
    try {
      const answer = dispatch(rt, req);
      return withCors(rt.config, req, answer instanceof Unsigned ? answer.signHere() : answer);
    } catch (err) {
      return internalError(req, err);
    }
  };
  const respond = (req: MockRequest): MockResponse | Promise<MockResponse> => {
    try {
      const answer = dispatch(rt, req);
      if (!(answer instanceof Unsigned)) return withCors(rt.config, req, answer);
      const pool = rt.signingPool;
      if (pool === undefined) return withCors(rt.config, req, answer.signHere());
      return pool
        .sign(answer.inputs())
        .then((signatures) => withCors(rt.config, req, answer.finish(signatures)))
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
    routeId(method, path) {
      const matched = routes.match(method, path);
      return isRoute(matched) ? matched.id : "";
    },
  };
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
  let matched = routes.match(method, path);
  if (matched.api === "control") {
    if (rt.config.control) return controlAnswer(rt, req, matched, path, q === -1 ? "" : url.slice(q + 1));
    // Switched off, /__mock is an unknown Auth0 path like any other.
    matched = NOT_FOUND;
  }
  if (method === "OPTIONS") return preflight(rt);
  if (matched.api === "management" && isRoute(matched)) {
    const reply = matched.handler(rt, routed(req, path, q, "", EMPTY, rt.clock.now()));
    return managementAnswer(rt, reply, takeManagement(rt), "management");
  }
  const op = isRoute(matched) && matched.body !== undefined ? matched : undefined;
  if (op?.id === "token") {
    // The client-credentials grant is the Management API's token (its envelope and headers), but
    // the Authentication API's path: it takes from that API's bucket.
    const grant = clientCredentialsGrant(rt, req);
    if (grant !== undefined) return managementAnswer(rt, grant, takeGlobal(rt), "token");
  }
  // The request's time, read once: the global bucket and the handler see the same instant.
  const now = rt.clock.now();
  const global = takeGlobal(rt, now);
  let reply: Reply;
  let injected = false;
  if (!global.allowed) {
    reply = tooManyRequests(rt, global);
  } else if (op !== undefined) {
    const fault = injectedError(rt, op.id);
    injected = fault !== undefined;
    reply = fault ?? operation(rt, op, req, path, q, now);
  } else if (isRoute(matched)) {
    reply = matched.handler(rt, routed(req, path, q, "", EMPTY, now));
  } else {
    reply = refused(matched, method, path);
  }
  if (op?.id === "token" && !injected) {
    const unsigned = unsignedTokens(reply);
    if (unsigned !== undefined) return new Unsigned(rt, op.id, reply, global, unsigned);
  }
  return finish(rt, op?.id, reply, global, injected);
}

const EMPTY: Fields = Object.freeze({}) as Fields;

/** The request as a handler takes it (`q`: the index of "?" in the url, -1 when none). */
function routed(
  req: MockRequest,
  path: string,
  q: number,
  param: string,
  fields: Fields,
  now: number,
): RouteRequest {
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body,
    path,
    query: q === -1 ? "" : req.url.slice(q + 1),
    param,
    fields,
    now,
  };
}

/** The 404 of an unknown path, or the 405 of a known one with the methods it takes. */
function refused(refusal: Refusal, method: string, path: string): Reply {
  if (refusal.allow === "") return fail(errors.notFound(method, path));
  return { ...fail(errors.methodNotAllowed(method, path, refusal.allow)), headers: { allow: refusal.allow } };
}

/**
 * An operation of the description: body size, body parsing (as its row says), request validation,
 * then its handler.
 */
function operation(
  rt: Runtime,
  route: OperationRoute<Runtime>,
  req: MockRequest,
  path: string,
  q: number,
  now: number,
): Reply {
  if (req.bodyTooLarge || byteLength(req.body) > rt.config.maxBodyBytes) return fail(errors.bodyTooLarge);
  let fields = EMPTY;
  if (route.body !== "none") {
    const h = req.headers;
    const contentType = h["content-type"];
    const parsed = parseBody(contentType, req.body, route.body === "json-or-form");
    if ("reply" in parsed) return parsed.reply;
    fields = parsed.fields;
    // With client_secret_basic the client_id travels in the header: validation judges the body with it.
    const judged = route.id === "token" ? withBasicClientId(fields, h.authorization) : fields;
    const invalid = checkRequest(route.id, contentType, judged);
    if (invalid) return invalid;
  }
  try {
    return route.handler(rt, routed(req, path, q, routes.param(route, path), fields, now));
  } catch (err) {
    // A full store answers like a rate limit: the caller can wait for entries to expire, or reset.
    if (err instanceof CapacityError) return fail(errors.storeFull(err.message));
    throw err;
  }
}

/** A control API answer: JSON, no rate-limit headers (it is not an Auth0 path), not counted. */
function controlAnswer(
  rt: Runtime,
  req: MockRequest,
  matched: Route<Runtime> | Refusal,
  path: string,
  query: string,
): MockResponse {
  const guarded = controlRefusal(rt.config.controlToken, req, isRoute(matched));
  const reply =
    guarded ??
    (isRoute(matched)
      ? matched.handler(rt, {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: req.body,
          path,
          query,
          param: routes.param(matched, path),
          fields: EMPTY,
          now: rt.clock.now(),
        })
      : refused(matched, req.method, path));
  const headers: Record<string, string> = { "content-type": JSON_MFA };
  if (reply.headers) Object.assign(headers, reply.headers);
  return { status: reply.status, headers, body: serialise(reply.body) };
}

/** A Management API answer (its own headers) with the figures of the bucket it took from. */
function managementAnswer(rt: Runtime, reply: Reply, take: Take, counted: string): MockResponse {
  const headers: Record<string, string> = { ...reply.headers };
  if (!rt.deviates("missing-ratelimit-headers")) limitHeaders(headers, take);
  count(rt, counted, reply.status);
  return { status: reply.status, headers, body: serialise(reply.body) };
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
  const headers = limitHeaders({ "content-type": token ? JSON_TOKEN : JSON_MFA }, limit);
  // CORS headers: http/cors.ts, for the paths and origins Auth0 allows (docs/behaviour.md#cors).
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
      const invalid = failWith(errors.invalidResponse, { findings: lines });
      status = invalid.status;
      body = invalid.body;
    }
  }
  if (rt.deviations.size > 0) {
    if (token && status === 200) deviateTokenBody(rt, body as Record<string, unknown>);
    if (rt.deviates("wrong-content-type")) headers["content-type"] = "text/html; charset=utf-8";
    if (rt.deviates("missing-ratelimit-headers")) {
      for (const name of LIMIT_HEADERS) delete headers[name];
    }
    if (rt.deviates("no-retry-after")) delete headers["retry-after"];
  }
  count(rt, op ?? "other", status);
  if (reply.text !== undefined) return { status, headers, body: reply.text };
  const json = reply.json !== undefined && body === reply.body ? reply.json : serialise(body);
  return { status, headers, body: json };
}

/** The rate-limit headers (docs/behaviour.md#limit-metadata), written here only. */
const LIMIT_HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] as const;

/** Adds the figures of a bucket to `headers` (and returns them). */
function limitHeaders(headers: Record<string, string>, take: Take): Record<string, string> {
  headers["x-ratelimit-limit"] = String(take.limit);
  headers["x-ratelimit-remaining"] = String(take.remaining);
  headers["x-ratelimit-reset"] = String(take.resetEpochSeconds);
  return headers;
}

/**
 * CORS preflight, so a browser app (e.g. auth0-spa-js) can call the mock from another origin. It is
 * not an API call, so it takes nothing from the buckets, but it carries their headers like every
 * other answer (docs/behaviour.md#limit-metadata).
 */
function preflight(rt: Runtime): MockResponse {
  // What it allows (origin, methods, headers) is http/cors.ts's, as for every answer.
  const headers = limitHeaders({}, peekGlobal(rt));
  return { status: 204, headers, body: "" };
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
