import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMockApp } from "../app.ts";
import { ALLOWED_HEADERS, corsPath, originAllowed } from "./cors.ts";

describe("CORS (docs/behaviour.md#cors)", () => {
  it("only the paths browser apps fetch", () => {
    const rows: Array<[string, boolean]> = [
      ["/oauth/token", true],
      ["/mfa/associate", true],
      ["/mfa/authenticators/sms%7Cdev_x", true],
      ["/.well-known/jwks.json", true],
      ["/userinfo", true],
      ["/authorize", false],
      ["/u/login", false],
      ["/api/v2/users", false],
      ["/__mock/config", false],
      ["/oauth/token/x", false],
    ];
    for (const [path, allowed] of rows) assert.equal(corsPath(path), allowed, path);
  });

  it("origins: any loopback origin by default, exactly the configured ones otherwise", () => {
    const loopback = { webOrigins: [] };
    const configured = { webOrigins: ["https://app.example.com"] };
    const rows: Array<[string, { webOrigins: string[] }, boolean]> = [
      ["http://localhost:3000", loopback, true],
      ["https://127.0.0.1:8443", loopback, true],
      ["http://[::1]:5173", loopback, true],
      ["https://app.example.com", loopback, false],
      ["null", loopback, false],
      ["http://localhost:3000/path", loopback, false], // not an origin
      ["https://app.example.com", configured, true],
      ["http://localhost:3000", configured, false], // the list replaces the loopback rule
      ["https://app.example.com.evil.example", configured, false],
    ];
    for (const [origin, config, allowed] of rows)
      assert.equal(originAllowed(config, origin), allowed, origin);
  });

  it("an allowed origin gets its origin echoed and the SDK headers allowed; another gets no CORS header", async () => {
    const app = createMockApp({ signingThreads: 0 });
    const preflight = (origin: string, path = "/oauth/token") =>
      app.request(path, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "auth0-client",
        },
      });
    const ok = await preflight("http://localhost:3000");
    assert.equal(ok.status, 204);
    assert.equal(ok.headers["access-control-allow-origin"], "http://localhost:3000");
    assert.equal(ok.headers["access-control-allow-headers"], ALLOWED_HEADERS);
    assert.match(String(ok.headers.vary), /Origin/);
    for (const res of [
      await preflight("https://evil.example"),
      await preflight("http://localhost:3000", "/authorize"),
    ]) {
      assert.deepEqual(
        Object.keys(res.headers).filter((h) => h.startsWith("access-control-")),
        [],
      );
    }
    const jwks = await app.request("/.well-known/jwks.json", {
      headers: { origin: "http://localhost:3000" },
    });
    assert.equal(jwks.headers["access-control-allow-origin"], "http://localhost:3000");
    assert.match(String(jwks.headers["access-control-expose-headers"]), /x-ratelimit-remaining/);
    const none = await app.request("/.well-known/jwks.json");
    assert.equal(none.headers["access-control-allow-origin"], undefined, "no Origin, no CORS headers");
  });
});
