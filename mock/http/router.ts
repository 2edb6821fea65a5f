/**
 * The route table: one row per method and path with its id and handler, for the Authentication API
 * operations, the Management API subset (management/management.ts) and the control API
 * (control/api.ts). The app dispatches through it; every handler has one signature (`Handler`).
 *
 * A path is exact, or ends in `/{name}` (one non-empty segment, the parameter) or `/*` (the rest,
 * possibly empty). Matching is precompiled: exact paths in a map, the few patterns checked in turn,
 * no regular expressions and no allocation per request (a refusal is built once per path).
 */

import { controlRoutes } from "../control/api.ts";
import { managementRoutes } from "../management/management.ts";
import { associate } from "../operations/associate.ts";
import { deleteAuthenticator, listAuthenticators } from "../operations/authenticators.ts";
import { challenge } from "../operations/challenge.ts";
import { jwks, openidConfiguration } from "../operations/discovery.ts";
import { tokenEndpoint } from "../operations/token.ts";
import type { Runtime } from "../runtime.ts";
import type { Api, Route } from "./request.ts";

export type { Api, BodyKind, OperationRoute, PlainRoute, Route } from "./request.ts";

/** No route for the method: `allow` lists the path's methods ("" when the path is unknown). */
export interface Refusal {
  readonly api: Api;
  readonly allow: string;
}

/** An unknown path on the Authentication API. */
export const NOT_FOUND: Refusal = Object.freeze({ api: "authentication", allow: "" });

interface Slot<C> {
  readonly byMethod: Map<string, Route<C>>;
  any: Route<C> | undefined;
  refusal: Refusal;
}

interface Pattern<C> {
  readonly prefix: string;
  /** `{name}`: one non-empty segment; otherwise `*`, the rest. */
  readonly segment: boolean;
  readonly slot: Slot<C>;
}

/** A compiled route table. */
export class RouteTable<C> {
  readonly #exact = new Map<string, Slot<C>>();
  readonly #patterns: Pattern<C>[] = [];
  readonly #paramStart = new Map<Route<C>, number>();

  constructor(rows: readonly Route<C>[]) {
    for (const row of rows) {
      const star = row.path.endsWith("/*");
      const segment = !star && /\/\{[a-z_]+\}$/i.test(row.path);
      let slot: Slot<C> | undefined;
      if (star || segment) {
        const prefix = row.path.slice(0, row.path.lastIndexOf("/") + 1);
        this.#paramStart.set(row, prefix.length);
        slot = this.#patterns.find((p) => p.prefix === prefix && p.segment === segment)?.slot;
        if (slot === undefined) {
          slot = { byMethod: new Map(), any: undefined, refusal: NOT_FOUND };
          this.#patterns.push({ prefix, segment, slot });
        }
      } else {
        slot = this.#exact.get(row.path);
        if (slot === undefined) {
          slot = { byMethod: new Map(), any: undefined, refusal: NOT_FOUND };
          this.#exact.set(row.path, slot);
        }
      }
      if (row.method === "*" ? slot.any !== undefined : slot.byMethod.has(row.method)) {
        throw new Error(`route table: ${row.method} ${row.path} is routed twice`);
      }
      if (row.method === "*") slot.any = row;
      else slot.byMethod.set(row.method, row);
      slot.refusal = Object.freeze({ api: row.api, allow: [...slot.byMethod.keys()].join(", ") });
    }
  }

  /** The route for a method and a path (without query), or why there is none. */
  match(method: string, path: string): Route<C> | Refusal {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return exact.byMethod.get(method) ?? exact.any ?? exact.refusal;
    for (const p of this.#patterns) {
      if (!path.startsWith(p.prefix)) continue;
      if (p.segment && (path.length === p.prefix.length || path.indexOf("/", p.prefix.length) !== -1)) {
        // A deeper or empty segment is no route of this pattern: later patterns do not match it either.
        return NOT_FOUND;
      }
      return p.slot.byMethod.get(method) ?? p.slot.any ?? p.slot.refusal;
    }
    return NOT_FOUND;
  }

  /** The parameter of a pattern route in a path it matched ("" for an exact route). */
  param(route: Route<C>, path: string): string {
    const start = this.#paramStart.get(route);
    return start === undefined ? "" : path.slice(start);
  }
}

/** True when `match` found a route (not a refusal). */
export function isRoute<C>(m: Route<C> | Refusal): m is Route<C> {
  return "handler" in m;
}

/** The Authentication API: the operations of the description and OpenID discovery. */
export const authenticationRoutes: readonly Route<Runtime>[] = [
  {
    method: "POST",
    path: "/oauth/token",
    id: "token",
    api: "authentication",
    body: "json-or-form",
    handler: (rt, r) => tokenEndpoint(rt, r.fields, r.headers.authorization, r.now),
  },
  {
    method: "POST",
    path: "/mfa/associate",
    id: "associateAuthenticator",
    api: "authentication",
    body: "json",
    handler: (rt, r) => associate(rt, r.fields, r.headers.authorization),
  },
  {
    method: "GET",
    path: "/mfa/authenticators",
    id: "listAuthenticators",
    api: "authentication",
    body: "none",
    handler: (rt, r) => listAuthenticators(rt, r.headers.authorization),
  },
  {
    method: "DELETE",
    path: "/mfa/authenticators/{authenticator_id}",
    id: "deleteAuthenticator",
    api: "authentication",
    body: "none",
    handler: (rt, r) => deleteAuthenticator(rt, r.headers.authorization, r.param),
  },
  {
    method: "POST",
    path: "/mfa/challenge",
    id: "challenge",
    api: "authentication",
    body: "json-or-form",
    handler: (rt, r) => challenge(rt, r.fields, r.headers.authorization, r.now),
  },
  {
    method: "GET",
    path: "/.well-known/openid-configuration",
    id: "discovery",
    api: "authentication",
    handler: (rt) => ({ status: 200, body: openidConfiguration(rt) }),
  },
  {
    method: "GET",
    path: "/.well-known/jwks.json",
    id: "jwks",
    api: "authentication",
    handler: (rt) => ({ status: 200, body: jwks(rt) }),
  },
];

/** Every route of the mock. */
export const routes = new RouteTable<Runtime>([
  ...authenticationRoutes,
  ...managementRoutes,
  ...controlRoutes,
]);
