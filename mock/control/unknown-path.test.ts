import assert from "node:assert/strict";
import { test } from "node:test";
import { Harness, json } from "../testing.ts";
import { controlRoutes, routeList } from "./api.ts";

// A wrong control path is not a dead end: the 404 lists every control route, so a caller who
// guessed `/__mock/user` (or asked `/__mock` itself) reads where to go.
const wrong = [
  { method: "GET", path: "/__mock" },
  { method: "GET", path: "/__mock/nope" },
  { method: "POST", path: "/__mock/user" },
  { method: "DELETE", path: "/__mock/guardian/enroll/x" },
];
for (const row of wrong) {
  test(`${row.method} ${row.path} answers 404 not_found listing the control routes`, async () => {
    const h = new Harness();
    // A write says it is JSON, or the control API refuses it before routing (415).
    const init = row.method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: {} };
    const res = await h.app.request(row.path, { method: row.method, ...init });
    assert.equal(res.status, 404);
    const body = json(res);
    assert.equal(body.error, "not_found");
    const text = String(body.error_description);
    assert.ok(text.startsWith(`Unknown control path ${row.path}; the control routes: `), text);
    for (const r of controlRoutes.filter((x) => x.method !== "*"))
      assert.ok(text.includes(`${r.method} ${r.path}`), `lists ${r.method} ${r.path}`);
  });
}

test("the list is the route table's (a route added later is listed), plus the CA over TLS", () => {
  const list = routeList().split(", ");
  assert.equal(list.length, controlRoutes.filter((x) => x.method !== "*").length + 1);
  assert.ok(list.includes("GET /__mock/health"));
  assert.ok(list.includes("GET /__mock/tls/ca.pem (over TLS)"));
});
