/**
 * The control API under /__mock (never on an Auth0 path; off with `control: false`): health,
 * configuration, users, the outbox of "sent" messages, the clock, reset, counters, the catalogue
 * of deviations and the Guardian stand-in (guardian.ts). JSON in and out; errors keep Auth0's envelope so one client handles both.
 */

import { maskSecret } from "../../redaction/mask.ts";
import { ConfigError, type MockConfig, mergeConfig, toPublicConfig } from "../config/config.ts";
import { deviations } from "../deviations.ts";
import { parseControlBody } from "../http/body.ts";
import type { Handler, PlainRoute, RouteRequest } from "../http/request.ts";
import { errors, fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { ClockOffsetError } from "../store/clock.ts";
import { OutboxQueryError } from "../store/outbox.ts";
import { CapacityError } from "../store/state.ts";
import { assertionCredential } from "../tokens/client-assertion.ts";
import { mockVersion } from "../version.ts";
import { guardianEnroll, guardianPending, guardianRespond } from "./guardian.ts";

type ControlRoute = PlainRoute<Runtime>;

/** A control route: `/__mock` plus `path`. */
function row(method: string, path: string, handler: Handler<Runtime>): ControlRoute {
  return { method, path: `/__mock${path}`, id: `control${path}`, api: "control", handler };
}

/** An unknown path under /__mock (`/__mock` itself too): its own 404, which lists the control routes. */
const unknown: Handler<Runtime> = (_rt, req) => fail(errors.unknownControlPath(req.path, routeList()));

let listed: string | undefined;
/** The control routes as a caller writes them (`GET /__mock/health`), and the CA the TLS server serves. */
export function routeList(): string {
  listed ??= [
    ...controlRoutes.filter((r) => r.method !== "*").map((r) => `${r.method} ${r.path}`),
    "GET /__mock/tls/ca.pem (over TLS)",
  ].join(", ");
  return listed;
}

/** The control routes, rows of the mock's route table (routes.ts). */
export const controlRoutes: readonly ControlRoute[] = [
  row("GET", "/health", () => ok({ status: "ok", version: mockVersion })),
  row("GET", "/config", (rt) => ok(publicConfig(rt))),
  row("PUT", "/config", withBody(putConfig)),
  row("POST", "/users", withBody(createUser)),
  row("GET", "/outbox", outbox),
  row("GET", "/clock", (rt) => ok({ now: rt.clock.nowIso() })),
  row("POST", "/clock", withBody(advanceClock)),
  row("POST", "/reset", reset),
  row("GET", "/stats", stats),
  row("GET", "/deviations", () => ok(deviations)),
  row("GET", "/private-key-jwt", privateKeyJwt),
  row("POST", "/guardian/enroll", withBody(guardianEnroll)),
  row("GET", "/guardian/pending", (rt, req) => guardianPending(rt, new URLSearchParams(req.query))),
  row("POST", "/guardian/respond", withBody(guardianRespond)),
  row("*", "", unknown),
  row("*", "/*", unknown),
];

/** A handler of a JSON object body (http/body.ts's control reading); any other body answers 400. */
function withBody(handler: (rt: Runtime, body: Record<string, unknown>) => Reply): Handler<Runtime> {
  return (rt, req) => {
    const parsed = parseControlBody(req.body);
    return "reply" in parsed ? parsed.reply : handler(rt, parsed.fields);
  };
}

/**
 * The configuration as the control API shows it (docs/behaviour.md#exposure): the client secret in
 * full only when the mock generated it (a local test value the suites read) and the mock is on
 * loopback or has a control token; a secret the user gave is masked, always.
 */
function publicConfig(rt: Runtime): Record<string, unknown> {
  const shown = toPublicConfig(rt.config);
  const secret = rt.config.clientSecret;
  const visible = secret === rt.generatedSecret && (!rt.exposed || rt.config.controlToken !== "");
  if (!visible) shown.client_secret = maskSecret(secret);
  return shown;
}

function putConfig(rt: Runtime, patch: Record<string, unknown>): Reply {
  let next: MockConfig;
  // A configuration read, changed and written back carries the masked secret: it means "unchanged".
  if (patch.client_secret === maskSecret(rt.config.clientSecret)) {
    const { client_secret: _, ...rest } = patch;
    patch = rest;
  }
  try {
    next = mergeConfig(rt.config, patch);
  } catch (err) {
    if (err instanceof ConfigError) return fail(errors.invalidConfig(err.message));
    throw err;
  }
  rt.reconfigure(next);
  return ok(publicConfig(rt));
}

function createUser(rt: Runtime, body: Record<string, unknown>): Reply {
  const { username, password } = body;
  for (const [name, value] of [
    ["username", username],
    ["password", password],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "" || value.length > 256)) {
      return fail(errors.invalidString(name, 256));
    }
  }
  if (typeof username === "string" && rt.state.loginTaken(username)) {
    return fail(errors.userExists);
  }
  try {
    const user = rt.state.createUser({
      username: username as string | undefined,
      password: password as string | undefined,
    });
    return ok({ user_id: user.id, username: user.username, password: user.password, email: user.email });
  } catch (err) {
    if (err instanceof CapacityError) return fail(errors.storeFull(err.message));
    throw err;
  }
}

function outbox(rt: Runtime, req: RouteRequest): Reply {
  const q = new URLSearchParams(req.query);
  const recipient = q.get("recipient") ?? undefined;
  const after = q.get("after") ?? undefined;
  try {
    return ok(rt.outbox.list({ recipient: recipient || undefined, after }));
  } catch (err) {
    if (err instanceof OutboxQueryError) return fail(errors.invalidControlInput(err.message));
    throw err;
  }
}

function advanceClock(rt: Runtime, body: Record<string, unknown>): Reply {
  const seconds = body.advance_seconds;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86400) {
    return fail(errors.invalidAdvance);
  }
  try {
    rt.clock.advance(seconds * 1000);
  } catch (err) {
    // The total offset is capped (docs/behaviour.md#clock-bounds): a 400 naming the cap, never a 5xx.
    if (err instanceof ClockOffsetError) return fail(errors.invalidControlInput(err.message));
    throw err;
  }
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
  // Off loopback the key is a credential of a client others can reach: only a token holder gets it.
  if (rt.exposed && c.controlToken === "") return fail(errors.privateKeyNeedsToken);
  const credential = assertionCredential(c.privateKeyJwtPublicKey, c.privateKeyJwtAlg);
  if (credential.privateKeyPem === undefined) {
    return fail(errors.noPrivateKey);
  }
  return ok({
    client_id: c.privateKeyJwtClientId,
    alg: c.privateKeyJwtAlg,
    private_key: credential.privateKeyPem,
  });
}
