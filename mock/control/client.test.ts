import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startMockServer } from "../http/server.ts";
import { mockVersion } from "../version.ts";
import { controlRoutes } from "./api.ts";
import { controlOver, type MockControl, MockControlError, mockControl } from "./client.ts";

// Every route family through the client against a served mock on a free port: the client is what app
// teams and the repository's suites use, so it is tested over the same HTTP they use.

const PHONE = "+15555550177";

/** The Auth0 half of a flow, over plain fetch: what a test's own app would send. */
async function post(
  url: string,
  path: string,
  body: object,
  bearer?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** True for a MockControlError with this status and error code. */
const refused = (status: number, error: string) => (e: unknown) =>
  e instanceof MockControlError && e.status === status && e.error === error;

describe("mockControl (the typed control client) against a served mock", () => {
  let server: Awaited<ReturnType<typeof startMockServer>>;
  let control: MockControl;
  let client: { client_id: string; client_secret: string };

  before(async () => {
    server = await startMockServer({ port: 0, config: { profile: "off", signingThreads: 0, users: 1 } });
    control = mockControl(server.url);
    const c = server.app.config();
    client = { client_id: c.clientId, client_secret: c.clientSecret };
  });
  after(() => server.close());

  /** A fresh user's mfa_token from the password grant's 403. */
  async function mfaToken(): Promise<{ token: string; userId: string }> {
    const user = await control.users.create();
    const answer = await post(server.url, "/oauth/token", {
      ...client,
      grant_type: "password",
      username: user.username,
      password: user.password,
    });
    assert.equal(typeof answer.mfa_token, "string", JSON.stringify(answer.error));
    return { token: String(answer.mfa_token), userId: user.user_id };
  }

  it("health", async () => {
    assert.deepEqual(await control.health(), { status: "ok", version: mockVersion });
  });

  it("users: made up or as given; a taken name is a 409", async () => {
    const made = await control.users.create();
    assert.match(made.user_id, /^auth0\|/);
    assert.ok(made.username && made.password && made.email);
    const given = await control.users.create({ username: "client-test-ada", password: "Pw-123456!" });
    assert.equal(given.username, "client-test-ada");
    assert.equal(given.password, "Pw-123456!");
    await assert.rejects(control.users.create({ username: "client-test-ada" }), refused(409, "user_exists"));
    await assert.rejects(control.users.create({ username: "" }), refused(400, "invalid_request"));
  });

  it("outbox: list by recipient and after, latest; a bad cursor is a 400 whose message leaves out the query", async () => {
    const { token } = await mfaToken();
    assert.equal(await control.outbox.latest(PHONE), undefined);
    const associated = await post(
      server.url,
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: PHONE },
      token,
    );
    assert.equal(associated.oob_channel, "sms");
    const latest = await control.outbox.latest(PHONE);
    assert.equal(latest?.recipient, PHONE);
    assert.equal(latest?.message_type, "sms");
    assert.match(latest?.code ?? "", /^\d{6}$/);
    assert.deepEqual(await control.outbox.list({ recipient: PHONE }), [latest]);
    assert.deepEqual(await control.outbox.list({ recipient: PHONE, after: latest?.id }), []);
    assert.ok((await control.outbox.list()).some((m) => m.id === latest?.id));
    await assert.rejects(control.outbox.list({ recipient: PHONE, after: "yesterday" }), (e: unknown) => {
      assert.ok(refused(400, "invalid_request")(e));
      // A message may reach a log: the recipient in the query must not.
      assert.doesNotMatch((e as Error).message, /5555550177/);
      assert.match((e as Error).message, /^GET \/__mock\/outbox: /);
      return true;
    });
  });

  it("clock: now and advance; a negative step is a 400", async () => {
    const now = Date.parse(await control.clock.now());
    const later = Date.parse(await control.clock.advance(90));
    assert.ok(later - now >= 90_000, `${later - now} ms`);
    await assert.rejects(control.clock.advance(-1), refused(400, "invalid_request"));
  });

  it("config and faults: get, set (deviations too), a bad value is a 400", async () => {
    const config = await control.config.get();
    assert.equal(config.client_id, client.client_id);
    const changed = await control.config.set({
      code_ttl_seconds: 120,
      faults: { deviations: ["no-retry-after"] },
    });
    assert.equal(changed.code_ttl_seconds, 120);
    assert.deepEqual(changed.faults.deviations, ["no-retry-after"]);
    assert.deepEqual((await control.config.get()).faults.deviations, ["no-retry-after"]);
    await assert.rejects(
      control.config.set({ profile: "platinum" as never }),
      refused(400, "invalid_config"),
    );
    await control.config.set({ code_ttl_seconds: config.code_ttl_seconds, faults: config.faults });
  });

  it("deviations: the catalogue config.set accepts", async () => {
    const list = await control.deviations();
    assert.ok(list.length >= 10);
    assert.ok(list.some((d) => d.name === "no-retry-after" && d.breaks.length > 0));
  });

  it("stats and reset: counts by operation, then the seeded state again", async () => {
    await mfaToken();
    const stats = await control.stats();
    assert.ok(stats.requests > 0);
    assert.ok(stats.by_operation.token);
    assert.ok(stats.state.users >= 1);
    await control.reset();
    const after = await control.stats();
    assert.equal(after.requests, 0);
    assert.equal(after.state.outbox, 0);
    assert.deepEqual(await control.outbox.list(), []);
  });

  it("private-key-jwt: the generated key pair's private half", async () => {
    const credential = await control.privateKeyJwt();
    assert.equal(credential.client_id, server.app.config().privateKeyJwtClientId);
    assert.equal(credential.alg, server.app.config().privateKeyJwtAlg);
    assert.match(credential.private_key, /^-----BEGIN PRIVATE KEY-----/);
  });

  it("guardian: enroll a push, list the waiting one, approve it; refusals are typed", async () => {
    const { token, userId } = await mfaToken();
    const push = await post(
      server.url,
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["auth0"] },
      token,
    );
    const txId = new URL(String(push.barcode_uri)).searchParams.get("enrollment_tx_id") ?? "";
    const device = await control.guardian.enroll({ enrollment_tx_id: txId, name: "Test phone" });
    assert.match(device.totp_secret, /^[A-Z2-7]+$/);
    await assert.rejects(
      control.guardian.enroll({ enrollment_tx_id: txId }),
      refused(409, "already_enrolled"),
    );

    assert.deepEqual(await control.guardian.pending(userId), []);
    const challenge = await post(server.url, "/mfa/challenge", {
      ...client,
      mfa_token: token,
      challenge_type: "oob",
      authenticator_id: device.authenticator_id,
    });
    const pending = await control.guardian.pending(userId);
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.oob_code, challenge.oob_code);
    assert.equal(pending[0]?.user_id, userId);
    assert.deepEqual(await control.guardian.respond(String(challenge.oob_code), true), {
      status: "approved",
    });
    assert.deepEqual(await control.guardian.pending(userId), []);

    await assert.rejects(control.guardian.enroll({ enrollment_tx_id: "nope" }), refused(404, "not_found"));
    await assert.rejects(control.guardian.pending("auth0|nobody"), refused(404, "not_found"));
    await assert.rejects(control.guardian.respond("nope", false), refused(404, "not_found"));
  });

  it("tls: a plain HTTP mock has no CA to give (404)", async () => {
    await assert.rejects(control.tls.caPem(), refused(404, "not_found"));
  });

  it("an unreachable mock rejects with the network's error, not a MockControlError", async () => {
    const gone = mockControl(server.url, { fetch: () => Promise.reject(new Error("connection refused")) });
    await assert.rejects(gone.health(), /connection refused/);
  });

  it("sends with a given fetch when one is given", async () => {
    const seen: string[] = [];
    const viaFetch = mockControl(server.url, {
      fetch: (input, init) => {
        seen.push(`${init?.method} ${new URL(String(input)).pathname}`);
        return fetch(input, init);
      },
    });
    assert.equal((await viaFetch.health()).status, "ok");
    await assert.rejects(viaFetch.clock.advance(-1), refused(400, "invalid_request"));
    assert.deepEqual(seen, ["GET /__mock/health", "POST /__mock/clock"]);
  });
});

describe("mockControl over TLS", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "control-client-tls-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("tls.caPem answers the local CA's certificate, which the client then trusts", async () => {
    const server = await startMockServer({ port: 0, config: { signingThreads: 0 }, tls: { dir } });
    try {
      const ca = server.tls?.ca?.certPem ?? "";
      const control = mockControl(server.url, { ca });
      assert.equal(await control.tls.caPem(), ca);
      assert.equal((await control.health()).status, "ok");
    } finally {
      await server.close();
    }
  });
});

describe("the client is complete", () => {
  it("has a call for every control route: a route added to api.ts fails here until the client gains its call", async () => {
    const sent = new Set<string>();
    const control = controlOver(async (method, path) => {
      const route = path.split("?")[0] ?? path;
      sent.add(`${method} ${route}`);
      const list = ["/__mock/outbox", "/__mock/deviations", "/__mock/guardian/pending"].includes(route);
      return { status: 200, body: list ? "[]" : '{"now":"2026-01-01T00:00:00.000Z"}' };
    });
    await Promise.all([
      control.health(),
      control.users.create(),
      control.outbox.list(),
      control.outbox.latest(),
      control.clock.now(),
      control.clock.advance(1),
      control.config.get(),
      control.config.set({}),
      control.reset(),
      control.stats(),
      control.deviations(),
      control.privateKeyJwt(),
      control.guardian.enroll({ enrollment_tx_id: "tx" }),
      control.guardian.pending("auth0|u"),
      control.guardian.respond("oob", true),
      control.tls.caPem(),
    ]);
    const routes = controlRoutes.filter((r) => r.method !== "*").map((r) => `${r.method} ${r.path}`);
    // The CA route is the served mock's (http/server.ts), not a row of the app's table.
    assert.deepEqual([...sent].sort(), [...routes, "GET /__mock/tls/ca.pem"].sort());
  });
});
