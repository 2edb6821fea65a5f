import assert from "node:assert/strict";
import { test } from "node:test";
import type { FullResult, Suite } from "@playwright/test/reporter";
import { tagProblems } from "./tags.ts";
import TagsReporter from "./tags-reporter.ts";

/** A suite holding tests with these tags, as much of Playwright's Suite as the reporter reads. */
function suite(...tagSets: string[][]): Suite {
  const tests = tagSets.map((tags, i) => ({
    title: `t${i}`,
    tags,
    location: { file: "/x/a.spec.ts", line: i + 1 },
  }));
  return { allTests: () => tests } as unknown as Suite;
}

const passed = { status: "passed" } as FullResult;

test("a run whose tests all have their cells keeps its status", async () => {
  const r = new TagsReporter();
  r.onBegin({}, suite(["@op:challenge", "@check:status"], ["@op:token", "@op:challenge", "@check:errors"]));
  assert.equal(await r.onEnd(passed), undefined);
});

const rows: Array<{ name: string; tags: string[]; says: RegExp }> = [
  { name: "no tag at all", tags: [], says: /no @op:<operationId> tag/ },
  { name: "no @check:", tags: ["@op:challenge"], says: /no @check:<check> tag/ },
  {
    name: "an unknown operation",
    tags: ["@op:chalenge", "@check:status"],
    says: /unknown operation in @op:chalenge/,
  },
  { name: "an unknown check", tags: ["@op:token", "@check:speed"], says: /unknown check in @check:speed/ },
];
for (const row of rows) {
  test(`a run fails on a test with ${row.name}`, async () => {
    assert.match(
      tagProblems(row.tags)
        .map((p) => p.what)
        .join("\n"),
      row.says,
    );
    const r = new TagsReporter();
    r.onBegin({}, suite(["@op:challenge", "@check:status"], row.tags));
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      assert.deepEqual(await r.onEnd(passed), { status: "failed" });
    } finally {
      console.error = original;
    }
    assert.match(errors.join("\n"), /a\.spec\.ts:2 › t1/);
  });
}
