import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checksOf, factorsOf, operationsOf } from "../contracts/tags.ts";
import {
  buildMatrices,
  type Check,
  cellId,
  checkOfFinding,
  type FindingRow,
  type MatrixProblem,
  matrixProblems,
  parseFindings,
  type TestRow,
  testRows,
} from "./matrix.ts";

test("a test's tags name its cells: every @op: and @check: the description and the matrix know", () => {
  const rows: Array<{ name: string; tags: string[]; ops: string[]; checks: Check[] }> = [
    {
      name: "one cell",
      tags: ["@op:challenge", "@check:errors"],
      ops: ["challenge"],
      checks: ["errors"],
    },
    {
      name: "several operations and checks (a flow)",
      tags: ["@op:associateAuthenticator", "@op:token", "@check:status", "@check:body", "@sends-sms"],
      ops: ["associateAuthenticator", "token"],
      checks: ["status", "body"],
    },
    {
      name: "a describe's tag and the test's own, repeated",
      tags: ["@check:rate-limits", "@check:headers", "@op:token", "@check:rate-limits"],
      ops: ["token"],
      checks: ["rate-limits", "headers"],
    },
    { name: "capability tags are no cell", tags: ["@mock-only", "@sends-sms"], ops: [], checks: [] },
    {
      name: "unknown values are left out (matrixProblems reports them)",
      tags: ["@op:chalenge", "@check:vibes", "@op:listAuthenticators", "@check:security"],
      ops: ["listAuthenticators"],
      checks: ["security"],
    },
    { name: "the title or file guesses nothing", tags: [], ops: [], checks: [] },
  ];
  for (const r of rows) {
    assert.deepEqual(operationsOf(r.tags), r.ops, r.name);
    assert.deepEqual(checksOf(r.tags), r.checks, r.name);
  }
});

/** A row as testRows makes it from a spec with these tags. */
function tagged(title: string, tags: string[], project = "mock"): TestRow {
  return {
    id: title,
    project,
    file: "a.spec.ts",
    title,
    outcome: "passed",
    durationMs: 1,
    operations: operationsOf(tags),
    checks: checksOf(tags),
    tags,
  };
}

test("a test the matrix cannot place is a problem: untagged, half tagged, or an unknown tag", () => {
  const rows: Array<{ name: string; tags: string[]; problems: Array<MatrixProblem["kind"]>; says?: RegExp }> =
    [
      { name: "tagged", tags: ["@op:challenge", "@check:status"], problems: [] },
      {
        name: "a flow over several cells",
        tags: ["@op:challenge", "@op:token", "@check:status"],
        problems: [],
      },
      { name: "untagged", tags: [], problems: ["untagged", "untagged"], says: /no @op:.*no @check:/s },
      { name: "capability tag only", tags: ["@sends-sms"], problems: ["untagged", "untagged"] },
      { name: "no check", tags: ["@op:token"], problems: ["untagged"], says: /no @check:<check> tag/ },
      {
        name: "no operation",
        tags: ["@check:headers"],
        problems: ["untagged"],
        says: /no @op:<operationId> tag/,
      },
      {
        name: "unknown operation beside a known one",
        tags: ["@op:challenge", "@op:chalenge", "@check:status"],
        problems: ["unknown-tag"],
        says: /unknown operation in @op:chalenge \(the description has associateAuthenticator, .*token\)/,
      },
      {
        name: "unknown operation alone",
        tags: ["@op:flows", "@check:status"],
        problems: ["unknown-tag", "untagged"],
      },
      {
        name: "unknown check",
        tags: ["@op:token", "@check:status", "@check:header"],
        problems: ["unknown-tag"],
        says: /unknown check in @check:header/,
      },
    ];
  for (const r of rows) {
    const problems = matrixProblems([tagged("t", r.tags)]);
    assert.deepEqual(
      problems.map((p) => p.kind),
      r.problems,
      r.name,
    );
    if (r.says) assert.match(problems.map((p) => p.message).join("\n"), r.says, r.name);
    for (const p of problems)
      assert.match(p.message, /^a\.spec\.ts › t: /, `${r.name}: the message names the test`);
  }
});

test("a test run in several projects is one problem; a row without tags is untagged", () => {
  const { tags: _none, ...bare } = tagged("bare", []);
  assert.equal(matrixProblems([tagged("t", [], "mock"), tagged("t", [], "tenant")]).length, 2);
  assert.deepEqual(
    matrixProblems([bare]).map((p) => p.kind),
    ["untagged", "untagged"],
  );
});

/** The fixture: Playwright's JSON report of a small run, tagged as the suites tag their tests. */
const fixture = testRows(
  JSON.parse(readFileSync(new URL("./fixtures/playwright-results.json", import.meta.url), "utf8")),
);

test("the fixture run: every test in a cell, the rate-limit header tests fill the headers column", () => {
  assert.deepEqual(matrixProblems(fixture), []);
  const [m] = buildMatrices(fixture, []);
  assert.ok(m);
  const headers = (op: string) => m.cells.get(cellId("mock", op, "headers"))?.tests.map((t) => t.title) ?? [];
  assert.deepEqual(headers("token"), ["every 429 on token conforms"]);
  assert.deepEqual(headers("challenge"), [
    "POST /mfa/challenge › rate-limit headers present",
    "the per-user SMS limit holds on challenge",
  ]);
  const flow = fixture.find((t) => t.title === "enroll by SMS, then challenge and verify");
  assert.deepEqual(flow?.operations, ["associateAuthenticator", "listAuthenticators", "challenge", "token"]);
  for (const op of flow?.operations ?? [])
    assert.ok(m.cells.get(cellId("mock", op, "status"))?.tests.includes(flow as TestRow), `flow in ${op}`);
  assert.deepEqual(m.rows, [
    "associateAuthenticator",
    "listAuthenticators",
    "deleteAuthenticator",
    "challenge",
    "getUserInfo",
    "postUserInfo",
    "token",
  ]);
  const placed = new Set([...m.cells.values()].flatMap((c) => c.tests));
  assert.equal(placed.size, fixture.length, "no test outside a cell");
});

test("a finding lands in the cell of its location", () => {
  const rows: Array<[string, string, Check]> = [
    ["status", "", "status"],
    ["body", "/oob_code", "body"],
    ["request", "/phone_number", "errors"],
    ["header", "x-ratelimit-reset", "rate-limits"],
    ["header", "retry-after", "rate-limits"],
    ["header", "cache-control", "headers"],
    ["content-type", "content-type", "headers"],
  ];
  for (const [location, pointer, check] of rows)
    assert.equal(checkOfFinding({ location, pointer }), check, `${location} ${pointer}`);
});

/** A test row with defaults. */
function row(p: Partial<TestRow>): TestRow {
  return {
    id: "i",
    project: "mock",
    file: "f",
    title: "t",
    outcome: "passed",
    durationMs: 1,
    operations: ["challenge"],
    checks: ["status"],
    ...p,
  };
}

test("cell states: fail on a failed test or a finding, skip when all skipped, pass otherwise", () => {
  const finding: FindingRow = {
    test: "t",
    project: "mock",
    operation: "token",
    status: 200,
    location: "body",
    pointer: "/x",
    expected: "a",
    actual: "b",
    message: "m",
  };
  const [m] = buildMatrices(
    [
      row({ operations: ["challenge"], checks: ["status"] }),
      row({ operations: ["challenge"], checks: ["status"], outcome: "failed" }),
      row({ operations: ["challenge"], checks: ["body"], outcome: "skipped" }),
      row({ operations: ["challenge"], checks: ["errors"], outcome: "flaky" }),
      row({ operations: ["token"], checks: ["body"] }),
    ],
    [finding],
  );
  assert.ok(m);
  const state = (op: string, check: string) => m.cells.get(cellId("mock", op, check))?.state;
  assert.deepEqual(
    [
      state("challenge", "status"),
      state("challenge", "body"),
      state("challenge", "errors"),
      state("token", "body"),
      state("token", "status"),
    ],
    ["fail", "skip", "pass", "fail", "none"],
  );
  assert.equal(m.rows.at(-1), "token", "the description's operations, in its order");
  assert.equal(m.rows.length, 7);
});

test("one matrix per project", () => {
  const ms = buildMatrices([row({ project: "mock" }), row({ project: "tenant" })], []);
  assert.deepEqual(
    ms.map((m) => m.project),
    ["mock", "tenant"],
  );
  assert.deepEqual(
    buildMatrices([], []).map((m) => m.project),
    ["default"],
  );
});

test("cell ids are safe anchors", () => {
  assert.equal(cellId("my project", "<x>", "rate-limits"), "cell-my_project-_x_-rate-limits");
});

test("Playwright's nested suites flatten into rows with outcome, tags and errors", () => {
  const rows = testRows({
    suites: [
      {
        title: "a.spec.ts",
        file: "a.spec.ts",
        line: 0,
        column: 0,
        specs: [],
        suites: [
          {
            title: "challenge",
            file: "a.spec.ts",
            line: 1,
            column: 1,
            specs: [
              {
                title: "answers 429",
                ok: false,
                tags: ["op:challenge", "check:headers", "sends-sms"],
                id: "1",
                file: "a.spec.ts",
                line: 2,
                column: 1,
                tests: [
                  {
                    timeout: 1,
                    annotations: [],
                    expectedStatus: "passed",
                    projectName: "mock",
                    projectId: "mock",
                    status: "unexpected",
                    results: [
                      {
                        workerIndex: 0,
                        parallelIndex: 0,
                        status: "failed",
                        duration: 12,
                        error: undefined,
                        errors: [
                          { message: "\u001b[31mError: boom\u001b[39m\n\n    at x (a.ts:1:1)\nExpected: 1" },
                        ],
                        stdout: [],
                        stderr: [],
                        retry: 0,
                        startTime: "2026-01-01T00:00:00Z",
                        attachments: [],
                        annotations: [],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  assert.deepEqual(rows, [
    {
      id: "1",
      project: "mock",
      file: "a.spec.ts",
      title: "challenge › answers 429",
      outcome: "failed",
      durationMs: 12,
      operations: ["challenge"],
      checks: ["headers"],
      tags: ["@op:challenge", "@check:headers", "@sends-sms"],
      error: "Error: boom\nExpected: 1",
    },
  ]);
});

test("findings.json is read leniently", () => {
  assert.deepEqual(parseFindings({ not: "an array" }), []);
  assert.deepEqual(parseFindings([null, 3, { operation: "token", status: "x" }]), [
    {
      test: "",
      operation: "token",
      status: null,
      location: "body",
      pointer: "",
      expected: "",
      actual: "",
      message: "",
    },
  ]);
});

test("@factor: tags place a test in its factor's row too; every factor has a row; an unknown factor is a problem", () => {
  assert.deepEqual(factorsOf(["@factor:otp", "@factor:email", "@factor:otp", "@op:token"]), ["otp", "email"]);
  assert.deepEqual(factorsOf(["@factor:fax"]), []);
  assert.deepEqual(
    matrixProblems([tagged("t", ["@op:token", "@check:status", "@factor:fax"])]).map((p) => p.message),
    ["a.spec.ts › t: unknown factor in @factor:fax (the matrix has sms, voice, otp, email, push)"],
  );
  const otpFlow = row({
    title: "otp flow",
    operations: ["token"],
    checks: ["status", "body"],
    factors: ["otp"],
  });
  const smsOnly = row({ title: "sms flow", operations: ["token"], checks: ["status"], factors: ["sms"] });
  const untaggedRow = row({ title: "no factor", operations: ["token"], checks: ["status"] });
  const finding: FindingRow = {
    test: "otp flow",
    project: "mock",
    operation: "token",
    status: 200,
    location: "body",
    pointer: "/x",
    expected: "a",
    actual: "b",
    message: "m",
  };
  const [m] = buildMatrices([otpFlow, smsOnly, untaggedRow], [finding]);
  assert.ok(m);
  assert.deepEqual(m.factorRows, ["factor:sms", "factor:voice", "factor:otp", "factor:email", "factor:push"]);
  const cell = (f: string, c: Check) => m.cells.get(cellId("mock", `factor:${f}`, c));
  assert.deepEqual(
    cell("otp", "status")?.tests.map((t) => t.title),
    ["otp flow"],
  );
  assert.equal(
    cell("otp", "body")?.state,
    "fail",
    "the finding of the otp flow's response counts in the otp row",
  );
  assert.equal(cell("sms", "status")?.state, "pass");
  assert.equal(cell("sms", "body")?.state, "none");
  assert.equal(cell("push", "status")?.state, "none", "a factor without tests still has its row");
  assert.equal(cell("otp", "status")?.factor, "otp");
});
