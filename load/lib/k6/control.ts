/**
 * The mock's control API (`/__mock…`) from k6: the setup's reset, users, clock and outbox reads. A
 * mock others can reach guards it with a credential (`--control-token`, docs/behaviour.md#exposure):
 * the run hands it over as LOAD_CONTROL_TOKEN, and every control call sends it as a Bearer token.
 */
import http from "k6/http";

/** The headers of a control call: the Bearer credential when LOAD_CONTROL_TOKEN is set. */
export function controlHeaders(): Record<string, string> {
  const token = __ENV.LOAD_CONTROL_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A call to the mock's control API; throws, naming the call, unless it answers 2xx. */
export function control(baseUrl: string, method: string, path: string, body?: unknown): unknown {
  const res = http.request(
    method,
    `${baseUrl}/__mock${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers: { "content-type": "application/json", ...controlHeaders() },
      tags: { name: "mock-control" },
    },
  );
  if (res.status < 200 || res.status > 299) {
    const why =
      res.status === 401 || res.status === 403
        ? " (a mock started with --control-token needs it as LOAD_CONTROL_TOKEN)"
        : `; is ${baseUrl} the mock?`;
    throw new Error(`mock control ${method} /__mock${path} answered ${res.status}${why}`);
  }
  return typeof res.body === "string" && res.body !== "" ? JSON.parse(res.body) : undefined;
}
