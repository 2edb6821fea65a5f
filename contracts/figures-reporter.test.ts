import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from "@playwright/test/reporter";
import FiguresReporter from "./figures-reporter.ts";

const dir = mkdtempSync(path.join(tmpdir(), "contracts-figures-"));
process.env.CONTRACTS_REPORT_DIR = dir;
after(() => rmSync(dir, { recursive: true, force: true }));

test("the workers figure is the worker slots tests ran in, never -1 (a result made without a worker)", () => {
  const reporter = new FiguresReporter();
  reporter.onBegin({ workers: 6 } as FullConfig, { suites: [{ title: "mock" }] } as Suite);
  // Rows: a test, its outcome, the slot Playwright ran it in (-1: skipped without a worker).
  const rows: Array<[string, string, number]> = [
    ["a", "expected", 0],
    ["b", "expected", 0],
    ["c", "skipped", -1],
  ];
  for (const [id, outcome, parallelIndex] of rows) {
    reporter.onTestEnd(
      { id, outcome: () => outcome } as TestCase,
      { duration: 5, parallelIndex } as TestResult,
    );
  }
  const log = console.log;
  console.log = () => {};
  try {
    reporter.onEnd({ duration: 1000 } as FullResult);
  } finally {
    console.log = log;
  }
  const figures = JSON.parse(readFileSync(path.join(dir, "figures.json"), "utf8"));
  assert.deepEqual([figures.tests, figures.passed, figures.skipped, figures.workers], [3, 2, 1, 1]);
});
