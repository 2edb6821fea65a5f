/**
 * Step-up (docs/behaviour.md#mfa-on-refresh): MFA on refresh narrowed to some audiences or scopes,
 * as the post-login Action `tenant/actions/require-mfa-on-refresh.js` narrows it. A refresh for a
 * listed audience (the refresh's `audience`, else its family's) or with a listed scope answers 403
 * `mfa_required` with an `mfa_token` for that audience and scope; any other refresh answers tokens
 * without MFA; MFA done with the `mfa_token` answers tokens for the refused request, and later
 * refreshes of the family need no MFA. Mock-only: the narrowing is set through the control API.
 */
import type { MockConfigPatch } from "../mock/start.ts";
import { enrollOtp, expect, type FlowContext, type Target, test, verifyOtp } from "./fixtures.ts";
import { asSpa, claimsOf, refresh, signIn } from "./flows/spa-login.ts";
import { controlOf } from "./targets/mock.ts";

const API = "https://api.example.com/";
const OTHER = "https://other.example.com/";
const SCOPE = "openid profile email offline_access";

/** Runs `body` with MFA on refresh narrowed as `narrowing` says, then switches it off again (the private mock is the worker's). */
async function narrowed(
  target: Target,
  narrowing: MockConfigPatch,
  body: () => Promise<void>,
): Promise<void> {
  const control = controlOf(target.baseURL);
  await control.config.set({ mfa_on_refresh: true, ...narrowing });
  try {
    await body();
  } finally {
    await control.config.set({
      mfa_on_refresh: false,
      mfa_on_refresh_audiences: [],
      mfa_on_refresh_scopes: [],
    });
  }
}

/** Expects a refresh refused for MFA, with the mfa_token an SDK continues with; answers that token. */
function expectMfaRequired(ctx: FlowContext, res: Awaited<ReturnType<typeof refresh>>): string {
  expect(res.status, `refresh status (${(res.body as { error?: string }).error ?? "tokens"})`).toBe(403);
  expect(res.body.error).toBe("mfa_required");
  const token = String(res.body.mfa_token ?? "");
  expect(token, "an mfa_token in the mfa_required answer").not.toBe("");
  ctx.api.secret("mfa_token", token);
  expect(res).toConform("token");
  return token;
}

/** Expects tokens without MFA: a rotated refresh token and an access token without `amr`. */
function expectTokensWithoutMfa(
  res: Awaited<ReturnType<typeof refresh>>,
  audience: string | undefined,
): void {
  expect(res.status, `refresh status (${(res.body as { error?: string }).error ?? "tokens"})`).toBe(200);
  expect(res).toConform("token");
  const access = claimsOf(res.body.access_token);
  expect(access.amr, "no MFA was done").toBeUndefined();
  if (audience !== undefined) expect([access.aud].flat()).toContain(audience);
  expect(String(res.body.refresh_token ?? ""), "a rotated refresh token").not.toBe("");
}

test.describe("step-up: MFA on refresh narrowed to audiences and scopes", {
  tag: ["@op:token", "@mock-only"],
}, () => {
  // Switches the mock's configuration: a private mock (fixtures.ts).
  test.use({ privateMock: true });

  const rows: Array<{
    name: string;
    narrowing: MockConfigPatch;
    audience?: string;
    scope?: string;
    refresh?: Record<string, string>;
    mfa: boolean;
  }> = [
    {
      name: "a family for a listed audience",
      narrowing: { mfa_on_refresh_audiences: [API] },
      audience: API,
      mfa: true,
    },
    {
      name: "a family for another audience",
      narrowing: { mfa_on_refresh_audiences: [API] },
      audience: OTHER,
      mfa: false,
    },
    { name: "a family without an audience", narrowing: { mfa_on_refresh_audiences: [API] }, mfa: false },
    {
      name: "a refresh asking for a listed audience",
      narrowing: { mfa_on_refresh_audiences: [API] },
      audience: OTHER,
      refresh: { audience: API },
      mfa: true,
    },
    {
      name: "a refresh asking for another audience than its family's listed one",
      narrowing: { mfa_on_refresh_audiences: [API] },
      audience: API,
      refresh: { audience: OTHER },
      mfa: false,
    },
    {
      name: "a family with a listed scope",
      narrowing: { mfa_on_refresh_scopes: ["transfer:funds"] },
      scope: `${SCOPE} transfer:funds`,
      mfa: true,
    },
    {
      name: "a refresh narrowing the listed scope away",
      narrowing: { mfa_on_refresh_scopes: ["transfer:funds"] },
      scope: `${SCOPE} transfer:funds`,
      refresh: { scope: SCOPE },
      mfa: false,
    },
    {
      name: "a listed audience without a listed scope (both narrowings must match)",
      narrowing: { mfa_on_refresh_audiences: [API], mfa_on_refresh_scopes: ["transfer:funds"] },
      audience: API,
      mfa: false,
    },
  ];
  for (const row of rows) {
    test(`${row.name}: ${row.mfa ? "mfa_required with an mfa_token" : "tokens without MFA"}`, {
      tag: row.mfa ? "@check:errors" : "@check:body",
    }, async ({ api, target }) => {
      await narrowed(target, row.narrowing, async () => {
        const ctx = { api, target };
        const { clientId, tokens } = await signIn(ctx, { audience: row.audience, scope: row.scope ?? SCOPE });
        const res = await refresh(ctx, clientId, String(tokens.body.refresh_token), row.refresh);
        if (row.mfa) expectMfaRequired(ctx, res);
        else expectTokensWithoutMfa(res, row.refresh?.audience ?? row.audience);
      });
    });
  }

  test("the step-up completes: MFA with the mfa_token answers tokens for the refused audience, rotated, and later refreshes need no MFA", {
    tag: ["@check:body", "@check:security", "@op:associateAuthenticator", "@factor:otp"],
  }, async ({ api, target }) => {
    await narrowed(target, { mfa_on_refresh_audiences: [API] }, async () => {
      const ctx = { api, target };
      const { clientId, tokens } = await signIn(ctx, { audience: OTHER });
      const first = String(tokens.body.refresh_token);
      // The family's own audience needs no MFA; the listed one, asked for, does.
      const refused = await refresh(ctx, clientId, first, { audience: API });
      const mfaToken = expectMfaRequired(ctx, refused);
      const spa = { api, target: await asSpa(target) };
      const otp = await enrollOtp(spa, mfaToken);
      const done = await verifyOtp(spa, mfaToken, otp.secret);
      const access = claimsOf(done.body.access_token);
      expect([access.aud].flat(), "the refused request's audience").toContain(API);
      expect(access.amr, "MFA was done").toEqual(["mfa"]);
      const rotated = String(done.body.refresh_token ?? "");
      expect(rotated, "the completing grant rotates the family's refresh token").not.toBe("");
      expect(rotated).not.toBe(first);
      const later = await refresh(ctx, clientId, rotated, { audience: API });
      expect(later.status, "a later refresh for the listed audience, MFA done in the family").toBe(200);
      expect(claimsOf(later.body.access_token).amr).toEqual(["mfa"]);
    });
  });
});
