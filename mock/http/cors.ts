/**
 * CORS as Auth0 answers it (docs/behaviour.md#cors): only on the paths a browser app calls with
 * fetch (`/oauth/token`, `/mfa/*`, `/.well-known/*`, `/userinfo`) and only for an allowed web origin
 * (the configured `webOrigins`, or any loopback origin when none is configured). The origin is
 * echoed, never `*`; a preflight allows the headers Auth0's browser SDKs send (`auth0-client`,
 * `authorization`, `content-type`, `dpop`). Any other origin gets no CORS header at all, so the
 * browser refuses the answer, as it would Auth0's. The deviation `cors-missing` leaves every answer
 * without them, for an allowed origin too.
 */
import type { MockConfig } from "../config/config.ts";
import { isLoopback } from "./loopback.ts";
import type { MockRequest, MockResponse } from "./request.ts";

/** What the answers let a browser app read besides the simple headers. */
const EXPOSE = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after";
/** The request headers a preflight allows: what auth0-spa-js, auth0-react and nextjs-auth0 send. */
export const ALLOWED_HEADERS = "auth0-client, authorization, content-type, dpop";

/** True for a path Auth0 serves to browser apps with CORS. */
export function corsPath(path: string): boolean {
  return (
    path === "/oauth/token" ||
    path === "/userinfo" ||
    path.startsWith("/mfa/") ||
    path.startsWith("/.well-known/")
  );
}

/** True when `origin` may call those paths: a configured web origin, or any loopback origin by default. */
export function originAllowed(config: Pick<MockConfig, "webOrigins">, origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.origin !== origin) return false;
  const list = config.webOrigins;
  if (list.length > 0) return list.some((allowed) => safeOrigin(allowed) === origin);
  return (u.protocol === "http:" || u.protocol === "https:") && isLoopback(u.hostname);
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The answer with the CORS headers it should carry for this request (the same object, changed):
 * none unless the path and the origin allow them. Every answer of the app passes through here.
 */
export function withCors(
  config: Pick<MockConfig, "webOrigins" | "faults">,
  req: MockRequest,
  res: MockResponse,
): MockResponse {
  const origin = req.headers.origin;
  if (origin === undefined) return res;
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (!corsPath(path) || !originAllowed(config, origin)) return res;
  // The deviation is read only here, on a browser's request: other requests never pay for it.
  if (config.faults.deviations.includes("cors-missing")) return res;
  const h = res.headers;
  h["access-control-allow-origin"] = origin;
  h.vary = h.vary ? `${h.vary}, Origin` : "Origin";
  if (req.method === "OPTIONS") {
    h["access-control-allow-methods"] = "GET, POST, DELETE, OPTIONS";
    h["access-control-allow-headers"] = ALLOWED_HEADERS;
    h["access-control-max-age"] = "600";
  } else {
    h["access-control-expose-headers"] = EXPOSE;
  }
  return res;
}
