import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ManagementClient } from "auth0";
import { AUDIENCES_SECRET } from "../mock/management/post-login.ts";
import { type RunningMock, startMock } from "../mock/start.ts";
import { parseTenantConfig } from "./config.ts";
import { createManagementClient } from "./management.ts";
import {
  installStepUpAction,
  removeStepUpAction,
  STEP_UP_ACTION_NAME,
  stepUpActionCode,
} from "./step-up-action.ts";

/** A Management API client of the mock's default client, as tenant-on-mock configures it. */
function managementOf(mock: RunningMock): ManagementClient {
  return createManagementClient(
    parseTenantConfig({
      AUTH0_DOMAIN: new URL(mock.url).hostname,
      AUTH0_BASE_URL: mock.url,
      AUTH0_CLIENT_ID: mock.clientId,
      AUTH0_CLIENT_SECRET: mock.clientSecret,
      AUTH0_CONNECTION: "Username-Password-Authentication",
      AUTH0_MGMT_CLIENT_ID: mock.clientId,
      AUTH0_MGMT_CLIENT_SECRET: mock.clientSecret,
    }),
  );
}

describe("the step-up fixture against the mock's Management API (tenant/README.md#step-up)", () => {
  let mock: RunningMock;
  let client: ManagementClient;
  before(async () => {
    mock = await startMock({ domain: "127.0.0.1" });
    client = managementOf(mock);
  });
  after(() => mock.close());

  const mfaOnRefresh = async () => {
    const c = await mock.control.config.get();
    return { on: c.mfa_on_refresh, audiences: c.mfa_on_refresh_audiences };
  };

  test("installs the shipped Action with its secret, idempotently, beside the tenant's other Actions", async () => {
    // Another Action already bound to post-login: it must stay, and stay first.
    const other = await client.actions.create({
      name: "someone else's",
      supported_triggers: [{ id: "post-login", version: "v3" }],
      code: "exports.onExecutePostLogin = async () => {};",
      deploy: true,
    });
    await client.actions.triggers.bindings.updateMany("post-login", {
      bindings: [{ ref: { type: "action_id", value: String(other.id) }, display_name: "other" }],
    });

    const steps: string[] = [];
    const step = <T>(title: string, body: () => Promise<T>) => {
      steps.push(title);
      return body();
    };
    const first = await installStepUpAction(client, {
      audiences: ["https://api.example/"],
      step,
      pollMs: 10,
    });
    assert.equal(first.bound, true);
    assert.equal(first.version, 1);
    assert.equal(steps.length, 3, steps.join("; "));
    assert.deepEqual(await mfaOnRefresh(), { on: true, audiences: ["https://api.example/"] });

    const action = await client.actions.get(first.actionId);
    assert.equal(action.name, STEP_UP_ACTION_NAME);
    assert.equal(action.code, stepUpActionCode());
    assert.deepEqual(
      action.secrets?.map((s) => s.name),
      [AUDIENCES_SECRET],
    );
    assert.equal(action.all_changes_deployed, true);

    // Again, with every audience: the same Action, a new version, bound once.
    const again = await installStepUpAction(client, { audiences: [], pollMs: 10 });
    assert.equal(again.actionId, first.actionId);
    assert.equal(again.bound, false);
    assert.equal(again.version, 2);
    assert.deepEqual(await mfaOnRefresh(), { on: true, audiences: [] });
    const bound: string[] = [];
    for await (const b of await client.actions.triggers.bindings.list("post-login", {})) {
      bound.push(String(b.action?.name));
    }
    assert.deepEqual(bound, ["someone else's", STEP_UP_ACTION_NAME]);

    // Removed: unbound and deleted; MFA on refresh off; the other Action still bound.
    assert.deepEqual(await removeStepUpAction(client), { removed: 1 });
    assert.deepEqual((await mfaOnRefresh()).on, false);
    const left: string[] = [];
    for await (const b of await client.actions.triggers.bindings.list("post-login", {})) {
      left.push(String(b.action?.name));
    }
    assert.deepEqual(left, ["someone else's"]);
    assert.deepEqual(await removeStepUpAction(client), { removed: 0 }, "removing twice is no error");
  });

  test("a build that does not end in time fails the install with the Action's name", async () => {
    // A client whose reads always answer "building", as Auth0 may while it builds.
    const stuck = new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "actions") return value;
        return new Proxy(value as object, {
          get(actions, p, r) {
            const inner = Reflect.get(actions, p, r);
            if (p !== "get") return typeof inner === "function" ? inner.bind(actions) : inner;
            return async (id: string) => ({
              ...(await (inner as (id: string) => Promise<object>).call(actions, id)),
              status: "building",
            });
          },
        });
      },
    });
    await assert.rejects(
      installStepUpAction(stuck, { audiences: [], buildTimeoutMs: 30, pollMs: 10 }),
      /was still "building" after the build timeout/,
    );
    await removeStepUpAction(client);
  });
});
