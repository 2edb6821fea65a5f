import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock } from "./clock.ts";

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
