/** Execution segments: parsing k6's strings, the runner's position, disjoint pool slices, signals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isLeader,
  ownUsers,
  parseBound,
  poolSlice,
  segmentArgs,
  segmentOf,
  signalPhone,
  WHOLE,
} from "./segments.ts";

test("bounds in every form k6 accepts", () => {
  const rows: Array<[string, number]> = [
    ["0", 0],
    ["1", 1],
    ["1/3", 1 / 3],
    ["0.25", 0.25],
    ["50%", 0.5],
  ];
  for (const [text, want] of rows) assert.equal(parseBound(text), want, text);
  for (const bad of ["", "x", "3/2", "-1", "120%"]) assert.throws(() => parseBound(bad), bad);
});

test("a runner's position in its sequence", () => {
  assert.deepEqual(segmentOf(undefined, undefined), WHOLE);
  assert.deepEqual(segmentOf("0:1", null), WHOLE);
  assert.deepEqual(segmentOf("1/3:2/3", "0,1/3,2/3,1"), { start: 1 / 3, end: 2 / 3, index: 1, count: 3 });
  assert.deepEqual(segmentOf("1/2", "0,1/2,1"), { start: 0, end: 0.5, index: 0, count: 2 });
  // Refused: the setup could not know how many runners there are, or which one this is.
  const bad: Array<[string, string | undefined, RegExp]> = [
    ["0:1/2", undefined, /without --execution-segment-sequence/],
    ["1/4:1/2", "0,1/2,1", /not one of the sequence/],
    ["1/2:1/4", "0,1/4,1/2,1", /not a segment/],
  ];
  for (const [segment, sequence, message] of bad) assert.throws(() => segmentOf(segment, sequence), message);
});

test("segmentArgs gives what segmentOf reads back, one leader", () => {
  const args = segmentArgs(3);
  assert.deepEqual(args[1], { segment: "1/3:2/3", sequence: "0,1/3,2/3,1" });
  const segments = args.map((a) => segmentOf(a.segment, a.sequence));
  assert.deepEqual(
    segments.map((s) => s.index),
    [0, 1, 2],
  );
  assert.deepEqual(segments.map(isLeader), [true, false, false]);
  assert.deepEqual(segmentArgs(1), [{ segment: "0:1", sequence: "0,1" }]);
  assert.throws(() => segmentArgs(0));
});

test("pool slices are disjoint and cover the pool", () => {
  for (const n of [1, 2, 3, 4, 7]) {
    for (const total of [0, 1, 5, 188, 1000]) {
      const slices = segmentArgs(n).map((a) => poolSlice(total, segmentOf(a.segment, a.sequence)));
      assert.equal(slices[0]?.from, 0);
      assert.equal(slices.at(-1)?.to, total);
      for (let i = 1; i < slices.length; i++)
        assert.equal(slices[i]?.from, slices[i - 1]?.to, `${n} ${total}`);
    }
  }
});

test("each runner enrols its share plus one; one runner the whole plan", () => {
  assert.equal(ownUsers(188, WHOLE), 188);
  assert.equal(ownUsers(188, segmentOf("0:1/3", "0,1/3,2/3,1")), 64);
});

test("signal numbers are E.164, per slot and per run, never a user's +1555 number", () => {
  const a = signalPhone("run-a", 0);
  assert.match(a, /^\+1556\d{9}$/);
  assert.notEqual(a, signalPhone("run-a", 1));
  assert.notEqual(a, signalPhone("run-b", 0));
});
