/**
 * A compiled route table: rows of method, path, id and handler (the mock's rows are in routes.ts),
 * matched to a route or a refusal. Every handler has one signature (`Handler`).
 *
 * A path is exact, or ends in `/{name}` (one non-empty segment, the parameter) or `/*` (the rest,
 * possibly empty). Matching is precompiled: exact paths in a map, the few patterns checked in turn,
 * no regular expressions and no allocation per request (a refusal is built once per path).
 */

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
