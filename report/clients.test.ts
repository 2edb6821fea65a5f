import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  CLIENT_FLOW_FORMAT,
  type ClientFlow,
  type ClientFlowStatus,
  type ClientResult,
  clientFlowStatus,
  clientsJUnit,
  isProblem,
  parseClientFlow,
  passedSteps,
  readClientFlows,
  stoppedAt,
} from "./clients.ts";
import { countTests } from "./junit.ts";

const root = mkdtempSync(path.join(tmpdir(), "report-clients-"));
after(() => rmSync(root, { recursive: true, force: true }));

const base: ClientFlow = {
  file: "clients/auth0-spa-js.json",
  id: "auth0-spa-js",
  sdk: "@auth0/auth0-spa-js",
  version: "2.28.3",
  flow: "SMS",
  runtime: "Chromium 140",
  transport: "TLS (local CA)",
  startedAt: "2026-01-05T10:00:00.000Z",
  finishedAt: "2026-01-05T10:00:05.000Z",
  steps: [
    { name: "login", outcome: "passed", durationMs: 1200 },
    { name: "refresh → mfa_required", outcome: "passed", durationMs: 20 },
    { name: "verify", outcome: "passed", durationMs: 10 },
  ],
};
const outcomes = (...o: Array<"passed" | "failed" | "not run">) =>
  o.map((outcome, i) => ({
    name: base.steps[i]?.name ?? `step ${i}`,
    outcome,
    durationMs: 5,
    ...(outcome === "failed" ? { message: "Invalid binding_code." } : {}),
  }));

// Rows: a flow as its file says, its verdict, steps passed of all, where it stopped, its JUnit totals.
const rows: Array<{
  name: string;
  flow: ClientResult;
  status: ClientFlowStatus;
  passed: [number, number];
  stopped?: [string, RegExp];
  junit: [number, number, number];
}> = [
  { name: "all passed", flow: base, status: "passed", passed: [3, 3], junit: [3, 0, 0] },
  {
    name: "one failed, later steps not run",
    flow: { ...base, steps: outcomes("passed", "failed", "not run") },
    status: "failed",
    passed: [1, 3],
    stopped: ["refresh → mfa_required", /^Invalid binding_code\.$/],
    junit: [3, 1, 1],
  },
  {
    name: "did not finish (its process died)",
    flow: { ...base, finishedAt: undefined, steps: outcomes("passed", "not run", "not run") },
    status: "failed",
    passed: [1, 3],
    stopped: ["refresh → mfa_required", /did not finish/],
    junit: [4, 1, 2],
  },
  {
    name: "finished but stopped (a failure outside any step)",
    flow: { ...base, steps: outcomes("passed", "passed", "not run") },
    status: "failed",
    passed: [2, 3],
    stopped: ["verify", /stopped before this step/],
    junit: [4, 1, 1],
  },
  {
    name: "no steps at all",
    flow: { ...base, steps: [] },
    status: "failed",
    passed: [0, 0],
    stopped: ["–", /no steps recorded/],
    junit: [1, 1, 0],
  },
  {
    name: "skipped here (no Chromium)",
    flow: { ...base, skipped: "no Chromium", steps: outcomes("not run", "not run", "not run") },
    status: "skipped",
    passed: [0, 3],
    junit: [3, 0, 3],
  },
  {
    name: "a file that is not a flow",
    flow: { file: "clients/broken.json", problem: "not JSON (Unexpected token)" },
    status: "failed",
    passed: [0, 0],
    stopped: ["read clients/broken.json", /^not JSON/],
    junit: [1, 1, 0],
  },
];

for (const row of rows) {
  test(`a flow: ${row.name}`, () => {
    assert.equal(clientFlowStatus(row.flow), row.status);
    assert.deepEqual(passedSteps(row.flow), { passed: row.passed[0], total: row.passed[1] });
    const stop = stoppedAt(row.flow);
    if (row.stopped) {
      assert.equal(stop?.step, row.stopped[0]);
      assert.match(stop?.message ?? "", row.stopped[1]);
    } else assert.equal(stop, undefined);
    const [tests, failures, skipped] = row.junit;
    assert.deepEqual(countTests(clientsJUnit([row.flow])), { tests, failures, errors: 0, skipped });
  });
}

test("JUnit: one suite per flow named by SDK, version and runtime; one case per step", () => {
  const xml = clientsJUnit([
    base,
    { ...base, id: "auth0-react", sdk: "@auth0/auth0-react", version: "2.27.0" },
  ]);
  assert.match(
    xml,
    /<testsuite name="@auth0\/auth0-spa-js 2.28.3 · auth0-spa-js \(Chromium 140\)" tests="3"/,
  );
  assert.match(xml, /<testsuite name="@auth0\/auth0-react 2.27.0 · auth0-react \(Chromium 140\)" tests="3"/);
  assert.match(xml, /<testcase name="login" classname="clients.auth0-spa-js" time="1.200"\/>/);
  assert.equal(clientsJUnit([]), "", "no flows: no JUnit");
});

/** A flow file's text, with some fields replaced or removed (undefined). */
function fileText(patch: Record<string, unknown>): string {
  const { file: _file, ...fields } = base;
  return JSON.stringify({ format: CLIENT_FLOW_FORMAT, ...fields, ...patch });
}

// Rows: a file's text and what reading it says (a flow, or the problem with it).
const files: Array<{ name: string; text: string; problem?: RegExp }> = [
  { name: "a flow", text: fileText({}) },
  { name: "a skipped flow", text: fileText({ skipped: "no Chromium", finishedAt: undefined }) },
  { name: "not JSON", text: "{ half", problem: /^not JSON/ },
  { name: "an array", text: "[]", problem: /^not a JSON object$/ },
  { name: "another format", text: fileText({ format: "v0" }), problem: /^format is "v0", expected/ },
  { name: "no format", text: fileText({ format: undefined }), problem: /^format is undefined/ },
  { name: "no steps", text: fileText({ steps: undefined }), problem: /^steps is not a list$/ },
  { name: "no sdk", text: fileText({ sdk: undefined }), problem: /^sdk is missing or not a string$/ },
  { name: "a numeric version", text: fileText({ version: 2 }), problem: /^version is missing/ },
  {
    name: "a step with an unknown outcome",
    text: fileText({ steps: [{ name: "a", outcome: "green", durationMs: 1 }] }),
    problem: /^steps\[0\]\.outcome is "green", not one of passed, failed, not run$/,
  },
  {
    name: "a step without a duration",
    text: fileText({ steps: [{ name: "a", outcome: "passed" }] }),
    problem: /^steps\[0\]\.durationMs is not a duration$/,
  },
  {
    name: "a step without a name",
    text: fileText({ steps: [{ outcome: "passed", durationMs: 1 }] }),
    problem: /^steps\[0\]\.name is missing/,
  },
  {
    name: "a step that is a string",
    text: fileText({ steps: ["login"] }),
    problem: /^steps\[0\] is not an object$/,
  },
];
for (const row of files) {
  test(`reading a file: ${row.name}`, () => {
    const result = parseClientFlow("clients/x.json", row.text);
    assert.equal(result.file, "clients/x.json");
    if (row.problem) {
      assert.ok(isProblem(result), JSON.stringify(result));
      assert.match(result.problem, row.problem);
    } else assert.ok(!isProblem(result), JSON.stringify(result));
  });
}

test("readClientFlows: none without the folder; every .json file sorted, a malformed one as its problem", () => {
  assert.deepEqual(readClientFlows(path.join(root, "absent")), []);
  const dir = path.join(root, "some");
  mkdirSync(path.join(dir, "clients"), { recursive: true });
  writeFileSync(path.join(dir, "clients", "b.json"), fileText({ id: "b" }));
  writeFileSync(path.join(dir, "clients", "a.json"), "not json");
  writeFileSync(path.join(dir, "clients", "notes.txt"), "ignored");
  const read = readClientFlows(dir);
  assert.deepEqual(
    read.map((r) => [r.file, isProblem(r)]),
    [
      ["clients/a.json", true],
      ["clients/b.json", false],
    ],
  );
});
