/**
 * The clock's bound through the control API: an advance past the total cap answers 400 naming it,
 * never a 5xx, and the clock keeps answering. The report: 28,000 ten-year advances gave 500s and
 * then `GET /__mock/clock` answered 500 until a reset.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMockApp } from "../app.ts";

const json = { "content-type": "application/json" };

describe("POST /__mock/clock bounds", () => {
  it("a thousand ten-year advances: 200 up to the cap, then 400 naming it; GET /__mock/clock still answers", async () => {
    const app = createMockApp({ signingThreads: 0 });
    const statuses = new Map<number, number>();
    let refusal = "";
    for (let i = 0; i < 1000; i++) {
      const answer = await app.request("/__mock/clock", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ advance_seconds: 315_360_000 }),
      });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 400) refusal = answer.body;
    }
    assert.deepEqual([...statuses].sort(), [
      [200, 10],
      [400, 990],
    ]);
    const body = JSON.parse(refusal) as { error: string; error_description: string };
    assert.equal(body.error, "invalid_request");
    assert.match(body.error_description, /at most 3153600000 seconds \(100 years\) ahead in total/);
    const clock = await app.request("/__mock/clock");
    assert.equal(clock.status, 200);
    assert.match((JSON.parse(clock.body) as { now: string }).now, /^\d{4}-/);
    // A reset brings the whole offset back.
    assert.equal(
      (await app.request("/__mock/reset", { method: "POST", headers: json, body: "{}" })).status,
      200,
    );
    const again = await app.request("/__mock/clock", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ advance_seconds: 60 }),
    });
    assert.equal(again.status, 200);
  });
});
