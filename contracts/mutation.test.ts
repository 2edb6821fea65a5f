import assert from "node:assert/strict";
import { test } from "node:test";
import { deviationNames } from "../mock/deviations.ts";
import { defaultPlan, judge, longestFirst, mapLimited, SYMPTOMS } from "./mutation.ts";

const failure = (title: string, text = "") => ({ title, text });

test("a fault is caught by a failure whose error or finding names the symptom; the evidence is that line", () => {
  const verdict = judge(SYMPTOMS["associate-status-201"], {
    failed: [failure("associate.spec.ts › enrolls", "Expected: 200\nReceived: 201")],
    findings: [],
  });
  assert.equal(verdict.evidence, "associate.spec.ts › enrolls: Received: 201");
  assert.deepEqual(verdict.failing, ["associate.spec.ts › enrolls"]);

  const byFinding = judge(/x-ratelimit-/, {
    failed: [failure("challenge.spec.ts › challenge › sms", "Error: 1 finding(s)")],
    findings: [{ test: "challenge › sms", message: "header x-ratelimit-limit is missing" }],
  });
  assert.equal(
    byFinding.evidence,
    "challenge.spec.ts › challenge › sms: header x-ratelimit-limit is missing",
  );
});

test("a failure for another reason (a timeout on a busy machine) does not count as a catch", () => {
  const verdict = judge(SYMPTOMS["lockout-never-triggers"], {
    failed: [failure("associate.spec.ts › enrolls", "Test timeout of 30000ms exceeded.")],
    findings: [],
  });
  assert.equal(verdict.evidence, undefined);
  assert.deepEqual(verdict.failing, ["associate.spec.ts › enrolls"]);
});

test("a fault without a symptom is caught by any failure, and by none when nothing failed", () => {
  assert.ok(judge(undefined, { failed: [failure("t", "boom")], findings: [] }).evidence);
  assert.equal(judge(undefined, { failed: [], findings: [] }).evidence, undefined);
});

test("mapLimited runs at most `limit` at a time and answers in the items' order", async () => {
  let running = 0;
  let most = 0;
  const results = await mapLimited([30, 10, 20, 5, 15], 2, async (ms) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, ms));
    running--;
    return ms * 2;
  });
  assert.equal(most, 2);
  assert.deepEqual(results, [60, 20, 40, 10, 30]);
  assert.deepEqual(await mapLimited([], 4, async (x: number) => x), []);
});

test("longestFirst starts the faults the last run found slowest first, unknown ones before them", () => {
  const items = [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "new" }];
  const last = new Map([
    ["a", 5],
    ["b", 60],
    ["c", 20],
  ]);
  assert.deepEqual(
    longestFirst(items, last).map((i) => i.name),
    ["new", "b", "c", "a"],
  );
});

test("the default plan: one worker per run, two runs per core", () => {
  assert.deepEqual(defaultPlan(2), { jobs: 4, workers: 1 });
  assert.deepEqual(defaultPlan(1), { jobs: 2, workers: 1 });
  assert.equal(defaultPlan(64).jobs, 16);
});

test("every deviation has a symptom, and every symptom names a deviation", () => {
  assert.deepEqual(Object.keys(SYMPTOMS).sort(), [...deviationNames].sort());
});
