import assert from "node:assert/strict";
import { it } from "node:test";
import { benchChallengeHandle } from "./in-process.ts";

it("measures the CPU of successful challenge answers in process (the fixture is refused loudly otherwise)", () => {
  const r = benchChallengeHandle({ rounds: 3, perRound: 200 });
  assert.equal(r.calls, 600);
  assert.ok(r.min > 0 && r.min <= r.median, `min ${r.min}, median ${r.median}`);
});
