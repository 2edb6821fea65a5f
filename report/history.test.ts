import assert from "node:assert/strict";
import { test } from "node:test";
import { appendHistory, type HistoryEntry, parseHistory } from "./history.ts";

/** An entry for a day of January 2026. */
function entry(day: number, passed = 1): HistoryEntry {
  const time = `2026-01-${String(day).padStart(2, "0")}T00:00:00.000Z`;
  return {
    id: time,
    time,
    target: "mock",
    ok: true,
    tests: { passed, failed: 0, skipped: 0, flaky: 0 },
    findings: 0,
    load: {},
  };
}

test("appends, keeps time order and the newest entries within the bound", () => {
  const rows: Array<{
    name: string;
    history: HistoryEntry[];
    add: HistoryEntry;
    limit: number;
    days: number[];
  }> = [
    { name: "empty", history: [], add: entry(1), limit: 3, days: [1] },
    { name: "under the bound", history: [entry(1), entry(2)], add: entry(3), limit: 3, days: [1, 2, 3] },
    {
      name: "drops the oldest",
      history: [entry(1), entry(2), entry(3)],
      add: entry(4),
      limit: 3,
      days: [2, 3, 4],
    },
    { name: "out of order input", history: [entry(3), entry(1)], add: entry(2), limit: 5, days: [1, 2, 3] },
    { name: "limit 0 keeps nothing", history: [entry(1)], add: entry(2), limit: 0, days: [] },
  ];
  for (const r of rows) {
    const out = appendHistory(r.history, r.add, r.limit);
    assert.deepEqual(
      out.map((h) => Number(h.time.slice(8, 10))),
      r.days,
      r.name,
    );
  }
});

test("an entry with the same id replaces the old one", () => {
  const out = appendHistory([entry(1), entry(2, 5)], entry(2, 7));
  assert.deepEqual(
    out.map((h) => h.tests.passed),
    [1, 7],
  );
});

test("parses leniently", () => {
  assert.deepEqual(parseHistory({}), []);
  assert.deepEqual(parseHistory([null, { id: "x" }, entry(1)]), [entry(1)]);
});
