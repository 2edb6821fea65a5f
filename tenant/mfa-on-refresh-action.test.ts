import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { AUDIENCES_SECRET, postLoginEffect, requiresMfaOnRefresh } from "../mock/management/post-login.ts";
import { stepUpActionCode } from "./step-up-action.ts";

// The Actions are CommonJS, as Auth0 runs them (tenant/actions/package.json says so).
const require = createRequire(import.meta.url);
type Handler = (event: unknown, api: unknown) => Promise<void>;
const action = require("./actions/require-mfa-on-refresh.js") as { onExecutePostLogin: Handler };

/** Runs the Action; answers the arguments of every api.multifactor.enable call. */
async function enabled(event: unknown): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  await action.onExecutePostLogin(event, {
    multifactor: { enable: (...args: unknown[]) => calls.push(args) },
  });
  return calls;
}

describe("the post-login Action that requires MFA on refresh (docs/behaviour.md#mfa-on-refresh)", () => {
  const refresh = {
    transaction: { protocol: "oauth2-refresh-token" },
    authentication: { methods: [{ name: "pwd" }] },
  };
  const rows: Array<{ name: string; event: unknown; requires: boolean }> = [
    { name: "a refresh of a session without MFA", event: refresh, requires: true },
    {
      name: "a refresh of a session that did MFA",
      event: { ...refresh, authentication: { methods: [{ name: "pwd" }, { name: "mfa" }] } },
      requires: false,
    },
    {
      name: "an interactive login",
      event: { transaction: { protocol: "oidc-basic-profile" } },
      requires: false,
    },
    {
      name: `a refresh for an audience outside ${AUDIENCES_SECRET}`,
      event: {
        ...refresh,
        secrets: { [AUDIENCES_SECRET]: "https://api.example/" },
        resource_server: { identifier: "https://other.example/" },
      },
      requires: false,
    },
    {
      name: "a refresh for a listed audience",
      event: {
        ...refresh,
        secrets: { [AUDIENCES_SECRET]: "https://api.example/" },
        resource_server: { identifier: "https://api.example/" },
      },
      requires: true,
    },
    { name: "an event without fields", event: {}, requires: false },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const calls = await enabled(row.event);
      assert.deepEqual(calls, row.requires ? [["any", { allowRememberBrowser: false }]] : []);
    });
  }

  test(`narrows itself by the secret the fixture writes and the mock reads (${AUDIENCES_SECRET}), and by no other name`, async () => {
    const elsewhere = { ...refresh, resource_server: { identifier: "https://other.example/" } };
    const under = (name: string) => ({ ...elsewhere, secrets: { [name]: "https://api.example/" } });
    assert.deepEqual(await enabled(under(AUDIENCES_SECRET)), [], "narrowed by the named secret");
    assert.equal(
      (await enabled(under(`${AUDIENCES_SECRET}_OTHER`))).length,
      1,
      "another name narrows nothing",
    );
  });

  test("is the pattern the mock plays, narrowed by that secret (docs/behaviour.md#post-login-actions)", () => {
    const code = stepUpActionCode();
    assert.equal(requiresMfaOnRefresh(code), true);
    const secrets = new Map([[AUDIENCES_SECRET, "https://api.example/, https://b.example/"]]);
    assert.deepEqual(postLoginEffect([{ code, secrets }]), {
      audiences: ["https://api.example/", "https://b.example/"],
    });
  });
});
