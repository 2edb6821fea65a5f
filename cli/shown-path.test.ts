import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { shownPath } from "./shown-path.ts";

test("a path below the working folder is shown relative to it, any other absolute", () => {
  const from = path.resolve("/work/repo");
  const rows: Array<[string, string]> = [
    [path.join(from, "reports", "index.html"), path.join("reports", "index.html")],
    ["reports/load", path.join("reports", "load")],
    [from, "."],
    [path.resolve("/tmp/nightly/summary.json"), path.resolve("/tmp/nightly/summary.json")],
    [path.join(from, "..", "elsewhere"), path.resolve("/work/elsewhere")],
    // A sibling whose name starts with ".." is still below.
    [path.join(from, "..reports"), "..reports"],
  ];
  for (const [file, shown] of rows) assert.equal(shownPath(file, from), shown, file);
});
