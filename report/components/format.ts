/** How times, durations and outcomes read on the page. */
import { fmt } from "../charts.tsx";

/** Readable UTC time from an ISO string. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** Milliseconds as "1.2 s" / "3 min 4 s". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Milliseconds for a table cell. */
export function fmtMs(ms: number | undefined): string {
  return ms === undefined ? "–" : `${fmt(ms)} ms`;
}

/** The badge class of an outcome or stage status: pass, fail or skip (flaky and skipped read as skip). */
export function badgeClass(status: string): "pass" | "fail" | "skip" {
  return status === "passed" ? "pass" : status === "failed" ? "fail" : "skip";
}
