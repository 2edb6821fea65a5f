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

  it("is absent when switched off: /__mock answers like any unknown Auth0 path", async () => {
    const app = createMockApp({ control: false });
    const res = await app.request("/__mock/health");
    assert.equal(res.status, 404);
    assert.ok(res.headers["x-ratelimit-limit"]);
  });
});
