/**
 * The flow both browser SDKs go through (clients/spa-js.test.ts, clients/auth0-react.test.ts), in
 * Chromium against the mock (docs/behaviour.md#login, #mfa-on-refresh): login through the mock's
 * login page, a refresh → mfa_required, enroll SMS (the code from the outbox), a wrong code is the
 * SDK's error, verify, refresh; a new login verified with the enrollment's recovery code; a new user
 * enrolls OTP and verifies with the code of the enrollment's secret; an expired mfa_token is the SDK's
 * error; a refresh token rotated away and put back into the SDK's localStorage cache is the SDK's
 * error, and so is the family's newest one afterwards (docs/behaviour.md#refresh-tokens).
 *
 * Both test apps offer the same `window.app` methods, so one plan and one set of steps serve both;
 * what differs (the recorder, the running mock, browser and app) comes from the caller, which adds
 * its own steps between the shared ones and the last, the page-error check.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Browser, Page } from "@playwright/test";
import { totpCode } from "../mock/factors/otp.ts";
import type { MockServer } from "../mock/http/server.ts";
import type { User } from "../mock/store/records.ts";
import {
  assertRefusedRefresh,
  call,
  declareSecrets,
  mfaRequired,
  type Outcome,
  refreshWithCached,
  rotateCachedRefreshToken,
  signIn,
} from "./browser.ts";
import type { FlowRecorder } from "./steps.ts";

/** The steps both browser flows take, in order: what the report lists for each of them. */
export const BROWSER_STEPS = [
  "SMS: login through the mock's login page",
  "SMS: refresh → mfa_required",
  "SMS: list authenticators (none yet)",
  "SMS: enroll (code from the outbox)",
  "SMS: a wrong code is the SDK's error",
  "SMS: verify the code",
  "SMS: refresh after MFA (rotated refresh token)",
  "recovery code: login again, refresh → mfa_required",
  "recovery code: verify with the enrollment's recovery code",
  "recovery code: refresh after MFA",
  "OTP: a new user's login, refresh → mfa_required",
  "OTP: enroll",
  "OTP: verify the code of the enrollment's secret",
  "OTP: refresh after MFA",
  "expired mfa_token: login again, refresh → mfa_required",
  "expired mfa_token: verify is the SDK's error",
  "reused refresh token: a new user's login (localStorage cache), OTP, a refresh rotates the token",
  "reused refresh token: the rotated-away token put back is the SDK's error",
  "reused refresh token: the family's newest token is refused too (family revoked)",
] as const;

/** The last step of every browser flow: it covers every step before it, the caller's own too. */
export const NO_PAGE_ERROR = "no page error in any step";

/** A browser flow's plan: the shared steps, the flow's own, then the page-error check. */
export function browserFlowPlan(own: readonly string[] = []): string[] {
  return [...BROWSER_STEPS, ...own, NO_PAGE_ERROR];
}

/** The mock's configuration the flows need: MFA on refresh, every answer checked against the description. */
export const BROWSER_FLOW_MOCK = { mfaOnRefresh: true, signingThreads: 0, validateResponses: true } as const;

/** What the caller's before() started: the mock, Chromium trusting it, and the test app's origin. */
export interface BrowserFlowTarget {
  mock: MockServer;
  browser: Browser;
  appOrigin: string;
}

export interface BrowserFlowOptions {
  flow: FlowRecorder;
  /** Called inside each test, once the caller's before() has started everything. */
  target: () => BrowserFlowTarget;
  /** Page errors that signIn collects; the last step checks that there are none. */
  problems: string[];
  /** Registers the tests of the flow's own steps (in browserFlowPlan's order), before the last. */
  own?: () => void;
}

/** The phone the SMS steps enroll; a secret of the flow like any number. */
const PHONE = "+15555550123";

/**
 * A fresh browser context signed in to `server` as `user` (browser.ts's signIn), the user's password
 * declared to the flow's recorder first.
 */
export function signInFor(
  flow: Pick<FlowRecorder, "secret">,
  t: Pick<BrowserFlowTarget, "browser" | "appOrigin">,
  server: MockServer,
  user: User,
  problems: string[],
  appParams: Record<string, string> = {},
): Promise<Page> {
  flow.secret("password", user.password);
  return signIn(t.browser, t.appOrigin, server, user, problems, appParams);
}

/** A completing grant answered access and ID tokens. */
function assertTokens(verified: Outcome): void {
  assert.equal(verified.ok && verified.access && verified.id, true, JSON.stringify(verified));
}

/** Takes one test of the shared flow: its title and its body, whose steps go through the flow's recorder. */
export type ScenarioSink = (title: string, run: () => Promise<void>) => void;

/**
 * Hands the shared flow's tests, in order, to `test`: browserFlowTests registers them with node:test;
 * clients/deviations.test.ts runs them against a deviating mock, expecting one step to fail. Each
 * call has users and codes of its own, so two runs share nothing.
 */
export function browserFlowScenarios(opts: Omit<BrowserFlowOptions, "own">, test: ScenarioSink): void {
  const { flow, target, problems } = opts;
  const S = BROWSER_STEPS;

  /** A new user of the mock. */
  const newUser = (): User => target().mock.app.runtime.state.createUser({});

  /** A fresh context signed in to the flow's mock as `user`, with the app's extra query parameters. */
  const signedIn = (user: User, appParams: Record<string, string> = {}): Promise<Page> => {
    const t = target();
    return signInFor(flow, t, t.mock, user, problems, appParams);
  };

  /** The refresh that answers mfa_required; its mfa_token is the flow's secret. */
  const needingMfa = async (page: Page): Promise<string> => {
    const mfaToken = await mfaRequired(page);
    flow.secret("mfa_token", mfaToken);
    return mfaToken;
  };

  /** A new login of `user`, then the refresh that answers mfa_required. */
  const signedInNeedingMfa = async (user: User): Promise<{ page: Page; mfaToken: string }> => {
    const page = await signedIn(user);
    return { page, mfaToken: await needingMfa(page) };
  };

  /** The current code of an OTP secret on the mock's clock, declared to the recorder. */
  const otpNow = (secret: string): string => {
    const code = totpCode(secret, target().mock.app.clock.now());
    flow.secret("otp", code);
    return code;
  };

  let smsUser: User;
  let recoveryCode = "";

  test("SMS: login, refresh → mfa_required, enroll (code from the outbox), a wrong code, verify, refresh", async () => {
    const { mock } = target();
    smsUser = newUser();
    const page = await flow.step(S[0], () => signedIn(smsUser));
    const mfaToken = await flow.step(S[1], () => needingMfa(page));
    await flow.step(S[2], async () =>
      assert.deepEqual(await call(page, "authenticators", mfaToken), { ok: true, list: [] }),
    );
    flow.secret("phone", PHONE);
    const { enrolled, code } = await flow.step(S[3], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollSms", mfaToken, PHONE));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      const code = mock.app.outbox.list({ recipient: PHONE }).at(-1)?.code;
      flow.secret("binding_code", code);
      assert.ok(code, "the enrollment's SMS");
      return { enrolled, code };
    });
    recoveryCode = enrolled.recoveryCodes?.[0] ?? "";
    await flow.step(S[4], async () => {
      const wrongCode = code === "000000" ? "111111" : "000000";
      const wrong = await call(page, "verifyOob", mfaToken, enrolled.oobCode, wrongCode);
      assert.equal(wrong.ok, false, "a wrong code is the SDK's error");
      assert.equal(wrong.error, "invalid_grant", JSON.stringify(wrong));
      assert.equal(wrong.description, "Invalid binding_code.", JSON.stringify(wrong));
    });
    await flow.step(S[5], async () =>
      assertTokens(await call(page, "verifyOob", mfaToken, enrolled.oobCode, code)),
    );
    await flow.step(S[6], async () => {
      const again = await call(page, "refresh");
      assert.deepEqual(again, { ok: true, access: true, id: true }, "the rotated refresh token works");
      assert.equal((await call(page, "refresh")).ok, true, "and its successor");
    });
  });

  test("recovery code: a new login's refresh → mfa_required, verified with the enrollment's recovery code", async () => {
    const { page, mfaToken } = await flow.step(S[7], () => {
      assert.ok(recoveryCode, "the SMS enrollment answered a recovery code");
      return signedInNeedingMfa(smsUser);
    });
    await flow.step(S[8], async () =>
      assertTokens(await call(page, "verifyRecoveryCode", mfaToken, recoveryCode)),
    );
    await flow.step(S[9], async () => assert.equal((await call(page, "refresh")).ok, true));
  });

  let otpUser: User;
  let otpSecret = "";

  test("OTP: enroll, verify with the code of the enrollment's secret, refresh", async () => {
    otpUser = newUser();
    const { page, mfaToken } = await flow.step(S[10], () => signedInNeedingMfa(otpUser));
    await flow.step(S[11], async () => {
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      assert.match(String(enrolled.secret), /^[A-Z2-7]{16,}$/, "a base32 secret");
      otpSecret = String(enrolled.secret);
    });
    await flow.step(S[12], async () =>
      assertTokens(await call(page, "verifyOtp", mfaToken, otpNow(otpSecret))),
    );
    await flow.step(S[13], async () => assert.equal((await call(page, "refresh")).ok, true));
  });

  test("an expired mfa_token is the SDK's error", async () => {
    const { mock } = target();
    const { page, mfaToken } = await flow.step(S[14], () => signedInNeedingMfa(otpUser));
    await flow.step(S[15], async () => {
      // The mock's clock moves past the mfa_token's lifetime; every later step signs in anew, so it
      // gets mfa_tokens of its own.
      mock.app.clock.advance((mock.app.config().mfaTokenTtlSeconds + 1) * 1000);
      const expired = await call(page, "verifyOtp", mfaToken, otpNow(otpSecret));
      assert.equal(expired.ok, false, JSON.stringify(expired));
      assert.equal(expired.description, "mfa_token is expired", JSON.stringify(expired));
    });
  });

  test("reused refresh token: the rotated-away token put back into the SDK's cache is its error, and the family is revoked", async () => {
    // The SDK keeps its tokens in localStorage here (its cacheLocation), where the app, or anything
    // running in its origin, can read and write them; in memory they stay inside the SDK's worker.
    const { page, first, newest } = await flow.step(S[16], async () => {
      const page = await signedIn(newUser(), { cache: "localstorage" });
      const mfaToken = await needingMfa(page);
      const enrolled = declareSecrets(flow, await call(page, "enrollOtp", mfaToken));
      assert.equal(enrolled.ok, true, JSON.stringify(enrolled));
      assertTokens(await call(page, "verifyOtp", mfaToken, otpNow(String(enrolled.secret))));
      const { before: first, after: newest } = await rotateCachedRefreshToken(page, flow);
      return { page, first, newest };
    });
    await flow.step(S[17], async () =>
      assertRefusedRefresh(await refreshWithCached(page, first), "the rotated-away refresh token put back"),
    );
    // The app that kept the newest token is refused as well: reuse revoked the whole family.
    await flow.step(S[18], async () =>
      assertRefusedRefresh(
        await refreshWithCached(page, newest),
        "the family's newest token after the reuse",
      ),
    );
  });
}

/**
 * Registers the flow's tests in the caller's describe(): the shared steps, the caller's own (`own`),
 * then the page-error check. Each step runs through the recorder, so the report shows where it stopped.
 */
export function browserFlowTests(opts: BrowserFlowOptions): void {
  const { flow, problems } = opts;
  browserFlowScenarios(opts, (title, run) => test(title, run));

  opts.own?.();

  test("no page error in any step", async () => {
    await flow.step(NO_PAGE_ERROR, () => assert.deepEqual(problems, []));
  });
}
