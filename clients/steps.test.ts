import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { checkLeaks } from "../redaction/leaks.ts";
import { readSecretEntries } from "../redaction/secrets.ts";
import {
  type ChildLine,
  childLines,
  clearFlowFiles,
  FLOW_FORMAT,
  type FlowFile,
  FlowRecorder,
  flowsDir,
  installedVersion,
  MESSAGE_LIMIT,
  nodeRuntime,
} from "./steps.ts";

const root = mkdtempSync(path.join(tmpdir(), "client-steps-"));
after(() => rmSync(root, { recursive: true, force: true }));

const PLAN = ["login", "refresh → mfa_required", "enroll SMS", "verify SMS code"] as const;

/** A recorder writing under a fresh reports folder, on a clock that moves 10 ms per reading. */
function recorder(name: string, plan: readonly string[] = PLAN) {
  let t = Date.UTC(2026, 0, 5, 10, 0, 0);
  const dir = path.join(root, name);
  const flow = new FlowRecorder({
    id: "auth0-spa-js",
    sdk: "@auth0/auth0-spa-js",
    flow: "SMS",
    transport: "TLS (local CA)",
    runtime: nodeRuntime(),
    plan,
    reportsDir: dir,
    now: () => (t += 10),
  });
  return { flow, dir, read: () => JSON.parse(readFileSync(flow.file, "utf8")) as FlowFile };
}

test("the file: format, SDK, installed version, runtime, transport, times; under <reports>/clients/<id>.json", async () => {
  const { flow, dir, read } = recorder("all-passed");
  for (const name of PLAN) {
    assert.equal(flow.reached(name), true, name);
    await flow.step(name, () => undefined);
  }
  assert.equal(flow.finish(), path.join(dir, "clients", "auth0-spa-js.json"));
  const file = read();
  assert.equal(file.format, FLOW_FORMAT);
  assert.equal(file.sdk, "@auth0/auth0-spa-js");
  assert.equal(file.version, installedVersion("@auth0/auth0-spa-js"));
  assert.match(file.version, /^\d+\.\d+\.\d+/);
  assert.equal(file.runtime, `Node ${process.version}`);
  assert.equal(file.transport, "TLS (local CA)");
  assert.ok(file.finishedAt && file.finishedAt > file.startedAt);
  assert.deepEqual(
    file.steps.map((s) => [s.name, s.outcome, s.durationMs]),
    PLAN.map((n) => [n, "passed", 10]),
  );
});

test("REPORTS_DIR is where the file goes when no folder is given", () => {
  const dir = path.join(root, "env");
  const before = process.env.REPORTS_DIR;
  process.env.REPORTS_DIR = dir;
  try {
    const flow = new FlowRecorder({
      id: "x",
      sdk: "@auth0/auth0-react",
      flow: "f",
      transport: "t",
      plan: ["a"],
    });
    assert.equal(flow.file, path.join(dir, "clients", "x.json"));
  } finally {
    if (before === undefined) delete process.env.REPORTS_DIR;
    else process.env.REPORTS_DIR = before;
  }
});

test("start writes every step not run and no finishedAt: a killed run never leaves a passing file", () => {
  const { flow, read } = recorder("started");
  flow.start();
  const file = read();
  assert.equal(file.finishedAt, undefined);
  assert.deepEqual(
    file.steps.map((s) => s.outcome),
    PLAN.map(() => "not run"),
  );
});

// Rows: where the flow fails and what each step then is.
const failing: Array<{ name: string; failAt: number; outcomes: string[] }> = [
  { name: "first step", failAt: 0, outcomes: ["failed", "not run", "not run", "not run"] },
  { name: "a middle step", failAt: 2, outcomes: ["passed", "passed", "failed", "not run"] },
  { name: "the last step", failAt: 3, outcomes: ["passed", "passed", "passed", "failed"] },
];
for (const row of failing) {
  test(`a failure at ${row.name}: the error is rethrown, later steps are not run and say why`, async () => {
    const { flow, read } = recorder(`fail-${row.failAt}`);
    const ran: string[] = [];
    for (const [i, name] of PLAN.entries()) {
      const attempt = flow.step(name, () => {
        ran.push(name);
        if (i === row.failAt) throw new TypeError("the SDK said no");
      });
      if (i < row.failAt) await attempt;
      else if (i === row.failAt) await assert.rejects(attempt, /the SDK said no/);
      else await assert.rejects(attempt, new RegExp(`not run: step "${PLAN[row.failAt]}"`));
    }
    assert.deepEqual(ran, PLAN.slice(0, row.failAt + 1), "nothing ran after the failure");
    assert.equal(flow.reached(PLAN[row.failAt + 1] ?? ""), false, "no later step is reached");
    flow.finish();
    const steps = read().steps;
    assert.deepEqual(
      steps.map((s) => s.outcome),
      row.outcomes,
    );
    assert.equal(steps[row.failAt]?.message, "TypeError: the SDK said no");
  });
}

test("a step out of the plan's order is refused before it runs", async () => {
  const { flow } = recorder("order");
  let ran = false;
  await assert.rejects(
    flow.step("enroll SMS", () => {
      ran = true;
    }),
    /step "enroll SMS" out of plan \(next planned: "login"\)/,
  );
  assert.equal(ran, false);
  assert.throws(() => recorder("twice", ["a", "a"]), /a step twice/);
});

test("messages: no token, code, phone number or recovery code; one line; bounded", async () => {
  const { flow, dir, read } = recorder("masking");
  const mfaToken = "Fe26.2*mfa*9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  const recoveryCode = "R9K2M4P6Q8S1T3V5W7X9Y2Z4";
  const opaque = "a8F3kL0pQ7rT2vW9xZ1bC4dE6gH8jM5n";
  flow.secret("mfa_token", mfaToken);
  flow.secret("recovery_code", recoveryCode, undefined);
  flow.secret("phone", "+15555550123");
  await assert.rejects(
    flow.step("login", () => {
      throw new Error(
        `expected tokens, got {"mfa_token":"${mfaToken}","recoveryCodes":["${recoveryCode}"],"oobCode":"${opaque}"}\n` +
          `sent 492817 to +15555550123 with eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl ${"x".repeat(400)}`,
      );
    }),
  );
  flow.finish();
  const text = readFileSync(flow.file, "utf8");
  const message = read().steps[0]?.message ?? "";
  const raws: Array<[string, string]> = [
    ["the mfa_token", mfaToken],
    ["the recovery code", recoveryCode],
    ["an opaque oob code", opaque],
    ["the 6-digit code", "492817"],
    ["the phone number", "+15555550123"],
    ["the JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0"],
  ];
  for (const [what, raw] of raws) assert.ok(!text.includes(raw), `${what} is written: ${message}`);
  assert.ok(message.includes("+•••••••0123"), message);
  assert.ok(!message.includes("\n"));
  assert.equal(message.length, MESSAGE_LIMIT);
  assert.ok(message.endsWith("…"));
  // The leak check of npm run check:leaks, over this reports folder, with what the flow declared.
  const entries = readSecretEntries({ dir });
  assert.deepEqual(entries.map((e) => e.kind).sort(), ["mfa_token", "phone", "recovery_code"]);
  assert.deepEqual(checkLeaks(dir, entries, []).hits, []);
  // The same check does see a declared value written raw: it can fail.
  writeFileSync(path.join(dir, "clients", "raw.json"), JSON.stringify({ recoveryCode }));
  assert.equal(checkLeaks(dir, entries, []).hits.length, 1);
});

test("a flow that does not run here is written skipped, every step not run, with the reason", () => {
  const { flow, read } = recorder("skipped");
  flow.skip("no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)");
  const file = read();
  assert.match(file.skipped ?? "", /^no Chromium/);
  assert.ok(file.finishedAt);
  assert.ok(file.steps.every((s) => s.outcome === "not run"));
});

test("setRuntime after the start rewrites the file (a browser's version is known after launch)", () => {
  const { flow, read } = recorder("runtime");
  flow.start();
  flow.setRuntime("Chromium 140.0.7339.80");
  assert.equal(read().runtime, "Chromium 140.0.7339.80");
});

/** Lines as a child prints them, each read 100 ms after the one before. */
function lines(...objects: Array<Record<string, unknown> | string>): ChildLine[] {
  const start = Date.UTC(2026, 0, 5, 10, 0, 0) + 10;
  return objects.map((o, i) => ({
    line: typeof o === "string" ? o : JSON.stringify(o),
    at: start + 100 * (i + 1),
  }));
}

// Rows: what a child printed, and the steps recorded from it.
const children: Array<{ name: string; printed: ChildLine[]; steps: Array<[string, string, string?]> }> = [
  {
    name: "every step passed (other lines ignored)",
    printed: lines(
      { step: "login", ok: true, pkce: "S256" },
      "a log line",
      { step: "refresh → mfa_required", ok: true },
      { step: "enroll SMS", ok: true },
      { step: "verify SMS code", ok: true },
    ),
    steps: PLAN.map((n) => [n, "passed"]),
  },
  {
    name: "a failed step with the script's reason; the rest not run",
    printed: lines(
      { step: "login", ok: true },
      { step: "refresh → mfa_required", ok: false, reason: "got 401" },
    ),
    steps: [
      ["login", "passed"],
      ["refresh → mfa_required", "failed", "got 401"],
      ["enroll SMS", "not run"],
      ["verify SMS code", "not run"],
    ],
  },
  {
    name: "a failed step with the SDK's error fields",
    printed: lines({
      step: "login",
      ok: false,
      name: "TokenByPasswordError",
      error: "invalid_grant",
      message: "Wrong",
    }),
    steps: [
      ["login", "failed", "TokenByPasswordError: invalid_grant: Wrong"],
      ["refresh → mfa_required", "not run"],
      ["enroll SMS", "not run"],
      ["verify SMS code", "not run"],
    ],
  },
  {
    name: "a step the plan does not expect there",
    printed: lines({ step: "login", ok: true }, { step: "challenge", ok: true }),
    steps: [
      ["login", "passed"],
      ["challenge", "failed", 'not in the plan here (expected "refresh → mfa_required")'],
      ["refresh → mfa_required", "not run"],
      ["enroll SMS", "not run"],
      ["verify SMS code", "not run"],
    ],
  },
  {
    name: "the child died after the first step",
    printed: lines({ step: "login", ok: true }, '{"step": "refresh'),
    steps: [
      ["login", "passed"],
      ["refresh → mfa_required", "not run"],
      ["enroll SMS", "not run"],
      ["verify SMS code", "not run"],
    ],
  },
];
for (const row of children) {
  test(`steps from a child's lines: ${row.name}`, () => {
    const { flow, read } = recorder(`child-${row.name.replace(/\W+/g, "-")}`);
    flow.ranInChild(row.printed);
    flow.finish();
    const steps = read().steps;
    assert.deepEqual(
      steps.map((s) => [s.name, s.outcome, ...(s.message ? [s.message] : [])]),
      row.steps,
    );
    // Timed by arrival: the first from the flow's start, each next from the line before.
    assert.equal(steps[0]?.durationMs, 100);
  });
}

test("childLines: lines split across chunks, each timed when it completes; a last line without newline kept", () => {
  let t = 0;
  const collected = childLines(() => (t += 5));
  collected.add('{"step":"a",');
  collected.add('"ok":true}\n{"step":"b"');
  collected.add(',"ok":true}\nlast');
  assert.deepEqual(collected.lines(), [
    { line: '{"step":"a","ok":true}', at: 10 },
    { line: '{"step":"b","ok":true}', at: 15 },
    { line: "last", at: 20 },
  ]);
});

// Rows: how a child ended after its lines, and what the step it did not reach says.
const exits: Array<{
  name: string;
  printed: ChildLine[];
  exit: { code: number | null; signal?: NodeJS.Signals | null; stderr: string };
  failed?: [step: string, message: RegExp];
}> = [
  {
    name: "exit code and the end of its stderr, masked",
    printed: lines({ step: "login", ok: true }),
    exit: {
      code: 1,
      stderr: `${"noise ".repeat(80)}TypeError: fetch failed for mfa_token Fe26.2*mfa*0a1b2c3d4e5f60718293a4b5c6d7e8f9 code 492817\n    at main (flow.mjs:12:3)\n`,
    },
    failed: [
      "refresh → mfa_required",
      /^the child exited with code 1 before this step; its stderr ends: …(se )?noise .*TypeError: fetch failed for mfa_token Fe26\.2\*•••\[43\] code •••••• at main \(flow\.mjs:12:3\)$/,
    ],
  },
  {
    // Cut first, the tail would start inside the token, and its second half would not be known.
    name: "a tail that would cut through a secret",
    printed: lines(),
    exit: { code: 2, stderr: `Fe26.2*mfa*0a1b2c3d4e5f60718293a4b5c6d7e8f9 ${"z".repeat(190)}` },
    failed: ["login", /^the child exited with code 2 before this step; its stderr ends: …[^z]*z{190}$/],
  },
  {
    name: "killed, nothing on stderr",
    printed: lines(),
    exit: { code: null, signal: "SIGKILL", stderr: "" },
    failed: ["login", /^the child was killed \(SIGKILL\) before this step; its stderr is empty$/],
  },
  {
    name: "a step it printed as failed keeps its own reason",
    printed: lines({ step: "login", ok: false, reason: "got 401" }),
    exit: { code: 1, stderr: "Error: got 401" },
    failed: ["login", /^got 401$/],
  },
  {
    name: "it ran every step of its own: nothing to add",
    printed: lines(
      { step: "login", ok: true },
      { step: "refresh → mfa_required", ok: true },
      { step: "enroll SMS", ok: true },
    ),
    exit: { code: 0, stderr: "a warning" },
  },
];
for (const row of exits) {
  test(`a child that exited: ${row.name}`, () => {
    const { flow, read } = recorder(`exit-${row.name.replace(/\W+/g, "-")}`);
    flow.secret("mfa_token", "Fe26.2*mfa*0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    flow.ranInChild(row.printed);
    flow.childExited(row.exit, "verify SMS code");
    flow.finish();
    const failed = read().steps.filter((s) => s.outcome === "failed");
    if (!row.failed) {
      assert.deepEqual(failed, []);
      assert.equal(flow.reached("verify SMS code"), true);
      return;
    }
    assert.equal(failed.length, 1, JSON.stringify(failed));
    assert.equal(failed[0]?.name, row.failed[0]);
    assert.match(failed[0]?.message ?? "", row.failed[1]);
    assert.ok((failed[0]?.message ?? "").length <= MESSAGE_LIMIT);
    const written = readFileSync(flow.file, "utf8");
    for (const part of ["0a1b2c3d4e5f", "6d7e8f9"])
      assert.ok(!written.includes(part), "the token is written");
  });
}

test("clearFlowFiles empties <reports>/clients/ (flows and a killed write's temporary file), nothing else", () => {
  const dir = path.join(root, "clear");
  const flows = flowsDir(dir);
  assert.equal(flows, path.join(dir, "clients"));
  assert.equal(clearFlowFiles(dir), 0, "no folder yet: nothing to remove");
  mkdirSync(flows, { recursive: true });
  for (const name of ["old-flow.json", "renamed.json", "auth0-react.json.123.tmp"])
    writeFileSync(path.join(flows, name), "{}");
  writeFileSync(path.join(dir, "drift.json"), "{}");
  assert.equal(clearFlowFiles(dir), 3);
  assert.deepEqual(readdirSync(flows), []);
  assert.ok(existsSync(path.join(dir, "drift.json")), "the rest of the reports folder stays");
});
