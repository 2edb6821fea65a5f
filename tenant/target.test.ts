import assert from "node:assert/strict";
import { test } from "node:test";
import { fictionalNumbers } from "./target.ts";

test("workers running at once draw from disjoint slices of the fictional range, each number once per 100", () => {
  const slices = [0, 1, 5].map((i) => {
    const next = fictionalNumbers(i);
    return Array.from({ length: 100 }, next);
  });
  for (const numbers of slices) {
    assert.equal(new Set(numbers).size, 100, "a worker repeats no number within its slice");
    for (const n of numbers) assert.match(n, /^\+447700900\d{3}$/);
  }
  const all = slices.flat();
  assert.equal(new Set(all).size, all.length, "no two workers share a number");
  assert.ok(
    slices[1]?.every((n) => n.slice(-3, -2) === "1"),
    "worker 1 keeps to 9001xx",
  );
});
