/**
 * @auth0/auth0-server-js against the mock over TLS (docs/behaviour.md#login, #mfa-on-refresh): the
 * flow script (auth0-server-js-flow.mjs) in a bare child `node` that trusts the local CA through
 * NODE_EXTRA_CA_CERTS and gets only the domain, the client id and its secret. Every step must pass.
 * The child's steps, then the checks of what it answered, are recorded for the report
 * (clients/steps.ts → reports/clients/auth0-server-js.json).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { type ChildRun, FlowRecorder, nodeRuntime, runChildFlow } from "./steps.ts";

const script = path.join(import.meta.dirname, "auth0-server-js-flow.mjs");
const clientSecret = randomBytes(32).toString("base64url");

/** The steps of a passing run, in order. */
const STEPS = [
  "create-user",
  "start-login",
  "login-page",
  "callback",
  "mfa-required",
  "list",
  "enroll",
  "enroll-message",
  "verify",
  "refresh-after-mfa",
  "done",
];

/** The step after the child's: the test's checks of what the SDK answered. */
const CHECKED = "what the SDK answered (PKCE S256, the session's user, tokens, nothing printed)";

const flow = new FlowRecorder({
  id: "auth0-server-js",
  sdk: "@auth0/auth0-server-js",
  flow: "interactive login, getAccessToken → mfa_required, mfa.* (SMS), getAccessToken",
  transport: "TLS (local CA)",
  runtime: nodeRuntime(),
  plan: [...STEPS, CHECKED],
});

/** Runs the flow script; answers its JSON lines (also as read, with their times) and exit code. */
async function runFlow(
  mock: MockServer,
  caPath: string,
): Promise<ChildRun & { steps: Array<Record<string, unknown>> }> {
  const run = await runChildFlow(
    [script],
    {
      PATH: process.env.PATH ?? "",
      NODE_EXTRA_CA_CERTS: caPath,
      AUTH0_DOMAIN: new URL(mock.url).host,
      AUTH0_CLIENT_ID: mock.app.config().clientId,
      AUTH0_CLIENT_SECRET: clientSecret,
    },
    90_000,
  );
  const steps = run.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...run, steps };
}

describe("@auth0/auth0-server-js: interactive login, getAccessToken → mfa_required → mfa.* → tokens", () => {
  let mock: MockServer;
  const tlsDir = mkdtempSync(path.join(tmpdir(), "server-js-ca-"));

  before(async () => {
    flow.start();
    flow.secret("client_secret", clientSecret);
    mock = await startMockServer({
      port: 0,
      tls: { dir: tlsDir },
      config: {
        clientSecret,
        mfaOnRefresh: true,
        accessTokenTtlSeconds: 1,
        signingThreads: 0,
        validateResponses: true,
      },
    });
  });

  after(async () => {
    flow.finish();
    await mock?.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  test("every step passes over TLS", async () => {
    const caPath = mock.tls?.ca?.certPath;
    assert.ok(caPath, "the local CA");
    const run = await runFlow(mock, caPath);
    flow.ranInChild(run.lines);
    // A child that stopped without printing a failed step: its exit and stderr are the step's failure.
    flow.childExited(run, CHECKED);
    // A child that stopped early: the checks say where and why, with its stderr; CHECKED is not run.
    if (!flow.reached(CHECKED)) return checkRun(run);
    await flow.step(CHECKED, () => checkRun(run));
  });
});

/** The test's checks of a run: every step passed, in order, with what the SDK answered at each. */
function checkRun(run: Awaited<ReturnType<typeof runFlow>>): void {
  const failed = run.steps.find((s) => s.ok !== true);
  assert.equal(
    failed,
    undefined,
    `the step that failed: ${JSON.stringify(failed)} ${run.stderr.slice(-500)}`,
  );
  assert.deepEqual(
    run.steps.map((s) => s.step),
    STEPS,
    run.stderr.slice(-500),
  );
  assert.equal(run.code, 0);
  const by = Object.fromEntries(run.steps.map((s) => [s.step, s]));
  assert.equal(by["start-login"]?.pkce, "S256", "the SDK sends PKCE");
  assert.equal(by.callback?.signedIn, true, "the session's user is the one who logged in");
  assert.equal(by["mfa-required"]?.mfaToken, true);
  assert.equal(by.list?.count, 0);
  assert.equal(by["refresh-after-mfa"]?.accessToken, true);
  assert.ok(
    run.steps.every((s) => !Object.values(s).some((v) => typeof v === "string" && v.length > 40)),
    "no token printed",
  );
}
