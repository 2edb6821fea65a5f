/**
 * Fails a run that holds a test the conformance matrix cannot place (no `@op:`/`@check:` tag, or one
 * naming nothing known; see contracts/tags.ts), so `npm test` and CI catch it, not only the report.
 */
import type { FullResult, Reporter, Suite } from "@playwright/test/reporter";
import { tagProblems } from "./tags.ts";

export default class TagsReporter implements Reporter {
  private readonly problems = new Set<string>();

  onBegin(_config: unknown, suite: Suite): void {
    for (const test of suite.allTests()) {
      const where = `${test.location.file.split(/[\\/]/).pop()}:${test.location.line} › ${test.title}`;
      for (const p of tagProblems(test.tags)) this.problems.add(`${where}: ${p.what}`);
    }
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult["status"] } | undefined> {
    if (this.problems.size === 0) return undefined;
    console.error(
      `contracts: ${this.problems.size} tag problem(s) keep tests out of the conformance matrix:`,
    );
    for (const p of this.problems) console.error(`  ${p}`);
    return result.status === "passed" ? { status: "failed" } : undefined;
  }

  printsToStdio(): boolean {
    return false;
  }
}
