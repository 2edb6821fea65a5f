/**
 * The login surface's contract (docs/behaviour.md#login, #code-grant, #refresh-tokens,
 * #mfa-on-refresh): a single-page app's code flow with PKCE through the mock's login page, then
 * negative tables for the authorization_code grant (PKCE mismatch, code reuse, redirect_uri mismatch)
 * and the refresh_token grant (rotation, reuse, MFA skipped), and the step-up contract on a refresh
 * token of the password grant.
 *
 * Which rows run on a tenant, and why:
 * - the authorization_code rows and the code flow's refresh rows need the login page, submitted by
 *   the suite as a form. A tenant's is Universal Login, which needs a browser (and the single-page
 *   app's client id comes from the mock's control API), so they are `@mock-only`;
 * - the step-up rows (`@step-up`: MFA skipped on refresh → mfa_required, the mfa_token completing
 *   and rotating, refresh reuse) take their refresh token from the password grant with
 *   offline_access, its login completed with OTP (no message is sent; tenant/README.md, Step-up: the
 *   application needs the Refresh Token grant). MFA on refresh comes from the target: the mock's
 *   switch, or on a tenant the post-login Action the fixture installs through the Management API
 *   (tenant/step-up-action.ts). They rest on an assumption no tenant answer has confirmed: that the
 *   Action does not see the password grant's MFA in `event.authentication.methods` on the family's
 *   first refresh, so that refresh answers mfa_required (docs/behaviour.md#mfa-on-refresh). Where it
 *   answers tokens, the rows fail saying so (mfa-at-login.ts).
 */
import {
  type ApiResponse,
  clientAuth,
  enrollOtp,
  expect,
  type FlowContext,
  GRANT,
  newSession,
  test,
  verifyOtp,
} from "./fixtures.ts";
import { type Authorized, authorizeCode, exchangeCode, refresh } from "./flows/spa-login.ts";
import { firstRefreshAnsweredTokens } from "./mfa-at-login.ts";
import { STEP_UP_TAG } from "./tags.ts";

/** Switches MFA on refresh on for this test: the target's switch or the tenant's Action; skipped without it. */
async function requireMfaOnRefresh({ target }: FlowContext): Promise<void> {
  const require = target.requireMfaOnRefresh?.bind(target);
  test.skip(!require, `needs MFA on refresh, which the ${target.name} target cannot require`);
  await test.step(
    "require MFA on refresh (the mock's switch, or the tenant's post-login Action)",
    () => require?.((title, body) => test.step(title, body)),
    { box: true },
  );
}

test.describe("login surface: code and refresh grants", {
  // Mock-only: the login page is submitted as a form (a tenant's Universal Login needs a browser),
  // and the single-page app's client id is read from the control API.
  tag: ["@op:token", "@mock-only"],
}, () => {
  // Switches mfa_on_refresh: a private mock (fixtures.ts).
  test.use({ privateMock: true });

  const codeRefusals: Array<{
    name: string;
    /** The fields sent instead of the app's; undefined leaves one out. */
    extra: (a: Authorized) => Record<string, string | undefined>;
    text: string;
  }> = [
    {
      name: "a wrong code_verifier (PKCE mismatch)",
      extra: (a) => ({ code_verifier: `${a.verifier}x` }),
      text: "Failed to verify code verifier",
    },
    {
      name: "no code_verifier (PKCE skipped)",
      extra: () => ({ code_verifier: undefined }),
      text: "Missing required parameter: code_verifier",
    },
    {
      name: "another redirect_uri",
      extra: () => ({ redirect_uri: "http://localhost:3000/other" }),
      text: "Invalid redirect_uri",
    },
  ];
  for (const row of codeRefusals) {
    test(`authorization_code with ${row.name} is refused`, { tag: "@check:security" }, async ({
      api,
      target,
    }) => {
      const a = await authorizeCode({ api, target });
      const res = await exchangeCode({ api, target }, a, { extra: row.extra(a) });
      // The message names the error code only: a wrongly successful answer holds tokens, which must not
      // reach the report (redaction/leaks.ts scans it).
      const code = (res.body as { error?: string }).error ?? "no error: a token answer";
      expect(res.status, `${row.name}: ${code}`).toBeGreaterThanOrEqual(400);
      expect((res.body as { error_description?: string }).error_description).toBe(row.text);
      // Refused, the code is still good with the right verifier (the check failed before it was used).
      expect((await exchangeCode({ api, target }, a)).status).toBe(200);
    });
  }

  test("the authorization code is single use: code reuse is refused", { tag: "@check:security" }, async ({
    api,
    target,
  }) => {
    const a = await authorizeCode({ api, target });
    const first = await exchangeCode({ api, target }, a);
    expect(first.status).toBe(200);
    expect(first).toConform("token");
    const again = await exchangeCode({ api, target }, a);
    expect(again).toBeError(403, "invalid_grant", "Invalid authorization code");
  });

  test("refresh tokens rotate, and a rotated-away token revokes the family", {
    tag: "@check:security",
  }, async ({ api, target }) => {
    const a = await authorizeCode({ api, target });
    const first = String((await exchangeCode({ api, target }, a)).body.refresh_token);
    const r1 = await refresh({ api, target }, a.clientId, first);
    expect(r1.status).toBe(200);
    const second = String(r1.body.refresh_token ?? "");
    expect(second, "a rotated refresh_token").not.toBe("");
    expect(second).not.toBe(first);
    expect(await refresh({ api, target }, a.clientId, first)).toBeError(
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
    expect(await refresh({ api, target }, a.clientId, second)).toBeError(
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
  });

  test("with MFA on refresh, a refresh answers mfa_required with an mfa_token until MFA is done", {
    tag: "@check:errors",
  }, async ({ api, target }) => {
    await requireMfaOnRefresh({ api, target });
    const a = await authorizeCode({ api, target });
    const first = String((await exchangeCode({ api, target }, a)).body.refresh_token);
    const refused = await refresh({ api, target }, a.clientId, first);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("mfa_required");
    expect(String(refused.body.mfa_token ?? ""), "mfa_token in the mfa_required answer").not.toBe("");
    expect(refused).toConform("token");
    // MFA skipped: the consumed token is not taken again.
    expect(await refresh({ api, target }, a.clientId, first)).toBeError(
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
  });
});

/** A refresh token of the password grant, and what completes MFA for it without a message. */
interface PasswordRefresh {
  refreshToken: string;
  /** The recovery code the OTP enrollment answered: MFA for a refresh without waiting for a TOTP step. */
  recoveryCode: string;
}

/** The password grant with offline_access, its login completed by enrolling OTP: a refresh token. */
function passwordRefreshToken(ctx: FlowContext): Promise<PasswordRefresh> {
  return test.step(
    "log in with the password grant (offline_access) and OTP: a refresh token",
    async () => {
      const { mfaToken } = await newSession(ctx, { scope: "openid profile offline_access" });
      const { secret, recoveryCodes } = await enrollOtp(ctx, mfaToken);
      const tokens = await verifyOtp(ctx, mfaToken, secret);
      const refreshToken = String(tokens.body.refresh_token ?? "");
      expect(refreshToken, "a refresh_token for offline_access").not.toBe("");
      const recoveryCode = recoveryCodes[0] ?? "";
      expect(recoveryCode, "the OTP enrollment's recovery code").not.toBe("");
      return { refreshToken, recoveryCode };
    },
    { box: true },
  );
}

/** The refresh_token grant of the suites' client (confidential on the mock and the tenant alike). */
async function refreshAs(ctx: FlowContext, token: string): Promise<ApiResponse> {
  const { client_id, ...credentials } = await clientAuth(ctx.target);
  return refresh(ctx, client_id, token, credentials);
}

/**
 * The family's first refresh refused for MFA: expects 403 mfa_required with an mfa_token, answers the
 * token. Tokens instead fail with what that means (mfa-at-login.ts): the Action saw the login's MFA.
 */
async function refusedForMfa(ctx: FlowContext, token: string): Promise<string> {
  return test.step(
    "refresh: 403 mfa_required with an mfa_token",
    async () => {
      const refused = await refreshAs(ctx, token);
      const code = (refused.body as { error?: string }).error ?? "no error: a token answer";
      expect(refused.status, firstRefreshAnsweredTokens(refused.status) ?? `refresh status (${code})`).toBe(
        403,
      );
      expect(refused.body.error).toBe("mfa_required");
      const mfaToken = String(refused.body.mfa_token ?? "");
      expect(mfaToken, "mfa_token in the mfa_required answer").not.toBe("");
      expect(refused).toConform("token");
      return mfaToken;
    },
    { box: true },
  );
}

/** MFA done with the refused refresh's mfa_token (the recovery code): answers the rotated refresh token. */
async function completeWithRecoveryCode(ctx: FlowContext, mfaToken: string, code: string): Promise<string> {
  return test.step(
    "MFA with the mfa_token (recovery code): tokens and a rotated refresh token",
    async () => {
      const done = await ctx.api.post("/oauth/token", {
        form: {
          grant_type: GRANT.mfaRecoveryCode,
          ...(await clientAuth(ctx.target)),
          mfa_token: mfaToken,
          recovery_code: code,
        },
      });
      expect(done.status, "the MFA grant's status").toBe(200);
      expect(done).toConform("token");
      const rotated = String(done.body.refresh_token ?? "");
      expect(rotated, "a rotated refresh_token").not.toBe("");
      return rotated;
    },
    { box: true },
  );
}

test.describe("step-up: MFA on refresh of a password-grant refresh token", {
  // Runs on a tenant too (see the file comment): the fixture installs the post-login Action there.
  tag: ["@op:token", STEP_UP_TAG],
}, () => {
  // The mock's switch is the whole mock's: a private one (fixtures.ts). One worker runs these in order,
  // so on a tenant one worker installs the Action.
  test.use({ privateMock: true });
  test.describe.configure({ mode: "default" });

  test("a refresh answers mfa_required; MFA with its mfa_token rotates the refresh token; later refreshes answer tokens", {
    tag: ["@check:errors", "@check:body"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    await requireMfaOnRefresh(ctx);
    const login = await passwordRefreshToken(ctx);
    const mfaToken = await refusedForMfa(ctx, login.refreshToken);
    const rotated = await completeWithRecoveryCode(ctx, mfaToken, login.recoveryCode);
    // Compared as a boolean: a failure message must not carry a token (redaction/leaks.ts scans reports).
    expect(rotated === login.refreshToken, "the rotated token is a new one").toBe(false);
    const later = await refreshAs(ctx, rotated);
    expect(later.status, "a refresh after MFA").toBe(200);
    expect(later).toConform("token");
    expect(String(later.body.refresh_token ?? rotated) === rotated, "rotated again").toBe(false);
  });

  // What a client may send instead of doing MFA, or after the token rotated: each is refused, and
  // reuse revokes the family (docs/behaviour.md#refresh-tokens).
  const refusals: Array<{
    name: string;
    send: (
      ctx: FlowContext,
      s: { consumed: string; mfaToken: string; recoveryCode: string },
    ) => Promise<ApiResponse>;
  }> = [
    {
      name: "MFA skipped: the refresh token the refused refresh consumed, again",
      send: (ctx, s) => refreshAs(ctx, s.consumed),
    },
    {
      name: "MFA skipped: the mfa_token sent as a refresh token",
      send: (ctx, s) => refreshAs(ctx, s.mfaToken),
    },
    {
      name: "refresh reuse: the token rotated away by the MFA grant, after a refresh of its successor",
      send: async (ctx, s) => {
        const rotated = await completeWithRecoveryCode(ctx, s.mfaToken, s.recoveryCode);
        const next = await refreshAs(ctx, rotated);
        expect(next.status, "the rotated token refreshes once").toBe(200);
        const successor = String(next.body.refresh_token ?? "");
        const reuse = await refreshAs(ctx, rotated);
        // Reuse revoked the family: the newest token is refused too.
        expect(await refreshAs(ctx, successor)).toBeError(
          403,
          "invalid_grant",
          "Unknown or invalid refresh token.",
        );
        return reuse;
      },
    },
  ];
  for (const row of refusals) {
    test(`${row.name} is refused`, { tag: "@check:security" }, async ({ api, target }) => {
      const ctx = { api, target };
      await requireMfaOnRefresh(ctx);
      const login = await passwordRefreshToken(ctx);
      const mfaToken = await refusedForMfa(ctx, login.refreshToken);
      const res = await row.send(ctx, {
        consumed: login.refreshToken,
        mfaToken,
        recoveryCode: login.recoveryCode,
      });
      expect(res).toBeError(403, "invalid_grant", "Unknown or invalid refresh token.");
    });
  }
});
