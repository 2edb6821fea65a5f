/**
 * Auth0's official Node SDK against the mock, as an app developer would run it: the flow script
 * (auth0-sdk-flow.mjs) in a child `node` that gets only the CA to trust, the domain, the client id and
 * secret. Over TLS (`npm run mock -- --tls`) for SMS, voice, OTP and email; behind a proxy that ends
 * TLS (a plain-HTTP mock with an https issuer, reached through a fetch that rewrites the host) for SMS
 * and voice; and against mocks with a named deviation, where the flow must fail at the step the
 * deviation breaks. The script's TOTP is checked against RFC 6238's vectors and the mock's codes.
 * Each passing flow's steps (the child's, then the test's checks) are recorded for the report
 * (clients/steps.ts → reports/clients/auth0-auth-js-<factor>-<tls|proxy>.json).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { DeviationName } from "../mock/deviations.ts";
import { newTotpSecret, totpCode } from "../mock/factors/otp.ts";
import { type MockServer, startMockServer } from "../mock/http/server.ts";
import { totp, totpStep } from "./auth0-sdk-flow.mjs";
import { type ChildRun, FlowRecorder, nodeRuntime, runChildFlow } from "./steps.ts";

const root = path.resolve(import.meta.dirname, "..");
const script = path.join(import.meta.dirname, "auth0-sdk-flow.mjs");
const clientId = "mockClientId00000000000000000000";
// The test's own secret, handed to the mock and the child; never printed.
const clientSecret = randomBytes(32).toString("base64url");
/** The child's whole run on a slow, shared machine; the script's own bound is below it so it can name the step. */
const CHILD_TIMEOUT_MS = 150_000;
const FLOW_TIMEOUT_MS = 120_000;

type Factor = "sms" | "voice" | "otp" | "email";

/** Every step of a passing SMS, voice or email run, in order. */
const OOB_STEPS = [
  "discovery",
  "create-user",
  "password-grant",
  "list-empty",
  "enroll",
  "enroll-message",
  "verify-enrollment",
  "sign-in-again",
  "list-active",
  "challenge",
  "challenge-message",
  "wrong-code",
  "right-code",
  "code-replay",
  "sign-in-for-recovery",
  "recovery-code",
  "recovery-code-replay",
  "done",
];

/** An OTP run's steps: the same, without the messages (the codes come from the enrollment's secret). */
const OTP_STEPS = OOB_STEPS.filter((s) => s !== "enroll-message" && s !== "challenge-message");

function stepsOf(factor: Factor): string[] {
  return factor === "otp" ? OTP_STEPS : OOB_STEPS;
}

type Step = { step: string; ok: boolean } & Record<string, unknown>;
interface FlowRun extends ChildRun {
  steps: Step[];
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Runs the flow script in a bare child: PATH, the CA (over TLS), the domain and the client only. */
async function runFlow(opts: {
  domain: string;
  factor: Factor;
  caPath?: string;
  proxyOrigin?: string;
}): Promise<FlowRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AUTH0_DOMAIN: opts.domain,
    AUTH0_CLIENT_ID: clientId,
    AUTH0_CLIENT_SECRET: clientSecret,
    ...(opts.caPath ? { NODE_EXTRA_CA_CERTS: opts.caPath } : {}),
  };
  const args = [
    script,
    "--factor",
    opts.factor,
    "--timeout-ms",
    String(FLOW_TIMEOUT_MS),
    ...(opts.proxyOrigin ? ["--proxy-origin", opts.proxyOrigin] : []),
  ];
  const run = await runChildFlow(args, env, CHILD_TIMEOUT_MS);
  const steps = run.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Step);
  return { ...run, steps };
}

/** What a failed assertion shows: the child's own lines are masked by the script itself. */
function transcript(run: FlowRun): string {
  return `exit ${run.code} ${run.signal ?? ""}\n${run.stdout}${run.stderr.slice(-2000)}`;
}

/**
 * Nothing the child printed is a secret: no client secret, no JWT, no phone number, no email
 * address, no OTP secret or barcode, no 6-digit code.
 */
function assertMasked(run: FlowRun): void {
  assert.ok(!run.stdout.includes(clientSecret), "the client secret was printed");
  assert.doesNotMatch(run.stdout, /eyJ[A-Za-z0-9_-]{10,}/, "a JWT was printed");
  assert.doesNotMatch(run.stdout, /\+\d{7,15}/, "a phone number was printed");
  assert.doesNotMatch(run.stdout, /[^\s"@]+@[^\s"@]+\.[a-z]{2,}/i, "an email address was printed");
  assert.doesNotMatch(run.stdout, /[A-Z2-7]{16,}/, "an OTP secret (base32) was printed");
  assert.doesNotMatch(run.stdout, /otpauth:/, "a barcode URI was printed");
  assert.doesNotMatch(run.stdout, /\b\d{6}\b/, "a 6-digit code was printed");
}

function stepNamed(run: FlowRun, name: string): Step {
  const found = run.steps.find((s) => s.step === name);
  assert.ok(found, `step ${name} missing\n${transcript(run)}`);
  return found;
}

/** A passing run: every step in order, and what the SDK returned at the steps that matter. */
function assertPassed(run: FlowRun, factor: Factor, issuer: string): void {
  assert.equal(run.code, 0, transcript(run));
  assert.deepEqual(
    run.steps.map((s) => s.step),
    stepsOf(factor),
    transcript(run),
  );
  assert.ok(
    run.steps.every((s) => s.ok),
    transcript(run),
  );
  assert.equal(stepNamed(run, "discovery").issuer, issuer);
  assert.equal(stepNamed(run, "password-grant").error, "mfa_required");
  const enroll = stepNamed(run, "enroll");
  assert.deepEqual(enroll.recoveryCodes, [{ length: 24 }]);
  const listed = stepNamed(run, "list-active");
  const challenge = stepNamed(run, "challenge");
  if (factor === "otp") {
    assert.equal(enroll.authenticatorType, "otp");
    assert.deepEqual(enroll.secret, { length: 32, base32: true });
    assert.deepEqual(enroll.barcodeUri, {
      type: "totp",
      carriesSecret: true,
      algorithm: "SHA1",
      digits: 6,
      period: 30,
    });
    assert.equal(listed.id, "totp|dev_…");
    assert.equal(listed.hasName, false);
    assert.deepEqual(
      { challengeType: challenge.challengeType, oobCode: challenge.oobCode },
      { challengeType: "otp", oobCode: null },
    );
  } else {
    assert.equal(enroll.oobChannel, factor);
    assert.equal(enroll.bindingMethod, "prompt");
    assert.equal(stepNamed(run, "enroll-message").message_type, factor);
    assert.equal(stepNamed(run, "challenge-message").message_type, factor);
    assert.equal(listed.id, `${factor}|dev_…`);
    assert.equal(listed.nameMasked, true);
    assert.equal(challenge.bindingMethod, "prompt");
  }
  for (const name of ["verify-enrollment", "right-code", "recovery-code"]) {
    const idToken = stepNamed(run, name).idToken as Record<string, unknown>;
    assert.equal(idToken.iss, issuer, name);
    assert.equal(idToken.signature, "valid", name);
  }
  for (const name of ["wrong-code", "code-replay"]) {
    assert.equal(stepNamed(run, name).name, "MfaVerifyError", name);
    assert.equal(stepNamed(run, name).error, "invalid_grant", name);
  }
  assert.equal(stepNamed(run, "done").factor, factor);
  assert.deepEqual(stepNamed(run, "recovery-code").recoveryCode, { length: 24, new: true });
  assert.equal(stepNamed(run, "recovery-code-replay").error, "invalid_grant");
  assertMasked(run);
}

/** The step after the child's: the test's checks of what the SDK returned (assertPassed). */
const CHECKED = "what the SDK returned (issuer, signatures, shapes, nothing secret printed)";

/**
 * Runs one factor's flow and checks that it passed (assertPassed), recorded for the report as
 * reports/clients/auth0-auth-js-<factor>-<how>.json: the child's steps, then the checks.
 */
async function recordedFlow(
  how: "tls" | "proxy",
  opts: Parameters<typeof runFlow>[0],
  issuer: string,
): Promise<FlowRun> {
  const flow = new FlowRecorder({
    id: `auth0-auth-js-${opts.factor}-${how}`,
    sdk: "@auth0/auth0-auth-js",
    flow: `password grant → mfa_required; ${opts.factor}: enroll, verify, challenge, wrong code, right code, recovery code`,
    transport: how === "tls" ? "TLS (local CA)" : "HTTP behind a proxy that ends TLS (https issuer)",
    runtime: nodeRuntime(),
    plan: [...stepsOf(opts.factor), CHECKED],
  });
  flow.start();
  flow.secret("client_secret", clientSecret);
  try {
    const run = await runFlow(opts);
    flow.ranInChild(run.lines);
    // A child that stopped without printing a failed step: its exit and stderr are the step's failure.
    flow.childExited(run, CHECKED);
    // A child that stopped early: the checks say where and why, with its transcript; CHECKED is not run.
    if (!flow.reached(CHECKED)) assertPassed(run, opts.factor, issuer);
    await flow.step(CHECKED, () => assertPassed(run, opts.factor, issuer));
    return run;
  } finally {
    flow.finish();
  }
}

/** `npm run mock -- --tls` as a child process; its base URL and the CA to trust, read from what it prints. */
async function startTlsCli(tlsDir: string): Promise<{ url: string; caPath: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(root, "mock", "cli.ts"),
      "--port",
      "0",
      "--tls",
      "--tls-dir",
      tlsDir,
      // Four whole flows run against this mock back to back: enterprise's burst of 100 a second holds
      // them however fast the machine is (essentials' 25 would depend on the time between them).
      "--profile",
      "enterprise",
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MOCK_CLIENT_SECRET: clientSecret },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(force);
  };
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the TLS mock printed no CA within 60 s\n${out}${err}`)),
        60_000,
      );
      child.once("exit", (code) => reject(new Error(`the TLS mock exited with ${code}\n${out}${err}`)));
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const url = /listening on (https:\/\/\S+)/.exec(out)?.[1];
        const caPath = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(out)?.[1];
        if (url && caPath) {
          clearTimeout(timer);
          resolve({ url, caPath, stop });
        }
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
}

const TLS_FACTORS: readonly Factor[] = ["sms", "voice", "otp", "email"];

describe("Auth0's SDK over TLS (npm run mock -- --tls)", {
  timeout: TLS_FACTORS.length * CHILD_TIMEOUT_MS + 90_000,
}, () => {
  let mock: Awaited<ReturnType<typeof startTlsCli>>;
  before(async () => {
    mock = await startTlsCli(tempDir("sdk-flow-tls-"));
  });
  after(async () => {
    await mock?.stop();
  });

  for (const factor of TLS_FACTORS) {
    test(`${factor}: password grant, enroll, verify, challenge, wrong code, right code, recovery code`, async () => {
      const domain = new URL(mock.url).host;
      assert.match(domain, /^localhost:\d+$/);
      await recordedFlow("tls", { domain, factor, caPath: mock.caPath }, `https://${domain}/`);
    });
  }
});

describe("Auth0's SDK behind a proxy (plain-HTTP mock, https issuer)", {
  timeout: 2 * CHILD_TIMEOUT_MS + 30_000,
}, () => {
  const domain = "mfa-mock.local";
  let mock: MockServer;
  before(async () => {
    mock = await startMockServer({
      port: 0,
      // As startTlsCli says: two whole flows back to back.
      config: { domain, clientSecret, profile: "enterprise" },
    });
  });
  after(async () => {
    await mock?.close();
  });

  for (const factor of ["sms", "voice"] as const) {
    test(`${factor}: the same flow through a fetch that sends https://${domain}/ to the mock`, async () => {
      assert.match(mock.url, /^http:\/\//);
      const run = await recordedFlow(
        "proxy",
        { domain, factor, proxyOrigin: mock.url },
        `https://${domain}/`,
      );
      assert.equal(stepNamed(run, "done").proxied, true);
    });
  }
});

/**
 * Each deviation breaks one thing the flow checks; the run must stop at that step, with the SDK's
 * own error when the SDK refuses the answer, or the script's assertion when the SDK lets it through.
 * These runs are meant to fail, so they are not recorded for the report's Clients section.
 */
const deviating: Array<{ deviation: DeviationName; factor: Factor; step: string; shows: RegExp }> = [
  {
    deviation: "recovery-code-not-rotated",
    factor: "sms",
    step: "recovery-code",
    shows: /"reason":"a new recovery code"/,
  },
  {
    deviation: "binding-code-reusable",
    factor: "sms",
    step: "code-replay",
    shows: /the SDK returned tokens; expected invalid_grant/,
  },
  { deviation: "wrong-mfa-required-status", factor: "sms", step: "password-grant", shows: /got 401/ },
  // The SDK itself refuses a token answer that is not JSON.
  {
    deviation: "wrong-content-type",
    factor: "sms",
    step: "password-grant",
    shows: /"name":"TokenByPasswordError"/,
  },
  // OTP and email (docs/behaviour.md#otp, #email, #masked-email): the same SDK calls, other answers.
  {
    deviation: "otp-code-reusable",
    factor: "otp",
    step: "code-replay",
    shows: /the SDK returned tokens; expected invalid_grant/,
  },
  {
    deviation: "otp-challenge-returns-oob-code",
    factor: "otp",
    step: "challenge",
    shows: /challengeType otp \(got oob\)/,
  },
  {
    deviation: "email-missing-binding-method",
    factor: "email",
    step: "enroll",
    shows: /bindingMethod prompt \(got undefined\)/,
  },
  {
    deviation: "email-name-unmasked",
    factor: "email",
    step: "list-active",
    shows: /its name is the address masked/,
  },
];

describe("Auth0's SDK against a deviating mock (over TLS)", {
  timeout: deviating.length * CHILD_TIMEOUT_MS,
}, () => {
  const tlsDir = tempDir("sdk-flow-deviating-");
  for (const row of deviating) {
    test(`${row.deviation}: the ${row.factor} flow fails at ${row.step}`, async () => {
      const mock = await startMockServer({
        port: 0,
        tls: { dir: tlsDir },
        config: { clientSecret, faults: { latencyMs: 0, errorRate: {}, deviations: [row.deviation] } },
      });
      try {
        const caPath = mock.tls?.ca?.certPath;
        assert.ok(caPath, "the mock made a local CA");
        const domain = new URL(mock.url).host;
        const run = await runFlow({ domain, factor: row.factor, caPath });
        assert.equal(run.code, 1, transcript(run));
        const last = run.steps.at(-1);
        assert.equal(last?.step, row.step, transcript(run));
        assert.equal(last?.ok, false, transcript(run));
        assert.match(JSON.stringify(last), row.shows, transcript(run));
        // Every step before it passed: the deviation, not something earlier, stopped the run.
        assert.deepEqual(
          run.steps.slice(0, -1).map((s) => s.step),
          stepsOf(row.factor).slice(0, stepsOf(row.factor).indexOf(row.step)),
          transcript(run),
        );
        assertMasked(run);
      } finally {
        await mock.close();
      }
    });
  }
});

/** RFC 6238 Appendix B, the SHA1 rows: the seed "12345678901234567890" (ASCII), 8 digits. */
const RFC6238_SHA1: Array<{ time: number; code: string }> = [
  { time: 59, code: "94287082" },
  { time: 1111111109, code: "07081804" },
  { time: 1111111111, code: "14050471" },
  { time: 1234567890, code: "89005924" },
  { time: 2000000000, code: "69279037" },
  { time: 20000000000, code: "65353130" },
];
/** The RFC's seed in base32, as an enrollment's `secret` carries it. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("the script's TOTP (node:crypto only, for a project without otpauth)", () => {
  for (const { time, code } of RFC6238_SHA1) {
    test(`RFC 6238 SHA1 at T=${time}: ${code} with 8 digits, its last 6 with 6`, () => {
      const step = totpStep(time * 1000);
      assert.equal(totp(RFC_SECRET, step, 8), code);
      assert.equal(totp(RFC_SECRET, step), code.slice(-6));
    });
  }

  test("the same codes as the mock's (otpauth), for its secrets, around now and far off", () => {
    for (let i = 0; i < 20; i++) {
      const secret = newTotpSecret();
      for (const at of [Date.now(), Date.now() - 30_000, 0, 4_102_444_800_000 + i * 30_000]) {
        assert.equal(totp(secret, totpStep(at)), totpCode(secret, at), `secret #${i} at ${at}`);
      }
    }
  });

  test("lowercase and padded base32 read as the same secret; a non-base32 secret is refused", () => {
    const step = totpStep(1111111111 * 1000);
    assert.equal(totp(RFC_SECRET.toLowerCase(), step), "050471");
    assert.equal(totp("GEZDGNBV", step), totp("GEZDGNBV====", step));
    assert.throws(() => totp("not base32!", step), /not base32/);
  });
});
