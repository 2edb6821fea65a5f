import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock, ClockOffsetError, MAX_OFFSET_MS } from "./clock.ts";

describe("Clock", () => {
  it("a frozen clock only moves with advance() and reset() goes back to frozenAt", () => {
    const clock = new Clock({ frozenAt: 1_700_000_000_000 });
    assert.equal(clock.frozen, true);
    assert.equal(clock.now(), 1_700_000_000_000);
    assert.equal(clock.now(), 1_700_000_000_000);
    clock.advance(1500);
    clock.advance(0);
    assert.equal(clock.now(), 1_700_000_001_500);
    assert.equal(clock.nowIso(), "2023-11-14T22:13:21.500Z");
    clock.reset();
    assert.equal(clock.now(), 1_700_000_000_000);
  });

  it("a live clock is real time plus the offset", () => {
    const clock = new Clock();
    assert.equal(clock.frozen, false);
    clock.advance(3_600_000);
    const before = Date.now();
    const now = clock.now();
    const after = Date.now();
    assert.ok(now >= before + 3_600_000 && now <= after + 3_600_000);
    clock.reset();
    assert.ok(clock.now() <= Date.now());
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`advance(${bad}) throws RangeError and leaves time alone`, () => {
      const clock = new Clock({ frozenAt: 0 });
      assert.throws(() => clock.advance(bad), RangeError);
      assert.equal(clock.now(), 0);
    });
  }

  it("rejects a non-finite frozenAt", () => {
    assert.throws(() => new Clock({ frozenAt: Number.NaN }), RangeError);
  });
});

describe("Clock bounds", () => {
  it("caps the total offset at MAX_OFFSET_MS: the advance past it is refused, the clock unchanged", () => {
    const clock = new Clock({ frozenAt: 0 });
    clock.advance(MAX_OFFSET_MS - 1000);
    assert.throws(
      () => clock.advance(2000),
      (e: unknown) => {
        assert.ok(e instanceof ClockOffsetError);
        assert.match(
          e.message,
          /at most 3153600000 seconds \(100 years\) ahead in total; 1 seconds are left/,
        );
        return true;
      },
    );
    assert.equal(clock.now(), MAX_OFFSET_MS - 1000);
    clock.advance(1000); // exactly at the cap is allowed
    assert.equal(clock.now(), MAX_OFFSET_MS);
  });

  it("a thousand ten-year advances on a live clock: refused past the cap, nowIso() still answers", () => {
    // The reported failure: the offset grew past what a Date holds and nowIso() threw forever.
    const clock = new Clock();
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        clock.advance(315_360_000_000);
      } catch (e) {
        assert.ok(e instanceof ClockOffsetError);
        refused++;
      }
    }
    assert.equal(refused, 990, "ten advances of ten years fill the hundred");
    assert.match(clock.nowIso(), /^\d{4}-\d\d-\d\dT/);
    clock.reset();
    clock.advance(1000);
  });
});
