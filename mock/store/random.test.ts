import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng, deviceId, opaqueToken, randomString, recoveryCode, sixDigitCode } from "./random.ts";

describe("createRng", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const take = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng());
    };
    assert.deepEqual(take(42), take(42));
    assert.notDeepEqual(take(42), take(43));
  });

  it("stays in [0, 1)", () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const x = rng();
      assert.ok(x >= 0 && x < 1, `${x}`);
    }
  });
});

describe("crypto generators", () => {
  const cases: Array<{ name: string; make: () => string; pattern: RegExp }> = [
    { name: "opaqueToken()", make: () => opaqueToken(), pattern: /^[A-Za-z0-9_-]{43}$/ },
    { name: "opaqueToken(prefix)", make: () => opaqueToken("mfa_"), pattern: /^mfa_[A-Za-z0-9_-]{43}$/ },
    { name: "sixDigitCode", make: sixDigitCode, pattern: /^\d{6}$/ },
    { name: "deviceId", make: deviceId, pattern: /^dev_[A-Za-z0-9]{16}$/ },
    { name: "recoveryCode", make: recoveryCode, pattern: /^[A-Z0-9]{24}$/ },
    { name: "randomString(5, 'ab')", make: () => randomString(5, "ab"), pattern: /^[ab]{5}$/ },
  ];
  for (const { name, make, pattern } of cases) {
    it(`${name} has the documented shape and does not repeat`, () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const value = make();
        assert.match(value, pattern);
        seen.add(value);
      }
      // Six-digit codes and 2-letter strings may collide in 200 draws; the long values must not.
      assert.ok(seen.size > (name.startsWith("randomString") ? 10 : 150), `${name}: ${seen.size} distinct`);
    });
  }

  it("randomString uses every symbol of the alphabet", () => {
    const counts = new Map<string, number>();
    for (const ch of randomString(3600, "abc")) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ["a", "b", "c"]);
    for (const n of counts.values()) assert.ok(n > 900, `skewed: ${n}`);
  });

  it("draws across many pool refills stay well-formed and distinct", () => {
    // 2,000 tokens are 64,000 bytes: the 8 KiB pool is refilled several times in between.
    const tokens = new Set(Array.from({ length: 2000 }, () => opaqueToken()));
    assert.equal(tokens.size, 2000);
    const long = randomString(20_000);
    assert.match(long, /^[A-Za-z0-9]{20000}$/);
    const digits = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const first = sixDigitCode()[0] as string;
      digits.set(first, (digits.get(first) ?? 0) + 1);
    }
    // Each leading digit (0 included) is expected 300 times.
    assert.equal(digits.size, 10);
    for (const n of digits.values()) assert.ok(n > 180, `skewed: ${n}`);
  });

  it("randomString rejects unusable alphabets", () => {
    assert.throws(() => randomString(4, "a"), RangeError);
  });
});
