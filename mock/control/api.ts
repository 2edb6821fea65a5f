/**
 * The control API under /__mock (never on an Auth0 path; off with `control: false`): health,
 * configuration, users, the outbox of "sent" messages, the clock, reset, counters, the catalogue
 * of deviations and the Guardian stand-in (guardian.ts). JSON in and out; errors keep Auth0's envelope so one client handles both.
 */

import { ConfigError, mergeConfig, toPublicConfig } from "../config/config.ts";
import { deviations } from "../deviations.ts";
import { fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { CapacityError } from "../store/state.ts";
import { assertionCredential } from "../tokens/client-assertion.ts";
import { mockVersion } from "../version.ts";
import { guardianEnroll, guardianPending, guardianRespond } from "./guardian.ts";

type Handler = (rt: Runtime, query: URLSearchParams, body: string) => Reply;

const routes = new Map<string, Record<string, Handler>>([
  ["/__mock/health", { GET: () => ok({ status: "ok", version: mockVersion }) }],
  ["/__mock/config", { GET: (rt) => ok(toPublicConfig(rt.config)), PUT: putConfig }],
  ["/__mock/users", { POST: createUser }],
  ["/__mock/outbox", { GET: outbox }],
  ["/__mock/clock", { GET: (rt) => ok({ now: rt.clock.nowIso() }), POST: advanceClock }],
  ["/__mock/reset", { POST: reset }],
  ["/__mock/stats", { GET: stats }],
  ["/__mock/deviations", { GET: () => ok(deviations) }],
  ["/__mock/private-key-jwt", { GET: privateKeyJwt }],
  ["/__mock/guardian/enroll", { POST: (rt, _q, raw) => withObject(raw, (b) => guardianEnroll(rt, b)) }],
  ["/__mock/guardian/pending", { GET: (rt, q) => guardianPending(rt, q) }],
  ["/__mock/guardian/respond", { POST: (rt, _q, raw) => withObject(raw, (b) => guardianRespond(rt, b)) }],
]);

/** Answers a request under /__mock. */
export function control(rt: Runtime, method: string, path: string, query: string, body: string): Reply {
  const methods = routes.get(path);
  if (!methods) return fail(404, "not_found", `Unknown control path ${path}; see GET /__mock/health.`);
  const handler = methods[method];
  if (!handler) {
    const allow = Object.keys(methods).join(", ");
    return {
      ...fail(405, "method_not_allowed", `${method} is not allowed on ${path}; use ${allow}.`),
      headers: { allow },
    };
  }
  return handler(rt, new URLSearchParams(query), body);
}

/** Parses a control body: empty means `{}`; anything but a JSON object is a 400. */
function jsonObject(body: string): Record<string, unknown> | Reply {
  const parsed = parseObject(body);
  return "reply" in parsed ? parsed.reply : parsed.value;
}

/** jsonObject's result kept apart from the answer, so a body shaped like a Reply stays a body. */
function parseObject(body: string): { value: Record<string, unknown> } | { reply: Reply } {
  if (body.trim() === "") return { value: {} };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { reply: fail(400, "invalid_request", "The request body is not valid JSON.") };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { reply: fail(400, "invalid_request", "The request body must be a JSON object.") };
  }
  return { value: value as Record<string, unknown> };
}

/** Runs a handler on a JSON object body; a body that is not one answers 400. */
function withObject(raw: string, handler: (body: Record<string, unknown>) => Reply): Reply {
  const parsed = parseObject(raw);
  return "reply" in parsed ? parsed.reply : handler(parsed.value);
}

function isReply(value: unknown): value is Reply {
  return typeof (value as Reply).status === "number" && "body" in (value as Reply);
}

function putConfig(rt: Runtime, _q: URLSearchParams, raw: string): Reply {
  const patch = jsonObject(raw);
  if (isReply(patch)) return patch;
  let next: ReturnType<typeof mergeConfig>;
  try {
    next = mergeConfig(rt.config, patch);
  } catch (err) {
    if (err instanceof ConfigError) return fail(400, "invalid_config", err.message);
    throw err;
  }
  rt.reconfigure(next);
  return ok(toPublicConfig(rt.config));
}

function createUser(rt: Runtime, _q: URLSearchParams, raw: string): Reply {
  const body = jsonObject(raw);
  if (isReply(body)) return body;
  const { username, password } = body;
  for (const [name, value] of [
    ["username", username],
    ["password", password],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "" || value.length > 256)) {
      return fail(400, "invalid_request", `${name} must be a non-empty string of at most 256 characters.`);
    }
  }
  if (typeof username === "string" && rt.state.loginTaken(username)) {
    return fail(409, "user_exists", "The user already exists.");
  }
  try {
    const user = rt.state.createUser({
      username: username as string | undefined,
      password: password as string | undefined,
    });
    return ok({ user_id: user.id, username: user.username, password: user.password, email: user.email });
  } catch (err) {
    if (err instanceof CapacityError) return fail(429, "too_many_requests", err.message);
    throw err;
  }
}

function outbox(rt: Runtime, q: URLSearchParams): Reply {
  const recipient = q.get("recipient") ?? undefined;
  const after = q.get("after") ?? undefined;
  try {
    return ok(rt.outbox.list({ recipient: recipient || undefined, after }));
  } catch (err) {
    if (err instanceof RangeError) return fail(400, "invalid_request", err.message);
    throw err;
  }
}

function advanceClock(rt: Runtime, _q: URLSearchParams, raw: string): Reply {
  const body = jsonObject(raw);
  if (isReply(body)) return body;
  const seconds = body.advance_seconds;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86400) {
    return fail(400, "invalid_request", "advance_seconds must be a number of seconds from 0 to 315360000.");
  }
  rt.clock.advance(seconds * 1000);
  return ok({ now: rt.clock.nowIso() });
}

function reset(rt: Runtime): Reply {
  rt.reset();
  return ok({ status: "ok" });
}

function stats(rt: Runtime): Reply {
  const byOperation: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const [op, byStatus] of rt.stats) {
    const counts: Record<string, number> = {};
    for (const [status, count] of byStatus) {
      counts[status] = count;
      total += count;
    }
    byOperation[op] = counts;
  }
  return ok({
    requests: total,
    by_operation: byOperation,
    state: { ...rt.state.sizes(), outbox: rt.outbox.size(), rate_limit_buckets: rt.limiter.size() },
  });
}

/**
 * The Private Key JWT client and the private key it signs its client_assertion with: the key pair
 * the mock generated (a local test key, like the generated client secret). With a configured public
 * key the private key is the user's, so there is none to give.
 */
function privateKeyJwt(rt: Runtime): Reply {
  const c = rt.config;
  const credential = assertionCredential(c.privateKeyJwtPublicKey, c.privateKeyJwtAlg);
  if (credential.privateKeyPem === undefined) {
    return fail(
      404,
      "not_found",
      "private_key_jwt_public_key is configured: sign the client_assertion with its private key.",
    );
  }
  return ok({
    client_id: c.privateKeyJwtClientId,
    alg: c.privateKeyJwtAlg,
    private_key: credential.privateKeyPem,
  });
}
