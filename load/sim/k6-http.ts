/** Simulated `k6/http`: synchronous requests answered in process, with k6's request metrics. */
import { record, sim } from "./state.ts";

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseCallback?: { min: number; max: number };
}

/** Canonical MIME header name, as k6 (Go) reports response headers: `x-ratelimit-limit` → `X-Ratelimit-Limit`. */
function canonical(name: string): string {
  return name.replace(/[^-]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

function request(method: string, url: string, body?: string | null, params: Params = {}) {
  const s = sim();
  const parsed = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(url);
  const path = parsed?.[1] ?? "/";
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(params.headers ?? {})) headers[k.toLowerCase()] = v;
  const res = s.handle({ method, url: path, headers, body: body ?? "" });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) out[canonical(k)] = v;
  const expected = params.responseCallback ?? { min: 200, max: 399 };
  const tags = { name: url, method, status: String(res.status), ...params.tags };
  record("http_reqs", "counter", 1, tags);
  // Virtual time: a request takes no time (a clock move it causes is not latency).
  record("http_req_duration", "trend", 0, tags);
  record("http_req_failed", "rate", res.status < expected.min || res.status > expected.max ? 1 : 0, tags);
  return { status: res.status, headers: out, body: res.body };
}

export default {
  request,
  get: (url: string, params?: Params) => request("GET", url, null, params),
  post: (url: string, body?: string | null, params?: Params) => request("POST", url, body, params),
  expectedStatuses: (range: { min: number; max: number }) => range,
};
