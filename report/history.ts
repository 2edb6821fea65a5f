/**
 * `reports/history.json`: one entry of figures per run, newest last, bounded, for the trend chart.
 * An entry with the same id replaces the old one, so composing the report twice in one run (before
 * and after the leak check) does not count the run twice.
 */

export interface HistoryEntry {
  id: string;
  time: string;
  commit?: string;
  target: string;
  ok: boolean;
  tests: { passed: number; failed: number; skipped: number; flaky: number };
  findings: number;
  /**
   * Auth0's SDKs through whole flows (reports/clients): flows passed, failed, skipped, and files that
   * were no flow; absent when none ran. Recorded for the runs to come: no chart reads it yet.
   */
  clients?: { passed: number; failed: number; skipped: number; unreadable?: number };
  /** Per scenario: p95 latency (ms), throughput (req/s of the main phase where the run kept its points) and 429s. */
  load: Record<string, { p95?: number; rps: number; limited?: number }>;
}

/** How many runs the trend keeps. */
export const HISTORY_LIMIT = 50;

/** Adds an entry (replacing one with the same id), keeps time order and the newest `limit` entries. */
export function appendHistory(
  history: HistoryEntry[],
  entry: HistoryEntry,
  limit = HISTORY_LIMIT,
): HistoryEntry[] {
  const next = [...history.filter((h) => h.id !== entry.id), entry].sort((a, b) =>
    a.time.localeCompare(b.time),
  );
  return limit > 0 ? next.slice(-limit) : [];
}

/** Reads history.json leniently: malformed entries are dropped, a malformed file is an empty history. */
export function parseHistory(json: unknown): HistoryEntry[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (h): h is HistoryEntry =>
      typeof h === "object" &&
      h !== null &&
      typeof h.id === "string" &&
      typeof h.time === "string" &&
      typeof h.tests === "object" &&
      h.tests !== null &&
      typeof h.tests.passed === "number" &&
      typeof h.tests.failed === "number",
  );
}
