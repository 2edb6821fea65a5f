import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientFlow, ClientResult } from "./clients.ts";
import type { FindingRow, Matrix } from "./matrix.ts";
import { maskModel, overallOk, type ReportModel } from "./model.ts";

const secret = "tok-0123456789abcdef";
const finding: FindingRow = {
  test: `uses ${secret}`,
  operation: "challenge",
  location: "body",
  pointer: "/oob_code",
  expected: "string",
  actual: `"${secret}" sent to +15550100123`,
  message: "mismatch",
};
const matrix: Matrix = {
  project: "mock",
  rows: ["challenge"],
  factorRows: [],
  cells: new Map([
    [
      "cell-mock-challenge-body",
      { operation: "challenge", check: "body", tests: [], findings: [finding], state: "fail" },
    ],
  ]),
};
const model: ReportModel = {
  title: "t",
  run: { id: "r", target: "mock", startedAt: "", generatedAt: "", versions: [["Node.js", "v20"]] },
  stages: [],
  contracts: {
    available: true,
    tests: [],
    findings: [finding],
    matrices: [matrix],
    errors: [`boom ${secret}`],
  },
  load: { results: [] },
  clients: { flows: [] },
  junit: { totals: { tests: 0, failures: 0, errors: 0, skipped: 0 }, sources: [] },
  history: [],
  links: [],
  secrets: [secret],
};

test("masking reaches every string of the model once, and leaves the secrets out", () => {
  const masked = maskModel(model);
  const json = JSON.stringify(masked, (_, v) => (v instanceof Map ? [...v] : v));
  assert.ok(!json.includes(secret), json);
  assert.ok(!json.includes("+15550100123"), "phone numbers are masked");
  assert.ok(json.includes("+•••••••0123"));
  assert.equal("secrets" in masked, false);
  assert.equal(model.contracts.findings[0], finding, "the input model is left as it was");
  assert.ok(finding.actual.includes(secret));
});

test("a finding stays one object in its cell and in the findings list", () => {
  const masked = maskModel(model);
  const cell = masked.contracts.matrices[0]?.cells.get("cell-mock-challenge-body");
  assert.ok(cell);
  assert.equal(cell.findings[0], masked.contracts.findings[0]);
});

test("a finding fails the run", () => {
  assert.equal(overallOk(maskModel(model)), false);
  assert.equal(overallOk(maskModel({ ...model, contracts: { ...model.contracts, findings: [] } })), true);
});

const flow: ClientFlow = {
  file: "clients/auth0-spa-js.json",
  id: "auth0-spa-js",
  sdk: "@auth0/auth0-spa-js",
  version: "2.28.3",
  flow: "SMS",
  runtime: "Chromium 140",
  transport: "TLS (local CA)",
  startedAt: "2026-01-05T10:00:00.000Z",
  finishedAt: "2026-01-05T10:00:09.000Z",
  steps: [{ name: "login", outcome: "passed", durationMs: 900 }],
};

test("an SDK flow that did not pass fails the run; one skipped here does not", () => {
  const passing = { ...model, contracts: { ...model.contracts, findings: [] } };
  // Rows: the flows of the run, and whether the run passes with them.
  const rows: Array<[string, ClientResult[], boolean]> = [
    ["no flows", [], true],
    ["a passed flow", [flow], true],
    [
      "a skipped flow",
      [{ ...flow, skipped: "no Chromium", steps: [{ name: "login", outcome: "not run", durationMs: 0 }] }],
      true,
    ],
    [
      "a failed step",
      [{ ...flow, steps: [{ name: "login", outcome: "failed", durationMs: 1, message: "boom" }] }],
      false,
    ],
    ["a flow that never finished", [{ ...flow, finishedAt: undefined }], false],
    ["a file that is not a flow", [{ file: "clients/x.json", problem: "not JSON" }], false],
  ];
  for (const [name, flows, ok] of rows)
    assert.equal(overallOk(maskModel({ ...passing, clients: { flows } })), ok, name);
});

test("a client step's message is masked like every other string", () => {
  const failed: ClientFlow = {
    ...flow,
    steps: [{ name: "verify", outcome: "failed", durationMs: 1, message: `got ${secret} for +15550100123` }],
  };
  const json = JSON.stringify(maskModel({ ...model, clients: { flows: [failed] } }).clients);
  assert.ok(!json.includes(secret));
  assert.ok(json.includes("+•••••••0123"));
});
