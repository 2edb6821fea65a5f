import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { beforeEach, describe, test } from "node:test";
import type { MockResponse } from "../app.ts";
import type { MockConfig } from "../config/config.ts";
import { Harness, json } from "../testing.ts";
import { requiresMfaOnRefresh } from "./post-login.ts";

/** The shipped Action: what a step-up fixture installs on a tenant. */
const SHIPPED = readFileSync(
  new URL("../../tenant/actions/require-mfa-on-refresh.js", import.meta.url),
  "utf8",
);
const POST_LOGIN = [{ id: "post-login", version: "v3" }];

/** An app and a Management API token of its default client (every scope the mock grants). */
class Tenant {
  readonly h: Harness;
  private token = "";

  constructor(config?: Partial<MockConfig>) {
    this.h = new Harness(config);
  }

  async bearer(): Promise<string> {
    if (this.token) return this.token;
    const res = await this.h.token({
      grant_type: "client_credentials",
      audience: `https://${this.h.app.config().domain}/api/v2/`,
    });
    assert.equal(res.status, 200, res.body);
    this.token = String(json(res).access_token);
    return this.token;
  }

  async call(method: string, path: string, body?: object, bearer?: string): Promise<MockResponse> {
    return this.h.app.request(`/api/v2/actions/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer ?? (await this.bearer())}` },
      ...(body === undefined ? {} : { body }),
    });
  }

  async create(name: string, code = SHIPPED, extra: object = {}): Promise<string> {
    const res = await this.call("POST", "actions", { name, supported_triggers: POST_LOGIN, code, ...extra });
    assert.equal(res.status, 201, res.body);
    return String(json(res).id);
  }

  async deploy(id: string): Promise<void> {
    const res = await this.call("POST", `actions/${id}/deploy`);
    assert.equal(res.status, 200, res.body);
  }

  bind(...ids: string[]): Promise<MockResponse> {
    return this.call("PATCH", "triggers/post-login/bindings", {
      bindings: ids.map((value) => ({ ref: { type: "action_id", value }, display_name: value })),
    });
  }

  get mfaOnRefresh(): boolean {
    return this.h.app.config().mfaOnRefresh;
  }
}

describe("the Management API's Actions (docs/behaviour.md#post-login-actions)", () => {
  let t: Tenant;
  beforeEach(() => {
    t = new Tenant();
  });

  test("the shipped Action is recognised as requiring MFA on refresh; a plain post-login Action is not", () => {
    assert.equal(requiresMfaOnRefresh(SHIPPED), true);
    assert.equal(requiresMfaOnRefresh("exports.onExecutePostLogin = async (event, api) => {}"), false);
    assert.equal(
      requiresMfaOnRefresh(
        "exports.onExecutePostLogin = async (e, api) => { api.multifactor.enable('any'); }",
      ),
      false,
      "MFA on every login is not MFA on refresh",
    );
  });

  test("create answers pending in Auth0's shape, later reads answer built; secrets show no value", async () => {
    const res = await t.call("POST", "actions", {
      name: "step-up",
      supported_triggers: POST_LOGIN,
      code: SHIPPED,
      secrets: [{ name: "MFA_ON_REFRESH_AUDIENCES", value: "https://api.example/" }],
    });
    assert.equal(res.status, 201, res.body);
    const created = json(res);
    assert.equal(created.status, "pending");
    assert.equal(created.all_changes_deployed, false);
    assert.equal(created.runtime, "node22");
    assert.deepEqual(Object.keys((created.secrets as object[])[0] ?? {}), ["name", "updated_at"]);
    assert.equal(res.body.includes("https://api.example/"), false, "a secret's value is never answered");
    const read = json(await t.call("GET", `actions/${created.id}`));
    assert.equal(read.status, "built");
    const list = json(await t.call("GET", "actions?actionName=step-up&triggerId=post-login&per_page=50"));
    assert.deepEqual(
      (list.actions as Array<{ id: string }>).map((a) => a.id),
      [created.id],
    );
    assert.equal(list.total, 1);
  });

  test("installing the Action (create, deploy, bind) switches on mfa_on_refresh; unbinding switches it off", async () => {
    const id = await t.create("step-up", SHIPPED, {
      secrets: [{ name: "MFA_ON_REFRESH_AUDIENCES", value: "https://a.example/, https://b.example/" }],
    });
    assert.equal(t.mfaOnRefresh, false, "created, not deployed or bound");
    await t.deploy(id);
    assert.equal(t.mfaOnRefresh, false, "deployed, not bound");
    const bound = await t.bind(id);
    assert.equal(bound.status, 200, bound.body);
    const binding = (json(bound).bindings as Array<Record<string, unknown>>)[0];
    assert.equal(binding?.trigger_id, "post-login");
    assert.equal((binding?.action as { id: string } | undefined)?.id, id);
    assert.equal(t.mfaOnRefresh, true);
    assert.deepEqual(t.h.app.config().mfaOnRefreshAudiences, ["https://a.example/", "https://b.example/"]);
    const listed = json(await t.call("GET", "triggers/post-login/bindings"));
    assert.equal(listed.total, 1);
    assert.equal((await t.bind()).status, 200);
    assert.equal(t.mfaOnRefresh, false);
  });

  test("a bound Action runs its deployed version: an update changes nothing until it is deployed", async () => {
    const id = await t.create("step-up");
    await t.deploy(id);
    await t.bind(id);
    const updated = await t.call("PATCH", `actions/${id}`, {
      code: "exports.onExecutePostLogin = async () => {};",
    });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(json(updated).all_changes_deployed, false);
    assert.equal(t.mfaOnRefresh, true, "the deployed version still runs");
    await t.deploy(id);
    assert.equal(t.mfaOnRefresh, false, "the new version requires nothing");
    const read = json(await t.call("GET", `actions/${id}`));
    assert.equal((read.deployed_version as { number: number }).number, 2);
    assert.equal(read.all_changes_deployed, true);
  });

  test("an operator's mfa_on_refresh stays when the trigger's effect does not change", async () => {
    await t.h.app.request("/__mock/config", { method: "PUT", body: { mfa_on_refresh: true } });
    const other = await t.create("audit", "exports.onExecutePostLogin = async () => {};");
    await t.deploy(other);
    assert.equal((await t.bind(other)).status, 200);
    assert.equal(t.mfaOnRefresh, true);
  });

  test("a reset keeps the Actions and what they switched, as it keeps the configuration", async () => {
    const id = await t.create("step-up");
    await t.deploy(id);
    await t.bind(id);
    t.h.app.reset();
    assert.equal(t.mfaOnRefresh, true);
    assert.equal(json(await t.call("GET", "triggers/post-login/bindings")).total, 1);
  });

  test("delete: a bound Action only with force=true, which unbinds it and switches MFA on refresh off", async () => {
    const id = await t.create("step-up");
    await t.deploy(id);
    await t.bind(id);
    const refused = await t.call("DELETE", `actions/${id}`);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(json(refused).errorCode, "action_bound");
    assert.equal((await t.call("DELETE", `actions/${id}?force=true`)).status, 204);
    assert.equal(t.mfaOnRefresh, false);
    assert.equal((await t.call("GET", `actions/${id}`)).status, 404);
    assert.equal(json(await t.call("GET", "triggers/post-login/bindings")).total, 0);
  });

  test("list pages: page and per_page, 0-based, as the SDK's pager asks", async () => {
    for (const name of ["a", "b", "c"]) await t.create(name, "");
    const second = json(await t.call("GET", "actions?page=1&per_page=2"));
    assert.equal((second.actions as unknown[]).length, 1);
    assert.equal(second.total, 3);
    const past = json(await t.call("GET", "actions?page=2&per_page=2"));
    assert.equal((past.actions as unknown[]).length, 0, "an empty page ends the SDK's iteration");
  });

  describe("a secret the configuration cannot take: the answer names the secret and the rule, never the value", () => {
    const many = Array.from({ length: 101 }, (_, i) => `https://api${i}.example/`).join(",");
    const rows: Array<{ name: string; value: string; secretPart: string; says: RegExp }> = [
      {
        name: "an audience with a space",
        value: "https://secret value/",
        secretPart: "secret value",
        says: /MFA_ON_REFRESH_AUDIENCES: its audience number 1 must be an API identifier: visible ASCII without spaces or commas/,
      },
      {
        name: "the second audience with a quote",
        value: 'https://ok.example/, https://"hidden" value/',
        secretPart: "hidden",
        says: /MFA_ON_REFRESH_AUDIENCES: its audience number 2 must be/,
      },
      {
        name: "more audiences than the configuration takes",
        value: many,
        secretPart: "api100.example",
        says: /MFA_ON_REFRESH_AUDIENCES lists more audiences than mfa_on_refresh_audiences takes/,
      },
    ];
    for (const row of rows) {
      test(row.name, async () => {
        const id = await t.create("step-up", SHIPPED, {
          secrets: [{ name: "MFA_ON_REFRESH_AUDIENCES", value: row.value }],
        });
        await t.deploy(id);
        const res = await t.bind(id);
        assert.equal(res.status, 400, res.body);
        assert.equal(json(res).errorCode, "invalid_body");
        assert.match(String(json(res).message), row.says);
        assert.equal(res.body.includes(row.secretPart), false, `the secret's value in ${res.body}`);
        assert.equal(t.mfaOnRefresh, false, "nothing switched");
        assert.deepEqual(t.h.app.config().mfaOnRefreshAudiences, []);
      });
    }
  });

  describe("where the control token guards the configuration, the Actions do not switch it (docs/behaviour.md#exposure)", () => {
    const TOKEN = "c0ffee".repeat(6);
    /** A tenant off loopback (as http/server.ts marks one) or with a control token, or both. */
    function guarded(opts: { exposed: boolean; config: Partial<MockConfig> }): Tenant {
      const g = new Tenant(opts.config);
      g.h.app.runtime.exposed = opts.exposed;
      return g;
    }
    const rows: Array<{ name: string; exposed: boolean; config: Partial<MockConfig>; says: RegExp }> = [
      {
        name: "off loopback with a control token",
        exposed: true,
        config: { controlToken: TOKEN },
        says: /listens off loopback, so its configuration changes only through the control API, with the control token: make the change with PUT \/__mock\/config/,
      },
      {
        name: "on loopback with a control token",
        exposed: false,
        config: { controlToken: TOKEN },
        says: /the mock has a control token, so its configuration changes only through the control API/,
      },
      {
        name: "off loopback with the control API off",
        exposed: true,
        config: { control: false },
        says: /off loopback with its control API off, so its configuration is the one it was started with: start it with --mfa-on-refresh/,
      },
    ];
    for (const row of rows) {
      test(`${row.name}: a bind that would switch MFA on refresh is 403, nothing bound or switched`, async () => {
        const g = guarded(row);
        const id = await g.create("step-up");
        await g.deploy(id);
        const res = await g.bind(id);
        assert.equal(res.status, 403, res.body);
        const body = json(res);
        assert.equal(body.statusCode, 403);
        assert.equal(body.error, "Forbidden");
        assert.equal(body.errorCode, "operation_not_supported");
        assert.match(String(body.message), /^This would switch MFA on refresh \(mfa_on_refresh/);
        assert.match(String(body.message), row.says);
        assert.equal(res.body.includes(TOKEN), false, "the control token is never answered");
        assert.equal(g.mfaOnRefresh, false);
        assert.equal(json(await g.call("GET", "triggers/post-login/bindings")).total, 0);
      });
    }

    test("off loopback: an Action that switches nothing binds; one whose switch the control API made first binds too", async () => {
      const g = guarded({ exposed: true, config: { controlToken: TOKEN } });
      const audit = await g.create("audit", "exports.onExecutePostLogin = async () => {};");
      await g.deploy(audit);
      assert.equal((await g.bind(audit)).status, 200, "a plain post-login Action");
      const stepUp = await g.create("step-up");
      await g.deploy(stepUp);
      const put = await g.h.app.request("/__mock/config", {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: { mfa_on_refresh: true },
      });
      assert.equal(put.status, 200, put.body);
      const bound = await g.bind(audit, stepUp);
      assert.equal(bound.status, 200, bound.body);
      assert.equal(g.mfaOnRefresh, true);
      // Unbinding would switch it off: refused, and still bound.
      const unbound = await g.bind(audit);
      assert.equal(unbound.status, 403, unbound.body);
      assert.equal(g.mfaOnRefresh, true);
      assert.equal(json(await g.call("GET", "triggers/post-login/bindings")).total, 2);
      // A forced delete and a deploy that would switch are refused the same way.
      assert.equal((await g.call("DELETE", `actions/${stepUp}?force=true`)).status, 403);
      assert.equal((await g.call("GET", `actions/${stepUp}`)).status, 200, "not deleted");
      await g.call("PATCH", `actions/${stepUp}`, {
        secrets: [{ name: "MFA_ON_REFRESH_AUDIENCES", value: "https://api.example/" }],
      });
      const deployed = await g.call("POST", `actions/${stepUp}/deploy`);
      assert.equal(deployed.status, 403, deployed.body);
      assert.deepEqual(g.h.app.config().mfaOnRefreshAudiences, []);
      assert.equal(
        (json(await g.call("GET", `actions/${stepUp}`)).deployed_version as { number: number }).number,
        1,
      );
    });
  });

  describe("refusals", () => {
    const rows: Array<{
      name: string;
      call: (t: Tenant, ids: { deployed: string; draft: string; other: string }) => Promise<MockResponse>;
      status: number;
      errorCode?: string;
    }> = [
      {
        name: "a second Action with a taken name",
        call: (t) => t.call("POST", "actions", { name: "deployed", supported_triggers: POST_LOGIN }),
        status: 409,
        errorCode: "action_conflict",
      },
      {
        name: "an Action without supported_triggers",
        call: (t) => t.call("POST", "actions", { name: "x" }),
        status: 400,
        errorCode: "invalid_body",
      },
      {
        name: "binding an Action never deployed",
        call: (t, ids) => t.bind(ids.draft),
        status: 400,
        errorCode: "action_not_deployed",
      },
      {
        name: "binding an Action to a trigger it does not support",
        call: (t, ids) =>
          t.call("PATCH", "triggers/send-phone-message/bindings", {
            bindings: [{ ref: { type: "action_id", value: ids.deployed } }],
          }),
        status: 400,
        errorCode: "invalid_trigger",
      },
      {
        name: "binding an unknown Action",
        call: (t) => t.bind("00000000-0000-4000-8000-000000000000"),
        status: 404,
        errorCode: "inexistent_action",
      },
      {
        name: "binding without a ref",
        call: (t) => t.call("PATCH", "triggers/post-login/bindings", { bindings: [{ display_name: "x" }] }),
        status: 400,
        errorCode: "invalid_body",
      },
      {
        name: "an audience the configuration cannot take in the Action's secret",
        call: async (t, ids) => {
          await t.call("PATCH", `actions/${ids.other}`, {
            secrets: [{ name: "MFA_ON_REFRESH_AUDIENCES", value: "not an audience" }],
          });
          await t.deploy(ids.other);
          return t.bind(ids.other);
        },
        status: 400,
        errorCode: "invalid_body",
      },
      {
        name: "deploying an unknown Action",
        call: (t) => t.call("POST", "actions/nope/deploy"),
        status: 404,
        errorCode: "inexistent_action",
      },
      {
        name: "binding with a token without update:triggers",
        call: (t, ids) => {
          const c = t.h.app.runtime;
          const narrow = c.signer.sign(
            { aud: `https://${c.config.domain}/api/v2/`, scope: "read:actions create:actions" },
            600,
            c.clock.now(),
          );
          return t.call(
            "PATCH",
            "triggers/post-login/bindings",
            { bindings: [{ ref: { type: "action_id", value: ids.deployed } }] },
            narrow,
          );
        },
        status: 403,
        errorCode: "insufficient_scope",
      },
    ];
    for (const row of rows) {
      test(`${row.name}: ${row.status}, nothing switched`, async () => {
        const deployed = await t.create("deployed");
        await t.deploy(deployed);
        const draft = await t.create("draft");
        const other = await t.create("other");
        const res = await row.call(t, { deployed, draft, other });
        assert.equal(res.status, row.status, res.body);
        const body = json(res);
        assert.equal(body.statusCode, row.status);
        if (row.errorCode) assert.equal(body.errorCode, row.errorCode, res.body);
        assert.equal(t.mfaOnRefresh, false);
        assert.equal(json(await t.call("GET", "triggers/post-login/bindings")).total, 0);
      });
    }
  });
});
