/**
 * The request and response types of the mock, shared by the app, the route table and every handler
 * behind it (the Auth0 operations, the Management API subset, the control API), so that all of them
 * take one request shape and answer one `Reply`.
 */
import type { Reply } from "../reply.ts";
import type { Fields } from "./body.ts";
import type { OperationId } from "./validation.ts";

/** A request as the server adapter (or a test) hands it to the app. */
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

/** What the app answers: status, headers and the serialised body. */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A routed request: the raw request with what routing and the app read from it once. */
export interface RouteRequest extends MockRequest {
  /** The path, without the query. */
  readonly path: string;
  /** The query, without "?" ("" when none). */
  readonly query: string;
  /** The path parameter of a `{name}` or `*` route, still percent-encoded ("" for an exact route). */
  readonly param: string;
  /** The body of an operation, parsed and validated by the app; empty for other routes, which parse their own. */
  readonly fields: Fields;
  /** The request's time, read once: the rate-limit buckets and the handler see the same instant. */
  readonly now: number;
}

/** The one handler signature of the route table. */
export type Handler<C> = (ctx: C, req: RouteRequest) => Reply;

/** Which API a route belongs to: it decides the rate-limit bucket, the headers and the error envelope. */
export type Api = "authentication" | "management" | "control";

/**
 * How the app reads an operation's body before its handler: not at all, JSON, or JSON and form
 * encoding (docs/behaviour.md#request-media-types).
 */
export type BodyKind = "none" | "json" | "json-or-form";

interface RouteBase<C> {
  /** An HTTP method, or "*" for any. */
  readonly method: string;
  readonly path: string;
  readonly api: Api;
  readonly handler: Handler<C>;
}

/** An operation of the description: the app parses and validates its body, injects faults, validates its answer. */
export interface OperationRoute<C> extends RouteBase<C> {
  readonly id: OperationId;
  readonly body: BodyKind;
}

/** Any other route (discovery, the Management API, the control API): its handler reads what it needs. */
export interface PlainRoute<C> extends RouteBase<C> {
  readonly id: string;
  readonly body?: undefined;
}

export type Route<C> = OperationRoute<C> | PlainRoute<C>;
