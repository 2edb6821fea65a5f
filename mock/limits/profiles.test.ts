import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock } from "../store/clock.ts";
import {
  isProfileName,
  type ProfileName,
  profileNames,
  profiles,
  type RateLimitProfile,
} from "./profiles.ts";
import { RateLimiter } from "./rate-limit.ts";

type Scope = Exclude<keyof RateLimitProfile, "name">;
// [profile, scope, burst, seconds until one token refills] from docs/behaviour.md#plan-limits and
// #factor-limits; null = no bucket.
const table: Array<[ProfileName, Scope, number, number] | [ProfileName, Scope, null]> = [
  ["free", "global", 300, 0.2],
  ["free", "oobExchangePerMfaToken", null],
  ["free", "messagesPerUser", 10, 3600],
  ["free", "failedCodesPerUser", 10, 360],
  ["free", "emailsPerUser", 20, 60],
  ["free", "pushesPerUser", 5, 12],
  ["essentials", "global", 25, 0.04],
  ["essentials", "oobExchangePerMfaToken", 12, 5],
  ["essentials", "messagesPerUser", 10, 3600],
  ["essentials", "failedCodesPerUser", 10, 360],
  ["essentials", "emailsPerUser", 20, 60],
  ["essentials", "pushesPerUser", 5, 12],
  ["enterprise", "global", 100, 0.01],
  ["enterprise", "oobExchangePerMfaToken", 12, 5],
  ["enterprise", "messagesPerUser", 10, 3600],
  ["enterprise", "failedCodesPerUser", 10, 360],
  ["enterprise", "emailsPerUser", 20, 60],
  ["enterprise", "pushesPerUser", 5, 12],
  ["off", "global", null],
  ["off", "oobExchangePerMfaToken", null],
  ["off", "messagesPerUser", null],
  ["off", "failedCodesPerUser", null],
  ["off", "emailsPerUser", null],
  ["off", "pushesPerUser", null],
];

describe("rate-limit profiles", () => {
  it("lists the four profiles, each named after its key", () => {
    assert.deepEqual(profileNames, ["free", "essentials", "enterprise", "off"]);
    for (const name of profileNames) assert.equal(profiles[name].name, name);
    assert.equal(isProfileName("essentials"), true);
    assert.equal(isProfileName("professional"), false);
    assert.equal(isProfileName("toString"), false);
  });

  for (const [profile, scope, burst, seconds] of table) {
    it(`${profile}.${scope}: ${burst === null ? "no bucket" : `burst ${burst}, 1 token per ${seconds}s`}`, () => {
      const spec = profiles[profile][scope];
      if (burst === null) return assert.equal(spec, null);
      assert.ok(spec);
      assert.equal(spec.burst, burst);
      assert.ok(Math.abs(1 / spec.refillPerSecond - (seconds ?? 0)) < 1e-9);
      // Driven through the limiter: the burst passes, the next is refused until one token refills.
      const clock = new Clock({ frozenAt: 1_700_000_000_000 });
      const limiter = new RateLimiter(clock);
      for (let i = 0; i < burst; i++) assert.equal(limiter.take(spec, "k").allowed, true);
      assert.equal(limiter.take(spec, "k").allowed, false);
      clock.advance((seconds ?? 0) * 1000);
      assert.equal(limiter.take(spec, "k").allowed, true);
      assert.equal(limiter.take(spec, "k").allowed, false);
    });
  }

  it("specs are frozen (shared by every bucket)", () => {
    assert.throws(() => {
      (profiles.essentials.global as { burst: number }).burst = 1;
    }, TypeError);
  });
});
