/**
 * Execution segments (k6's `--execution-segment` and `--execution-segment-sequence`, what the
 * k6-operator gives each runner): which share of the run a runner is, and what follows from it for
 * the setup (which runner resets the mock, which slice of a user pool is whose). Pure module: no k6
 * and no Node imports, so the scenarios and the Node runner share it.
 */

/** One runner's share: [start, end) of the run, its 0-based position in the sequence, how many runners. */
export interface Segment {
  start: number;
  end: number;
  index: number;
  count: number;
}

/** The whole run on one runner. */
export const WHOLE: Segment = { start: 0, end: 1, index: 0, count: 1 };

/** A k6 segment bound: "1/3", "0.25", "25%", "0", "1". */
export function parseBound(text: string): number {
  const t = text.trim();
  if (t === "") throw new Error("an empty segment bound");
  let value: number;
  if (t.endsWith("%")) value = Number(t.slice(0, -1)) / 100;
  else if (t.includes("/")) {
    const [num = "", den = ""] = t.split("/");
    value = Number(num) / Number(den);
  } else value = Number(t);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`"${text}" is not a segment bound`);
  return value;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * The segment of a runner from k6's options (`exec.test.options.executionSegment` and
 * `...Sequence`, strings such as "1/3:2/3" and "0,1/3,2/3,1"); the whole run when none is set.
 */
export function segmentOf(segment?: string | null, sequence?: string | null): Segment {
  if (!segment) return WHOLE;
  const parts = segment.split(":");
  // k6 reads "1/3" alone as "0:1/3".
  const [start, end] = parts.length === 1 ? [0, parseBound(parts[0] ?? "")] : parts.map(parseBound);
  if (start === undefined || end === undefined || end <= start)
    throw new Error(`"${segment}" is not a segment`);
  if (near(start, 0) && near(end, 1)) return WHOLE;
  if (!sequence) {
    // Without the sequence nobody knows how many runners there are: the setup needs it.
    throw new Error(`execution segment ${segment} without --execution-segment-sequence: set both`);
  }
  const bounds = sequence.split(",").map(parseBound);
  const index = bounds.findIndex((b) => near(b, start));
  if (index < 0 || !near(bounds[index + 1] ?? Number.NaN, end)) {
    throw new Error(`execution segment ${segment} is not one of the sequence ${sequence}`);
  }
  return { start, end, index, count: bounds.length - 1 };
}

/** The `--execution-segment` and `--execution-segment-sequence` of each of `n` equal runners. */
export function segmentArgs(n: number): Array<{ segment: string; sequence: string }> {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`the number of runners must be a whole number >= 1, not ${n}`);
  const bound = (i: number) => (i === 0 ? "0" : i === n ? "1" : `${i}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => bound(i)).join(",");
  return Array.from({ length: n }, (_, i) => ({ segment: `${bound(i)}:${bound(i + 1)}`, sequence }));
}

/** True for the runner that prepares what all share (resets the mock): the one whose segment starts at 0. */
export function isLeader(s: Segment): boolean {
  return s.index === 0;
}

/**
 * This runner's slice [from, to) of a pool of `total` users: disjoint across the runners of one
 * sequence, together the whole pool.
 */
export function poolSlice(total: number, s: Segment): { from: number; to: number } {
  return { from: Math.floor(s.start * total + 1e-9), to: Math.floor(s.end * total + 1e-9) };
}

/**
 * How many users a runner enrols for itself when each makes its own (the mock): its share of the
 * plan, rounded up, plus one: k6 stripes iterations and VUs over the sequence, so a share can be one
 * more than the proportion.
 */
export function ownUsers(total: number, s: Segment): number {
  if (s.count <= 1) return total;
  return Math.ceil(total * (s.end - s.start)) + 1;
}

/**
 * The phone number a runner's signal is sent to on the mock (read back from its outbox): slot 0 is
 * "the leader has reset the mock", slot k "runner k has enrolled its users". A +1556 number, so it is
 * never one of the +1555 numbers the users get; the run id keeps runs sharing a mock apart.
 */
export function signalPhone(runId: string, slot: number): string {
  let hash = 0;
  for (let i = 0; i < runId.length; i++) hash = (hash * 31 + runId.charCodeAt(i)) % 10000;
  return `+1556${String(hash).padStart(4, "0")}${String(slot).padStart(5, "0")}`;
}
