/**
 * Precompiled routing: exact paths in a map, two prefixes (`/mfa/authenticators/{id}`, `/api/v2/`)
 * checked once, no regular expressions and no allocation per request apart from the answer for a
 * wrong method.
 */
import type { OperationId } from "./validation.ts";

export type RouteId = OperationId | "discovery" | "jwks" | "management" | "control";

export type Routed = RouteId | "not-found" | { allow: string };

const AUTHENTICATOR_PREFIX = "/mfa/authenticators/";

const table = new Map<string, Record<string, RouteId>>([
  ["/oauth/token", { POST: "token" }],
  ["/mfa/associate", { POST: "associateAuthenticator" }],
  ["/mfa/authenticators", { GET: "listAuthenticators" }],
  ["/mfa/challenge", { POST: "challenge" }],
  ["/.well-known/openid-configuration", { GET: "discovery" }],
  ["/.well-known/jwks.json", { GET: "jwks" }],
]);
const allowed = new Map([...table].map(([path, methods]) => [path, Object.keys(methods).join(", ")]));

/** The route for a method and path (without query): an id, "not-found", or the methods allowed. */
export function route(method: string, path: string): Routed {
  const methods = table.get(path);
  if (methods) return methods[method] ?? { allow: allowed.get(path) ?? "" };
  if (path.startsWith(AUTHENTICATOR_PREFIX) && path.length > AUTHENTICATOR_PREFIX.length) {
    if (path.indexOf("/", AUTHENTICATOR_PREFIX.length) !== -1) return "not-found";
    return method === "DELETE" ? "deleteAuthenticator" : { allow: "DELETE" };
  }
  if (path === "/__mock" || path.startsWith("/__mock/")) return "control";
  if (path.startsWith("/api/v2/")) return "management";
  return "not-found";
}

/** The `{authenticator_id}` segment of a DELETE path, still percent-encoded. */
export function authenticatorParam(path: string): string {
  return path.slice(AUTHENTICATOR_PREFIX.length);
}
