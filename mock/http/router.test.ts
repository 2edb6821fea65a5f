import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ok } from "../reply.ts";
import { routes } from "../routes.ts";
import type { Route } from "./request.ts";
import { isRoute, NOT_FOUND, RouteTable } from "./router.ts";

describe("the route table", () => {
  // What the app's table answers: a row's id, or the methods a known path takes ("" = unknown).
  const rows: { method: string; path: string; id?: string; allow?: string; param?: string }[] = [
    { method: "POST", path: "/oauth/token", id: "token" },
    { method: "GET", path: "/oauth/token", allow: "POST" },
    { method: "POST", path: "/mfa/associate", id: "associateAuthenticator" },
    { method: "GET", path: "/mfa/authenticators", id: "listAuthenticators" },
    {
      method: "DELETE",
      path: "/mfa/authenticators/sms%7Cdev_1",
      id: "deleteAuthenticator",
      param: "sms%7Cdev_1",
    },
    { method: "GET", path: "/mfa/authenticators/x", allow: "DELETE" },
    // An empty or deeper segment is no authenticator: an unknown path, not a wrong method.
    { method: "DELETE", path: "/mfa/authenticators/", allow: "" },
    { method: "DELETE", path: "/mfa/authenticators/a/b", allow: "" },
    { method: "POST", path: "/mfa/challenge", id: "challenge" },
    { method: "GET", path: "/userinfo", id: "getUserInfo" },
    { method: "POST", path: "/userinfo", id: "postUserInfo" },
    { method: "DELETE", path: "/userinfo", allow: "GET, POST" },
    { method: "GET", path: "/.well-known/jwks.json", id: "jwks" },
    { method: "GET", path: "/.well-known/openid-configuration", id: "discovery" },
    { method: "PATCH", path: "/api/v2/users/x", id: "management", param: "users/x" },
    { method: "GET", path: "/api/v2/", id: "management" },
    { method: "GET", path: "/api/v2", allow: "" },
    { method: "GET", path: "/__mock/health", id: "control/health" },
    { method: "DELETE", path: "/__mock/config", allow: "GET, PUT" },
    { method: "GET", path: "/__mock/nope", id: "control/*", param: "nope" },
    { method: "GET", path: "/__mock", id: "control" },
    { method: "GET", path: "/nowhere", allow: "" },
  ];
  for (const row of rows) {
    it(`${row.method} ${row.path}`, () => {
      const m = routes.match(row.method, row.path);
      if (row.id !== undefined) {
        assert.ok(isRoute(m), `a route, got ${JSON.stringify(m)}`);
        assert.equal(m.id, row.id);
        assert.equal(routes.param(m, row.path), row.param ?? "");
      } else {
        assert.ok(!isRoute(m));
        assert.equal(m.allow, row.allow);
      }
    });
  }

  it("refuses two rows for one method and path", () => {
    const handler = () => ok({});
    assert.equal(new RouteTable([]).match("GET", "/"), NOT_FOUND);
    const dup: Route<unknown>[] = [
      { method: "GET", path: "/a/{id}", id: "a1", api: "control", handler },
      { method: "GET", path: "/a/{x}", id: "a2", api: "control", handler },
    ];
    assert.throws(() => new RouteTable(dup), /GET \/a\/\{x\} is routed twice/);
  });

  it("matches without allocating a refusal per request", () => {
    assert.equal(routes.match("GET", "/oauth/token"), routes.match("PUT", "/oauth/token"));
    assert.equal(routes.match("GET", "/nowhere"), NOT_FOUND);
  });
});
