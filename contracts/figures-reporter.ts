/**
 * Prints the run's figures at the end (tests, wall time, time per test, outcome counts) and writes
 * them to `<report dir>/figures.json` for the README and the combined report.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestResult,
} from "@playwright/test/reporter";
import { reportDir } from "./findings.ts";

/** Figures of one run, as written to figures.json. */
export interface Figures {
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  wallSeconds: number;
  /** Wall time divided by the tests that ran (what a test costs with the run's parallelism). */
  msPerTestWall: number;
  /** Mean of the tests' own durations (what a test costs on its own). */
  msPerTestMean: number;
  workers: number;
  projects: string[];
}

export default class FiguresReporter implements Reporter {
  private readonly outcomes = new Map<string, string>();
  private totalTestMs = 0;
  private workers = 1;
  /** The worker slots tests ran in: Playwright starts no more workers than there are tests. */
  private readonly slots = new Set<number>();
  private projects: string[] = [];

  onBegin(config: FullConfig, suite: Suite): void {
    this.workers = config.workers;
    // The projects that run, not every project the config declares.
    this.projects = suite.suites.map((s) => s.title);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.outcomes.set(test.id, test.outcome());
    this.totalTestMs += result.duration;
    // -1: a result Playwright made without a worker (a skipped job, a worker that died).
    if (result.parallelIndex >= 0) this.slots.add(result.parallelIndex);
  }

  onEnd(result: FullResult): void {
    const counts = { expected: 0, unexpected: 0, skipped: 0, flaky: 0 };
    for (const outcome of this.outcomes.values()) counts[outcome as keyof typeof counts]++;
    const ran = this.outcomes.size - counts.skipped;
    const wallSeconds = result.duration / 1000;
    const figures: Figures = {
      tests: this.outcomes.size,
      passed: counts.expected,
      failed: counts.unexpected,
      skipped: counts.skipped,
      flaky: counts.flaky,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      msPerTestWall: ran ? Math.round(result.duration / ran) : 0,
      msPerTestMean: ran ? Math.round(this.totalTestMs / ran) : 0,
      workers: this.slots.size > 0 ? Math.min(this.slots.size, this.workers) : this.workers,
      projects: this.projects,
    };
    const dir = reportDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(
      `contracts: ${figures.tests} tests (${figures.passed} passed, ${figures.failed} failed, ${figures.skipped} skipped) ` +
        `in ${figures.wallSeconds.toFixed(1)} s wall with ${figures.workers} worker${figures.workers === 1 ? "" : "s"}; ` +
        `${figures.msPerTestWall} ms per test (wall/tests), ${figures.msPerTestMean} ms mean test duration`,
    );
  }

  printsToStdio(): boolean {
    return false;
  }
}
