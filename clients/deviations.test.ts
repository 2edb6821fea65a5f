/**
 * Each named deviation of the login surface (mock/deviations.ts) makes the right SDK step fail: one
 * row per deviation, naming the SDK, the step that must fail and what its failure must say. A row runs
 * the SDK's real flow against a mock started with that deviation alone (over TLS from a local CA, as
 * the flows do; `validateResponses: false`, since the deviation breaks the description on purpose)
 * and checks that every step before the row's passes, the row's fails, and its failure says what the
 * row says. A deviation no SDK step can meet (an SDK never does what it breaks) has a row saying so,
 * and which contract test the mutation run catches it with instead.
 *
 * The steps go through a FlowRecorder, as in the real flows, so "where it stopped" is the recorder's
 * own verdict; but its file goes to a temporary folder, never to reports/clients/: these runs fail on
 * purpose, and the report's Clients section shows the real flows only.
 *
 * In Chromium (browser.ts: trusting the local CA for real); skipped, with the reason, without it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "@playwright/test";
import { skipWithoutChromium } from "../cli/chromium.ts";
import { type DeviationName, deviations } from "../mock/deviations.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { registryDir } from "../redaction/secrets.ts";
import { call, launchTrusting, type Outcome, serveSpaJsApp, submitLoginPage } from "./browser.ts";
import { BROWSER_FLOW_MOCK, BROWSER_STEPS, browserFlowPlan, browserFlowScenarios } from "./browser-flow.ts";
import { FlowRecorder, runChildFlow, type StepRecord } from "./steps.ts";

const SPA_JS = "@auth0/auth0-spa-js";
const AUTH_JS = "@auth0/auth0-auth-js";
const root = path.resolve(import.meta.dirname, "..");
const USERINFO_SCRIPT = path.join(import.meta.dirname, "auth0-auth-js-userinfo-flow.mjs");
/** The default (confidential) client's secret on every mock here, for the auth0-auth-js flow. */
const clientSecret = randomBytes(32).toString("base64url");

/**
 * What a row's check sees: the failed step's error (in a child's flow, the fields of the line it
 * printed for that step) and the deviating mock's request log.
 */
interface Failure {
  error: unknown;
  /** The mock's request log: one line per answered request (method, path, status). */
  requests: () => Array<{ method: string; path: string; status: number }>;
}

/** A deviation an SDK step meets: that step fails, saying what `says` checks. */
interface SdkRow {
  deviation: DeviationName;
  /** The flow the step belongs to, and so the SDK (its steps run in order until one fails). */
  flow: FlowName;
  /** The step that must fail; every step before it must pass. */
  step: string;
  /** Why this step, and what the failure shows. */
  why: string;
  says: (failure: Failure) => void;
}

/** A deviation no SDK step can meet: the contract test that catches it in the mutation run. */
interface SuiteRow {
  deviation: DeviationName;
  why: string;
  /** The contract test (its spec and exact title) whose failure names the deviation's symptom. */
  caughtBy: { spec: string; title: string };
}

/**
 * The flows the rows run: the browser flow spa-js.test.ts and auth0-react.test.ts take
 * (browser-flow.ts), and two only this table needs, which a faithful mock must pass whole (the last
 * test here shows they do).
 */
type FlowName = "browser" | "code-injection" | "userinfo";

/** The steps of the code-injection flow (the pkce-not-checked row's). */
const INJECTION_STEPS = [
  "victim: login through the mock's login page, the code taken before the app redeems it",
  "attacker: loginWithRedirect, the SDK's own state and code_verifier",
  "attacker: the taken code at the app's callback is refused (PKCE: Failed to verify code verifier)",
] as const;

/** The steps auth0-auth-js-userinfo-flow.mjs prints, in order (the userinfo-expired-token-accepted row's). */
const USERINFO_STEPS = [
  "login: the authorize URL, the login page, getTokenByCode",
  "getUserInfo with the access token",
  "the access token expires (the mock's clock moves past its exp)",
  "getUserInfo with the expired access token is the SDK's UserInfoError",
] as const;

/** Each flow's SDK and planned steps. */
const FLOWS: Record<FlowName, { sdk: string; plan: readonly string[] }> = {
  browser: { sdk: SPA_JS, plan: browserFlowPlan() },
  "code-injection": { sdk: SPA_JS, plan: INJECTION_STEPS },
  userinfo: { sdk: AUTH_JS, plan: USERINFO_STEPS },
};

/**
 * The trailing JSON of an assertion message (the shared steps end theirs with the SDK's answer,
 * `JSON.stringify(outcome)`): what the SDK answered at the step that failed.
 */
function answered(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  const json = /(\{.*\})\s*$/s.exec(message.split("\n")[0] ?? "")?.[1];
  assert.ok(json, `the SDK's answer in the step's failure: ${message}`);
  return JSON.parse(json) as Outcome;
}

const SDK_ROWS: SdkRow[] = [
  {
    deviation: "cors-missing",
    flow: "browser",
    step: BROWSER_STEPS[0],
    why:
      "the code exchange after the login page is the SDK's first call to the mock from the app's origin: " +
      "its preflight gets no CORS headers, Chromium refuses it and never sends the POST, and " +
      "handleRedirectCallback throws what fetch threw",
    says: ({ error, requests }) => {
      assert.ok(error instanceof assert.AssertionError, String(error));
      // fetch's TypeError, through the SDK's worker: a CORS refusal is opaque to the page by design.
      assert.equal(error.actual, "failed: Failed to fetch", "the SDK's error, as the app shows it");
      const token = requests().filter((r) => r.path === "/oauth/token");
      assert.ok(
        token.some((r) => r.method === "OPTIONS" && r.status === 204),
        `the mock answered the preflight: ${JSON.stringify(token)}`,
      );
      assert.deepEqual(
        token.filter((r) => r.method !== "OPTIONS"),
        [],
        "Chromium refused the preflight's answer and never sent the code exchange",
      );
    },
  },
  {
    deviation: "mfa-required-without-token",
    flow: "browser",
    step: BROWSER_STEPS[1],
    why: "the refresh is refused with mfa_required as it must be, but without an mfa_token the SDK's MfaRequiredError gives the app nothing to call client.mfa with",
    says: ({ error }) => {
      const refused = answered(error);
      assert.equal(refused.errorClass, "MfaRequiredError", JSON.stringify(refused));
      assert.equal(refused.error, "mfa_required", JSON.stringify(refused));
      assert.equal(refused.mfa_token, undefined, "no mfa_token in the SDK's error");
    },
  },
  {
    deviation: "refresh-not-rotated",
    flow: "browser",
    step: BROWSER_STEPS[6],
    why:
      "the refresh refused with mfa_required consumed the SDK's refresh token, and the grant that " +
      "completes MFA must answer the family's rotated one; with the deviation it answers none, so the " +
      "SDK holds no refresh token and its next refresh is its own MissingRefreshTokenError (no request)",
    says: ({ error, requests }) => {
      assert.ok(error instanceof assert.AssertionError, String(error));
      const refused = error.actual as Outcome;
      assert.equal(refused.errorClass, "MissingRefreshTokenError", JSON.stringify(refused));
      assert.equal(refused.error, "missing_refresh_token", JSON.stringify(refused));
      // The last request the mock saw is the grant that completed MFA: the refresh never reached it.
      const last = requests().at(-1);
      assert.deepEqual(last && [last.method, last.path, last.status], ["POST", "/oauth/token", 200]);
    },
  },
  {
    deviation: "refresh-reuse-not-detected",
    flow: "browser",
    step: BROWSER_STEPS[17],
    why: "a refresh token rotated away, put back into the SDK's cache, must be refused (and revoke its family); with the deviation the SDK gets tokens for it",
    says: ({ error }) => {
      assert.match(error instanceof Error ? error.message : String(error), /must refuse the refresh/);
      assert.deepEqual(answered(error), { ok: true, access: true, id: true }, "the SDK got tokens");
    },
  },
  {
    deviation: "pkce-not-checked",
    flow: "code-injection",
    step: INJECTION_STEPS[2],
    why:
      "an SDK always sends its own transaction's code_verifier, so PKCE shows only where a code reaches " +
      "another transaction: an intercepted code at another login's callback (RFC 7636 §1). The mock must " +
      "refuse the exchange; with the deviation it answers tokens, and only spa-js's own nonce check " +
      "then refuses them (a client without that check would be signed in as the victim)",
    says: ({ error, requests }) => {
      assert.ok(error instanceof assert.AssertionError, String(error));
      assert.match(String(error.actual), /Nonce \(nonce\) claim mismatch/, "the SDK's ID token check");
      const exchanges = requests().filter((r) => r.method === "POST" && r.path === "/oauth/token");
      assert.deepEqual(
        exchanges.map((r) => r.status),
        [200],
        "the mock answered the intercepted code with tokens",
      );
    },
  },
  {
    deviation: "userinfo-expired-token-accepted",
    flow: "userinfo",
    step: USERINFO_STEPS[3],
    why:
      "of the SDKs driven here only auth0-auth-js calls /userinfo (spa-js and auth0-react read the ID " +
      "token, server-js its session): its getUserInfo with a token past its exp must be its " +
      "UserInfoError (401, the challenge's invalid_token); with the deviation it answers the profile",
    says: ({ error }) => {
      const line = error as Record<string, unknown>;
      assert.equal(line.ok, false, JSON.stringify(line));
      assert.equal(
        line.error_description,
        "getUserInfo answered the profile for an expired access token",
        JSON.stringify(line),
      );
    },
  },
];

const SUITE_ROWS: SuiteRow[] = [
  {
    deviation: "code-reusable",
    why:
      "no SDK exchanges a code twice: spa-js drops the login transaction before it exchanges the code, " +
      "server-js once it has, so a replayed callback fails in the SDK (no transaction for its state) " +
      "before any request, and a code replayed through another transaction fails PKCE first",
    caughtBy: {
      spec: "contracts/login.spec.ts",
      title: "the authorization code is single use: code reuse is refused",
    },
  },
];

/**
 * The symptom the mutation run (contracts/mutation.ts, SYMPTOMS) requires of a failure for it to
 * count as catching `deviation`. Read from the file's text: clients/ may not import contracts/ (the
 * parts' layering), and this only checks that the link the row names is there.
 */
function mutationSymptom(deviation: string): RegExp {
  const text = readFileSync(path.join(root, "contracts/mutation.ts"), "utf8");
  const escaped = deviation.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const literal = new RegExp(`^\\s*"${escaped}": /(.+)/([a-z]*),$`, "m").exec(text);
  assert.ok(literal, `contracts/mutation.ts maps ${deviation} to a symptom`);
  return new RegExp(literal[1] ?? "", literal[2]);
}

/** The recorded steps: every one before the row's step passed, the row's step failed. */
function assertStopsAt(records: readonly StepRecord[], { step, why }: SdkRow): void {
  const at = records.findIndex((r) => r.name === step);
  assert.ok(at >= 0, `"${step}" is a step of the flow`);
  const before = records.slice(0, at).filter((r) => r.outcome !== "passed");
  assert.deepEqual(
    before.map((r) => `${r.name}: ${r.outcome} ${r.message ?? ""}`),
    [],
    `every step before "${step}" passes`,
  );
  const found = records[at];
  assert.equal(found?.outcome, "failed", `"${step}" must fail (${why}), but it ${found?.outcome}`);
}

const skip = skipWithoutChromium();

describe("each deviation of the login surface makes the right SDK step fail (docs/behaviour.md#login)", {
  skip,
}, () => {
  const tlsDir = mkdtempSync(path.join(tmpdir(), "deviations-ca-"));
  const scratch = mkdtempSync(path.join(tmpdir(), "deviations-"));
  const mocks = new Map<DeviationName, MockServer>();
  /** A mock without any deviation: the flows only this table runs must pass there. */
  let faithful: MockServer;
  let app: { origin: string; server: Server };
  let browser: Browser;

  /** A mock as the flows start theirs (MFA on refresh, TLS from the local CA), with `deviation` when given. */
  const startMock = (deviation?: DeviationName) =>
    startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: {
        ...BROWSER_FLOW_MOCK,
        clientSecret,
        ...(deviation
          ? { validateResponses: false, faults: { deviations: [deviation] } }
          : { validateResponses: true }),
        log: path.join(scratch, `${deviation ?? "faithful"}.log`),
      },
    });

  before(async () => {
    for (const row of SDK_ROWS) mocks.set(row.deviation, await startMock(row.deviation));
    faithful = await startMock();
    app = await serveSpaJsApp();
    browser = await launchTrusting([...mocks.values(), faithful]);
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    for (const mock of [...mocks.values(), faithful]) await mock?.close();
    // The recorders' secrets went to the registry of the scratch reports folder: it goes too.
    rmSync(registryDir({ dir: scratch }), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    rmSync(tlsDir, { recursive: true, force: true });
  });

  /** A recorder of one run: its file and its secrets stay in the scratch folder, never in reports/. */
  const recorder = (id: string, name: FlowName) =>
    new FlowRecorder({
      id,
      sdk: FLOWS[name].sdk,
      flow: id,
      transport: "TLS (local CA)",
      plan: FLOWS[name].plan,
      reportsDir: scratch,
    });

  /** Runs flow `name` against `mock` until a step fails; answers that step's error, if any. */
  function runFlow(name: FlowName, flow: FlowRecorder, mock: MockServer): Promise<unknown> {
    if (name === "browser") return browserFlow(flow, mock);
    if (name === "code-injection") return codeInjection(flow, mock);
    return userinfoFlow(flow, mock);
  }

  /** The shared browser flow (browser-flow.ts), step by step, until a step fails: answers its error. */
  async function browserFlow(flow: FlowRecorder, mock: MockServer): Promise<unknown> {
    const problems: string[] = [];
    const target = () => ({ mock, browser, appOrigin: app.origin });
    const scenarios: Array<() => Promise<void>> = [];
    browserFlowScenarios({ flow, target, problems }, (_title, run) => void scenarios.push(run));
    for (const run of scenarios) {
      try {
        await run();
      } catch (error) {
        return error;
      }
    }
    return undefined;
  }

  /** The app's page in a fresh context, loaded with the mock's domain and SPA client id. */
  async function appPage(mock: MockServer): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const query = new URLSearchParams({
      domain: new URL(mock.url).host,
      client_id: mock.app.config().spaClientId,
    });
    await page.goto(`${app.origin}/?${query}`);
    await page.waitForFunction(() => {
      const status = document.getElementById("status")?.textContent;
      // biome-ignore lint/suspicious/noExplicitAny: the test app's object
      return status !== "starting" && (window as any).app !== undefined;
    });
    return page;
  }

  /**
   * Code injection (RFC 7636 §1, the OAuth security BCP's "authorization code injection"): a victim's
   * login, whose code is taken at the redirect before the app redeems it; an attacker's app starts a
   * login of its own (its SDK keeps its own state and code_verifier) and is handed the victim's code
   * with its own state at its callback. The SDK exchanges it with the attacker's code_verifier.
   */
  async function codeInjection(flow: FlowRecorder, mock: MockServer): Promise<unknown> {
    const S = INJECTION_STEPS;
    try {
      const code = await flow.step(S[0], async () => {
        const victim = mock.app.runtime.state.createUser({});
        flow.secret("password", victim.password);
        const page = await appPage(mock);
        void call(page, "login");
        // Back at the app the SDK does not load, so nothing redeems the code the URL carries.
        await page.route(`${app.origin}/auth0-spa-js.production.js`, (route) => route.abort());
        await submitLoginPage(page, victim);
        await page.waitForURL((url) => url.origin === app.origin);
        const taken = new URL(page.url()).searchParams.get("code");
        assert.ok(taken, "the victim's code, taken at the redirect to the app");
        flow.secret("secret", taken);
        return taken;
      });
      const { page, state } = await flow.step(S[1], async () => {
        const page = await appPage(mock);
        const authorize = page.waitForRequest((r) => new URL(r.url()).pathname === "/authorize");
        void call(page, "login");
        const state = new URL((await authorize).url()).searchParams.get("state");
        assert.ok(state, "the SDK's state in its /authorize request");
        await page.waitForURL(/\/u\/login/);
        return { page, state };
      });
      await flow.step(S[2], async () => {
        await page.goto(`${app.origin}/?${new URLSearchParams({ code, state })}`);
        await page.waitForFunction(() => document.getElementById("status")?.textContent !== "starting");
        const status = await page.locator("#status").textContent();
        assert.equal(
          status,
          "failed: Failed to verify code verifier",
          "the SDK's error, as the app shows it",
        );
      });
    } catch (error) {
      return error;
    }
    return undefined;
  }

  /**
   * auth0-auth-js-userinfo-flow.mjs in a bare child `node` trusting the local CA (NODE_EXTRA_CA_CERTS),
   * as auth0-server-js.test.ts runs its flow; its steps go to the recorder. Answers the fields of the
   * line of the step that failed, or how the child stopped when it printed none.
   */
  async function userinfoFlow(flow: FlowRecorder, mock: MockServer): Promise<unknown> {
    const user = mock.app.runtime.state.createUser({});
    flow.secret("client_secret", clientSecret);
    flow.secret("password", user.password);
    const caPath = mock.tls?.ca?.certPath;
    assert.ok(caPath, "the local CA");
    const exit = await runChildFlow(
      [USERINFO_SCRIPT],
      {
        PATH: process.env.PATH ?? "",
        NODE_EXTRA_CA_CERTS: caPath,
        AUTH0_DOMAIN: new URL(mock.url).host,
        AUTH0_CLIENT_ID: mock.app.config().clientId,
        AUTH0_CLIENT_SECRET: clientSecret,
        FLOW_USERNAME: user.username,
        FLOW_PASSWORD: user.password,
      },
      60_000,
    );
    const { code, signal, stderr } = exit;
    flow.ranInChild(exit.lines);
    flow.childExited({ code, signal, stderr }, "");
    const failed = exit.lines
      .map(({ line }) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })
      .find((fields) => fields?.ok === false);
    return failed ?? (code === 0 ? undefined : { code, signal, stderr: stderr.slice(-500) });
  }

  /** The mock's request log: method, path and status of each answered request. */
  function requestsOf(mock: MockServer): Array<{ method: string; path: string; status: number }> {
    const log = mock.app.config().log;
    if (!existsSync(log)) return [];
    return readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { method: string; path: string; status: number });
  }

  for (const row of SDK_ROWS) {
    test(`${row.deviation}: ${FLOWS[row.flow].sdk} fails at "${row.step}"`, async () => {
      const mock = mocks.get(row.deviation);
      assert.ok(mock);
      const flow = recorder(`deviation-${row.deviation}`, row.flow);
      const error = await runFlow(row.flow, flow, mock);
      flow.finish();
      assertStopsAt(flow.records(), row);
      row.says({ error, requests: () => requestsOf(mock) });
    });
  }

  for (const row of SUITE_ROWS) {
    test(`${row.deviation}: no SDK step can meet it; ${row.caughtBy.spec} catches it`, () => {
      const spec = readFileSync(path.join(root, row.caughtBy.spec), "utf8");
      assert.ok(
        spec.includes(`"${row.caughtBy.title}"`),
        `${row.caughtBy.spec} has the test "${row.caughtBy.title}" (${row.why})`,
      );
      assert.match(row.caughtBy.title, mutationSymptom(row.deviation), "its failure names the symptom");
    });
  }

  test("against a faithful mock, the flows only this table runs pass every step", async () => {
    // The browser flow's passing run is spa-js.test.ts's and auth0-react.test.ts's.
    for (const name of ["code-injection", "userinfo"] as const) {
      const flow = recorder(`faithful-${name}`, name);
      const error = await runFlow(name, flow, faithful);
      flow.finish();
      assert.equal(
        error,
        undefined,
        `${name}: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      );
      assert.deepEqual(
        flow.records().map((r) => [r.name, r.outcome]),
        FLOWS[name].plan.map((step) => [step, "passed"]),
      );
    }
  });
});

/**
 * The anchors of docs/behaviour.md's "The login surface": a deviation whose `breaks` cites one is a
 * deviation of that surface, and needs a row here.
 */
const LOGIN_SURFACE =
  /#(login|code-grant|refresh-tokens|mfa-on-refresh|post-login-actions|userinfo|cors)(?![\w-])/;

test("every deviation of the login surface has one row, and only those", () => {
  const rows = [...SDK_ROWS, ...SUITE_ROWS].map((r) => r.deviation);
  assert.equal(new Set(rows).size, rows.length, "one row per deviation");
  const surface = deviations.filter((d) => LOGIN_SURFACE.test(d.breaks)).map((d) => d.name);
  assert.deepEqual([...rows].sort(), [...surface].sort());
});
