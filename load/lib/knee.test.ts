import assert from "node:assert/strict";
import { test } from "node:test";
import { findKnee, stageAt } from "./knee.ts";

test("the knee is the first stage with errors or a degraded p95", () => {
  const rows: Array<[string, Parameters<typeof findKnee>[0], number | undefined, RegExp | undefined]> = [
    [
      "every stage holds",
      [
        { rate: 10, requests: 100, errors: 0, p95: 5 },
        { rate: 20, requests: 200, errors: 1, p95: 8 },
      ],
      undefined,
      undefined,
    ],
    [
      "errors above 1%",
      [
        { rate: 10, requests: 100, errors: 0, p95: 5 },
        { rate: 20, requests: 200, errors: 30, p95: 5 },
      ],
      1,
      /errors 15.0% > 1.0%/,
    ],
    [
      "p95 three times the first stage's and above the floor",
      [
        { rate: 10, requests: 100, errors: 0, p95: 20 },
        { rate: 20, requests: 200, errors: 0, p95: 50 },
        { rate: 30, requests: 300, errors: 0, p95: 70 },
      ],
      2,
      /p95 70 ms > 3× the first stage's 20 ms/,
    ],
    [
      "sub-millisecond noise is no knee",
      [
        { rate: 10, requests: 100, errors: 0, p95: 0.2 },
        { rate: 20, requests: 200, errors: 0, p95: 2 },
      ],
      undefined,
      undefined,
    ],
    ["a stage without requests holds", [{ rate: 10, requests: 0, errors: 0 }], undefined, undefined],
  ];
  for (const [name, stages, stage, reason] of rows) {
    const knee = findKnee(stages);
    assert.equal(knee?.stage, stage, name);
    if (reason) assert.match(knee?.reason ?? "", reason, name);
  }
  assert.equal(findKnee([{ rate: 5, requests: 10, errors: 5 }])?.lastGoodRate, undefined);
  assert.equal(
    findKnee([
      { rate: 5, requests: 10, errors: 0 },
      { rate: 9, requests: 10, errors: 5 },
    ])?.lastGoodRate,
    5,
  );
});

test("stageAt maps elapsed time onto stages", () => {
  const stages = [{ seconds: 2 }, { seconds: 3 }];
  assert.equal(stageAt(stages, 0), 0);
  assert.equal(stageAt(stages, 1.99), 0);
  assert.equal(stageAt(stages, 2), 1);
  assert.equal(stageAt(stages, 99), 1);
});
