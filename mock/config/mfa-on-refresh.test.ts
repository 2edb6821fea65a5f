import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, mergeConfig, parseArgs, resolveConfig } from "./config.ts";
import { type MfaOnRefreshRule, mfaOnRefreshApplies } from "./mfa-on-refresh.ts";

const API = "https://api.example.com/";
const OTHER = "https://other.example.com/";

describe("MFA on refresh and its step-up narrowing (docs/behaviour.md#mfa-on-refresh)", () => {
  const rows: Array<{
    name: string;
    rule: Partial<MfaOnRefreshRule>;
    audience: string | undefined;
    scope: string;
    applies: boolean;
  }> = [
    { name: "off", rule: { mfaOnRefresh: false }, audience: API, scope: "openid", applies: false },
    {
      name: "off, whatever the narrowing",
      rule: { mfaOnRefresh: false, mfaOnRefreshAudiences: [API] },
      audience: API,
      scope: "openid",
      applies: false,
    },
    { name: "on, not narrowed", rule: {}, audience: undefined, scope: "openid", applies: true },
    {
      name: "a listed audience",
      rule: { mfaOnRefreshAudiences: [API] },
      audience: API,
      scope: "openid",
      applies: true,
    },
    {
      name: "another audience",
      rule: { mfaOnRefreshAudiences: [API] },
      audience: OTHER,
      scope: "openid",
      applies: false,
    },
    {
      name: "no audience, audiences listed",
      rule: { mfaOnRefreshAudiences: [API] },
      audience: undefined,
      scope: "openid",
      applies: false,
    },
    {
      name: "a listed scope among others",
      rule: { mfaOnRefreshScopes: ["transfer:funds"] },
      audience: undefined,
      scope: "openid transfer:funds offline_access",
      applies: true,
    },
    {
      name: "no listed scope",
      rule: { mfaOnRefreshScopes: ["transfer:funds"] },
      audience: API,
      scope: "openid read:balance",
      applies: false,
    },
    {
      name: "a scope's prefix is not the scope",
      rule: { mfaOnRefreshScopes: ["transfer:funds"] },
      audience: API,
      scope: "transfer:funds:all",
      applies: false,
    },
    {
      name: "both narrowings, both match",
      rule: { mfaOnRefreshAudiences: [API], mfaOnRefreshScopes: ["transfer:funds"] },
      audience: API,
      scope: "transfer:funds",
      applies: true,
    },
    {
      name: "both narrowings, the audience does not",
      rule: { mfaOnRefreshAudiences: [API], mfaOnRefreshScopes: ["transfer:funds"] },
      audience: OTHER,
      scope: "transfer:funds",
      applies: false,
    },
    {
      name: "both narrowings, the scope does not",
      rule: { mfaOnRefreshAudiences: [API], mfaOnRefreshScopes: ["transfer:funds"] },
      audience: API,
      scope: "openid",
      applies: false,
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.applies ? "requires MFA" : "does not"}`, () => {
      const rule: MfaOnRefreshRule = {
        mfaOnRefresh: true,
        mfaOnRefreshAudiences: [],
        mfaOnRefreshScopes: [],
        ...row.rule,
      };
      assert.equal(mfaOnRefreshApplies(rule, row.audience, row.scope), row.applies);
    });
  }

  it("the lists come from flags, MOCK_* variables and PUT /__mock/config alike", () => {
    const flags = parseArgs(
      ["--mfa-on-refresh-audiences", `${API}, ${OTHER}`, "--mfa-on-refresh-scopes", "transfer:funds"],
      {},
    );
    assert.deepEqual(flags.config.mfaOnRefreshAudiences, [API, OTHER]);
    assert.deepEqual(flags.config.mfaOnRefreshScopes, ["transfer:funds"]);
    const env = parseArgs([], { MOCK_MFA_ON_REFRESH_AUDIENCES: API, MOCK_MFA_ON_REFRESH_SCOPES: "a:b,c:d" });
    assert.deepEqual(env.config.mfaOnRefreshAudiences, [API]);
    assert.deepEqual(env.config.mfaOnRefreshScopes, ["a:b", "c:d"]);
    const put = mergeConfig(resolveConfig({}), {
      mfa_on_refresh_audiences: [API],
      mfa_on_refresh_scopes: [],
    });
    assert.deepEqual(put.mfaOnRefreshAudiences, [API]);
    assert.deepEqual(put.mfaOnRefreshScopes, []);
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      "a scope with a space",
      { mfaOnRefreshScopes: ["transfer funds"] },
      /mfaOnRefreshScopes\[0\] must be a scope token/,
    ],
    [
      "a scope with a quote",
      { mfaOnRefreshScopes: ['say"hi'] },
      /mfaOnRefreshScopes\[0\] must be a scope token/,
    ],
    [
      "an empty audience",
      { mfaOnRefreshAudiences: [""] },
      /mfaOnRefreshAudiences\[0\] must be an API identifier/,
    ],
    [
      "an audience that is not a string",
      { mfaOnRefreshAudiences: [42] },
      /mfaOnRefreshAudiences\[0\] must be an API identifier/,
    ],
    [
      "a string instead of a list",
      { mfaOnRefreshAudiences: API },
      /mfaOnRefreshAudiences must be an array of audiences/,
    ],
  ];
  for (const [name, input, message] of refused) {
    it(`refuses ${name}, naming the option`, () => {
      assert.throws(
        () => resolveConfig(input),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }
});
