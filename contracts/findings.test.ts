import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { type FindingRecord, mergeWorkerLedgers, reportDir, startRun, WorkerLedger } from "./findings.ts";

const dir = mkdtempSync(path.join(tmpdir(), "contracts-findings-"));
process.env.CONTRACTS_REPORT_DIR = dir;
after(() => rmSync(dir, { recursive: true, force: true }));

const finding: FindingRecord = {
  test: "t",
  project: "mock",
  operation: "challenge",
  status: 200,
  location: "header",
  pointer: "x-ratelimit-limit",
  expected: "present",
  actual: "missing",
  message: "header x-ratelimit-limit is missing",
};

test("worker ledgers of this run merge into findings.json and checked.json; earlier runs' files are ignored", () => {
  const stale = new WorkerLedger("mock-0-1");
  stale.checked("token");
  stale.flush();
  startRun();
  const a = new WorkerLedger("mock-0-2");
  const b = new WorkerLedger("mock-1-3");
  a.checked("token");
  a.checked("challenge");
  a.waited(1200);
  b.checked("token");
  b.add([finding]);
  a.flush();
  b.flush();
  const summary = mergeWorkerLedgers();
  assert.deepEqual(summary, {
    checked: 3,
    waits: 1,
    waitedMs: 1200,
    byOperation: { token: 2, challenge: 1 },
    findings: 1,
  });
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "findings.json"), "utf8")), [finding]);
  assert.equal(JSON.parse(readFileSync(path.join(dir, "checked.json"), "utf8")).checked, 3);
});

test("a run without any worker file writes empty results", () => {
  startRun();
  assert.deepEqual(mergeWorkerLedgers().checked, 0);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "findings.json"), "utf8")), []);
});

test("the contract outputs' folder: CONTRACTS_REPORT_DIR, else contracts/ of the reports folder", () => {
  const saved = { own: process.env.CONTRACTS_REPORT_DIR, reports: process.env.REPORTS_DIR };
  const rows: Array<[string | undefined, string | undefined, string]> = [
    [dir, undefined, dir],
    ["relative-run", path.join(dir, "r"), path.resolve("relative-run")],
    [undefined, path.join(dir, "r"), path.join(dir, "r", "contracts")],
    ["", "", path.resolve(import.meta.dirname, "..", "reports", "contracts")],
  ];
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  try {
    for (const [own, reports, expected] of rows) {
      set("CONTRACTS_REPORT_DIR", own);
      set("REPORTS_DIR", reports);
      assert.equal(reportDir(), expected, `${own} ${reports}`);
    }
  } finally {
    set("CONTRACTS_REPORT_DIR", saved.own);
    set("REPORTS_DIR", saved.reports);
  }
});
