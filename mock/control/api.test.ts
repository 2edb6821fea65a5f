import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMockApp } from "../app.ts";
import { Harness, json, T0 } from "../testing.ts";
import { mockVersion } from "../version.ts";

describe("control API (/__mock)", () => {
  it("health, config round trip, users, clock, stats, deviations, reset", async () => {
    const h = new Harness({ profile: "off" });
    const { app } = h;
    assert.deepEqual(json(await app.request("/__mock/health")), { status: "ok", version: mockVersion });
    const config = json(await app.request("/__mock/config"));
    assert.equal(config.client_id, app.config().clientId);
    assert.equal(config.profile, "off");
    const put = await app.request("/__mock/config", {
      method: "PUT",
      body: { profile: "free", code_ttl_seconds: 60, faults: { deviations: ["no-retry-after"] } },
    });
    assert.equal(put.status, 200, put.body);
    assert.equal(json(put).profile, "free");
    assert.equal(app.config().codeTtlSeconds, 60);
    assert.equal(app.runtime.deviates("no-retry-after"), true);
    // GET's answer can be sent back as is.
    assert.equal((await app.request("/__mock/config", { method: "PUT", body: json(put) })).status, 200);

    const created = json(
      await app.request("/__mock/users", {
        method: "POST",
        body: { username: "ada", password: "Pw-123456!" },
      }),
    );
    assert.equal(created.username, "ada");
    assert.match(String(created.user_id), /^auth0\|[0-9a-f]{24}$/);
    const dup = await app.request("/__mock/users", { method: "POST", body: { username: "ada" } });
    assert.equal(dup.status, 409);

    const clock = json(await app.request("/__mock/clock", { method: "POST", body: { advance_seconds: 90 } }));
    assert.equal(clock.now, new Date(T0 + 90_000).toISOString());

    await h.enrolled();
    const stats = json(await app.request("/__mock/stats"));
    assert.ok(Number(stats.requests) > 0);
    assert.ok((stats.by_operation as Record<string, unknown>).token);

    const deviations = json(await app.request("/__mock/deviations"));
    assert.ok(deviations.length >= 10);

    assert.equal((await app.request("/__mock/reset", { method: "POST", body: {} })).status, 200);
    assert.equal(app.clock.now(), T0);
    assert.deepEqual(app.outbox.list(), []);
    assert.equal(json(await app.request("/__mock/stats")).requests, 0);
  });

  it("never answers a client secret the user gave; the generated one stays visible on loopback", async () => {
    const given = "RealTenantSecret-0123456789abcdef";
    const app = createMockApp({ clientSecret: given, signingThreads: 0 });
    const res = await app.request("/__mock/config");
    assert.equal(res.status, 200);
    assert.ok(!res.body.includes(given), "the user's secret is not in the answer");
    assert.equal(json(res).client_secret, "•••[33]");
    // Written back as read (the masked value), the secret stays the user's.
    const put = await app.request("/__mock/config", { method: "PUT", body: json(res) });
    assert.equal(put.status, 200, put.body);
    assert.equal(app.config().clientSecret, given);
    // A secret set at run time is the user's too.
    const generated = createMockApp({ signingThreads: 0 });
    const own = generated.config().clientSecret;
    assert.equal(json(await generated.request("/__mock/config")).client_secret, own, "the suites read it");
    await generated.request("/__mock/config", { method: "PUT", body: { client_secret: given } });
    assert.equal(json(await generated.request("/__mock/config")).client_secret, "•••[33]");
  });

  it("off loopback without a control token: no private key, no generated secret", async () => {
    const app = createMockApp({ signingThreads: 0 });
    app.runtime.exposed = true; // as http/server.ts sets it when bound off loopback
    const key = await app.request("/__mock/private-key-jwt");
    assert.equal(key.status, 403);
    assert.equal(json(key).error, "access_denied");
    assert.match(String(json(key).error_description), /--control-token \(MOCK_CONTROL_TOKEN\)/);
    assert.match(String(json(await app.request("/__mock/config")).client_secret), /^•••\[64\]$/);
    // With a token, its holder gets both.
    const token = "ctl-0123456789abcdef-token";
    const guarded = createMockApp({ signingThreads: 0, controlToken: token });
    guarded.runtime.exposed = true;
    const authorization = { authorization: `Bearer ${token}` };
    assert.equal((await guarded.request("/__mock/private-key-jwt", { headers: authorization })).status, 200);
    const config = json(await guarded.request("/__mock/config", { headers: authorization }));
    assert.equal(config.client_secret, guarded.config().clientSecret);
  });

  it("answers a preflight (OPTIONS) under /__mock without any CORS header", async () => {
    const app = createMockApp({ signingThreads: 0 });
    const res = await app.request("/__mock/clock", {
      method: "OPTIONS",
      headers: { origin: "https://attacker.example", "access-control-request-method": "POST" },
    });
    assert.ok(res.status >= 400);
    assert.deepEqual(
      Object.keys(res.headers).filter((h) => h.startsWith("access-control-")),
      [],
    );
  });

  it("is absent when switched off: /__mock answers like any unknown Auth0 path", async () => {
    const app = createMockApp({ control: false });
    const res = await app.request("/__mock/health");
    assert.equal(res.status, 404);
    assert.ok(res.headers["x-ratelimit-limit"]);
  });
});
