/**
 * The one percentile of the load tooling (the simulator's summary, the per-second series, the merge of
 * several runners): `p` on the 0..1 scale, the rank p × (n − 1) interpolated between the two values
 * around it, as k6 computes its p(N) trends. A `p` outside 0..1 throws, so a p(95) written as 95
 * fails at once instead of reading past the end. Pure: k6 bundles may take it too.
 */

/**
 * The percentile `p` (0..1) of ascending values, or undefined when there are none; `n` reads only
 * the first n values (a buffer with spare room).
 */
export function percentile(sorted: ArrayLike<number>, p: number, n = sorted.length): number | undefined {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a percentile is from 0 to 1 (0.95 for p(95)); got ${p}`);
  if (n <= 0) return undefined;
  const rank = p * (n - 1);
  const lo = Math.floor(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.ceil(rank)] ?? a;
  return a + (b - a) * (rank - lo);
}
