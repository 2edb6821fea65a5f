import assert from "node:assert/strict";
import { test } from "node:test";
import type { Stage } from "../../report/model.ts";
import { stagesLine } from "./stages.ts";

test("the job's last line counts a skipped stage apart, never as passed", () => {
  const stage = (name: string, status: Stage["status"]): Stage => ({ name, status });
  const rows: Array<[Stage[], string]> = [
    [[stage("a", "passed"), stage("b", "passed")], "2 of 2 stages passed."],
    [[stage("a", "passed"), stage("load", "skipped")], "1 of 2 stages passed; skipped: load."],
    [
      [stage("a", "failed"), stage("load", "skipped"), stage("c", "passed")],
      "1 of 3 stages passed; skipped: load; failed: a.",
    ],
  ];
  for (const [stages, line] of rows) assert.equal(stagesLine(stages), line);
});
