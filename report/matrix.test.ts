import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildMatrices,
  type Check,
  cellId,
  checkOfFinding,
  checksOf,
  type FindingRow,
  operationsOf,
  parseFindings,
  type TestRow,
  testRows,
} from "./matrix.ts";

type A = { type: string; description?: string };

test("the operations of a test: annotations and tags, else title and file", () => {
  const rows: Array<{
    name: string;
    annotations?: A[];
    tags?: string[];
    file: string;
    title: string;
    ops: string[];
  }> = [
    {
      name: "annotations and tags both count, before the file",
      annotations: [{ type: "operation", description: "token" }],
      tags: ["@op:challenge"],
      file: "associate.spec.ts",
      title: "x",
      ops: ["token", "challenge"],
    },
    {
      name: "several tags",
      tags: ["@op:challenge", "@op:token", "@sends-sms"],
      file: "flows/sms.spec.ts",
      title: "x",
      ops: ["challenge", "token"],
    },
    {
      name: "operation id in the title",
      file: "flows.spec.ts",
      title: "deleteAuthenticator removes the pair",
      ops: ["deleteAuthenticator"],
    },
    {
      name: "plain word is not an id",
      file: "flows.spec.ts",
      title: "enroll, then challenge and verify",
      ops: ["flows"],
    },
    {
      name: "file: associate",
      file: "contracts/associate.spec.ts",
      title: "enrolls",
      ops: ["associateAuthenticator"],
    },
    {
      name: "file: authenticators list",
      file: "authenticators.spec.ts",
      title: "lists pairs",
      ops: ["listAuthenticators"],
    },
    {
      name: "file: authenticators delete",
      file: "authenticators.spec.ts",
      title: "DELETE answers 204",
      ops: ["deleteAuthenticator"],
    },
    { name: "file: token", file: "token.spec.ts", title: "mfa-oob", ops: ["token"] },
    {
      name: "path in the title",
      file: "rate-limits.spec.ts",
      title: "POST /oauth/token 429",
      ops: ["token"],
    },
  ];
  for (const r of rows)
    assert.deepEqual(operationsOf(r.annotations ?? [], r.tags ?? [], r.file, r.title), r.ops, r.name);
});

test("the checks of a test: annotations and tags, else file and title words", () => {
  const rows: Array<{
    name: string;
    annotations?: A[];
    tags?: string[];
    file: string;
    title: string;
    checks: Check[];
  }> = [
    {
      name: "annotations",
      annotations: [
        { type: "check", description: "status" },
        { type: "check", description: "body" },
      ],
      file: "a.spec.ts",
      title: "x",
      checks: ["status", "body"],
    },
    {
      name: "unknown check ignored",
      annotations: [{ type: "check", description: "vibes" }],
      file: "a.spec.ts",
      title: "x",
      checks: ["status"],
    },
    { name: "tag", tags: ["@check:headers"], file: "a.spec.ts", title: "x", checks: ["headers"] },
    {
      name: "rate-limit file",
      file: "contracts/rate-limits.spec.ts",
      title: "remaining never rises",
      checks: ["rate-limits"],
    },
    { name: "security file", file: "security.spec.ts", title: "codes are single use", checks: ["security"] },
    {
      name: "429 in title",
      file: "challenge.spec.ts",
      title: "over the limit answers 429",
      checks: ["rate-limits"],
    },
    { name: "foreign", file: "challenge.spec.ts", title: "a foreign authenticator id", checks: ["security"] },
    {
      name: "negative",
      file: "token.spec.ts",
      title: "wrong binding code → 403 invalid_grant",
      checks: ["errors"],
    },
    {
      name: "headers",
      file: "token.spec.ts",
      title: "content-type is application/json",
      checks: ["headers"],
    },
    { name: "body", file: "token.spec.ts", title: "the response schema holds", checks: ["body"] },
    { name: "default", file: "token.spec.ts", title: "mfa-oob answers 200", checks: ["status"] },
  ];
  for (const r of rows)
    assert.deepEqual(checksOf(r.annotations ?? [], r.tags ?? [], r.file, r.title), r.checks, r.name);
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
      row({ operations: ["flows"], checks: ["status"] }),
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
  assert.deepEqual(m.rows.at(-1), "flows");
  assert.equal(m.rows.length, 6);
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
                tags: ["@op:challenge"],
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
                        annotations: [{ type: "check", description: "headers" }],
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
