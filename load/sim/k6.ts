/** Simulated `k6`: check and sleep (virtual time). */
import { record, sim } from "./state.ts";

/** Runs each named check on `value`, records it in `checks`, and says whether all passed. */
export function check<T>(
  value: T,
  sets: Record<string, (v: T) => boolean>,
  tags: Record<string, string> = {},
): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(value));
    record("checks", "rate", ok ? 1 : 0, { check: name, ...tags });
    all &&= ok;
  }
  return all;
}

/** Moves virtual time forward instead of waiting. */
export function sleep(seconds: number): void {
  sim().sleep(seconds * 1000);
}

/** Stops the iteration, as k6's fail() does. */
export function fail(message?: string): never {
  throw new Error(message ?? "fail() called");
}
