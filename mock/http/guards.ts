/**
 * What stands between the mock and a caller it was not meant for (docs/behaviour.md#exposure):
 *
 * - the Host a request names (DNS rebinding: a page of attacker.example whose name now resolves to
 *   127.0.0.1 talks to the mock as attacker.example), checked as Vite's `server.allowedHosts` and
 *   webpack-dev-server's `allowedHosts` do: loopback names and addresses (http/loopback.ts, the one
 *   rule), IP literals, the configured domain and issuer, and the names given in `allowedHosts`;
 * - the control credential, compared in constant time;
 * - the media type of a control write: only `application/json`, which a browser sends cross-site
 *   only after a CORS preflight, and the control API answers no preflight that would allow it.
 *
 * Pure functions of a header and the configuration: the server and the app call them.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { errors, fail, type Reply } from "../reply.ts";
import { mediaType } from "./body.ts";
import { isLoopback } from "./loopback.ts";
import type { MockRequest } from "./request.ts";

/** What decides the Host check: the configuration's domain, issuer and `allowedHosts`. */
export interface HostSettings {
  readonly domain: string;
  readonly issuer: string;
  readonly allowedHosts: readonly string[];
}

/** The allowed names of one configuration, built once (exact names, and ".suffix" entries). */
interface HostRule {
  readonly names: ReadonlySet<string>;
  readonly suffixes: readonly string[];
  /** Verdicts by Host header as sent: clients repeat theirs, so the hot path is one lookup. Bounded. */
  readonly seen: Map<string, boolean>;
}

/** How many Host headers a configuration remembers its verdict for (more are judged each time). */
const SEEN_MAX = 64;

const rules = new WeakMap<HostSettings, HostRule>();

/** The rule of a configuration object, cached: a configuration is replaced, never changed, at run time. */
function ruleOf(settings: HostSettings): HostRule {
  let rule = rules.get(settings);
  if (rule === undefined) {
    const names = new Set<string>();
    const suffixes: string[] = [];
    const domain = hostName(settings.domain);
    if (domain !== undefined) names.add(domain);
    const issuer = issuerHost(settings.issuer);
    if (issuer !== undefined) names.add(issuer);
    for (const entry of settings.allowedHosts) {
      // ".example.com": the name and every name below it, as Vite and webpack-dev-server read it.
      if (entry.startsWith(".")) {
        suffixes.push(entry.toLowerCase());
        names.add(entry.slice(1).toLowerCase());
      } else {
        const name = hostName(entry);
        if (name !== undefined) names.add(name);
      }
    }
    rule = { names, suffixes, seen: new Map() };
    rules.set(settings, rule);
  }
  return rule;
}

function issuerHost(issuer: string): string | undefined {
  try {
    return hostName(new URL(issuer).host);
  } catch {
    return undefined;
  }
}

/**
 * The name of a Host header: lower case, without its port, brackets or a final dot; undefined when
 * it is no host at all (a path, user info, spaces).
 */
export function hostName(header: string): string | undefined {
  let h = header.trim().toLowerCase();
  if (h === "" || /[\s/@\\?#]/.test(h)) return undefined;
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end === -1) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  // More than one colon without brackets: a bare IPv6 address (no port can follow it).
  const colon = h.indexOf(":");
  if (colon !== -1 && h.indexOf(":", colon + 1) === -1) {
    if (!/^\d{1,5}$/.test(h.slice(colon + 1))) return undefined;
    h = h.slice(0, colon);
  }
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h === "" ? undefined : h;
}

/**
 * True when a request whose Host header is `header` may be served. No Host at all (HTTP/1.0) is
 * served: a browser always sends one, so its absence is no rebinding. An IP literal is served: a
 * browser names an address only for a page loaded from that address, which is the mock's own origin.
 */
export function hostAllowed(header: string | undefined, settings: HostSettings): boolean {
  if (header === undefined) return true;
  const rule = ruleOf(settings);
  const known = rule.seen.get(header);
  if (known !== undefined) return known;
  const verdict = judge(header, rule);
  if (rule.seen.size < SEEN_MAX) rule.seen.set(header, verdict);
  return verdict;
}

function judge(header: string, rule: HostRule): boolean {
  const name = hostName(header);
  if (name === undefined) return false;
  if (isLoopback(name) || isIP(name) !== 0) return true;
  if (rule.names.has(name)) return true;
  return rule.suffixes.some((suffix) => name.endsWith(suffix));
}

/** A header as a refusal may quote it (the Host, a content type): bounded, so a huge one is not echoed whole. */
export function bounded(header: string): string {
  return header.length > 100 ? `${header.slice(0, 100)}…` : header;
}

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/**
 * True when `authorization` is `Bearer <token>`. Both sides are hashed first, so the comparison
 * (`timingSafeEqual`, constant time) takes equal-length inputs and its time tells nothing about the
 * token, not even its length. An empty `token` matches nothing.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (token === "") return false;
  const match = /^bearer +(\S+) *$/i.exec(authorization ?? "");
  const given = match?.[1] ?? "";
  // Always compared, also when the header is missing: no early exit to time.
  return timingSafeEqual(digest(given), digest(token)) && given !== "";
}

/** True for a method that changes the control API's state (anything but GET, HEAD and OPTIONS). */
export function isWrite(method: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}

/**
 * True when a control write declares `application/json`. A browser sends `text/plain`, a form or no
 * type cross-site without asking; anything else needs a preflight first.
 */
export function declaresJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === "application/json";
}

/**
 * The control API's guards (http/guards.ts, docs/behaviour.md#exposure), before any handler: with a
 * control token, its Bearer (also on an unknown path, which would otherwise tell what exists); then a
 * write's media type, so that a browser cannot send it cross-site without a preflight. A preflight
 * (OPTIONS) gets no CORS header from the control API, so the browser never sends the write.
 */
export function controlRefusal(token: string, req: MockRequest, routed: boolean): Reply | undefined {
  if (token !== "") {
    const authorization = req.headers.authorization;
    if (!bearerMatches(authorization, token)) {
      const entry = authorization === undefined ? errors.controlTokenMissing : errors.controlTokenWrong;
      return { ...fail(entry), headers: { "www-authenticate": 'Bearer realm="__mock"' } };
    }
  }
  const contentType = req.headers["content-type"];
  if (routed && isWrite(req.method) && !declaresJson(contentType)) {
    return fail(errors.controlWriteNotJson(bounded(mediaType(contentType))));
  }
  return undefined;
}
