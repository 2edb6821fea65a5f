/**
 * The HTML page of one load run, from its summary.json, drawn by the report's load components:
 * verdict, latency, thresholds, schema conformance, the rate-limit envelope and the ramp's knee.
 * Self-contained (no script, no external asset); every value is escaped by the renderer. The summary
 * holds no secret, by construction.
 */
import { h } from "preact";
import type { LoadSummary } from "../load/lib/summary.ts";
import { renderDocument } from "./components/document.tsx";
import { LoadPage } from "./components/load-page.tsx";
import { parseLoadSummary } from "./load.ts";

/** Renders the page; `series` is the run's series.json, when k6 wrote its points. */
export function renderLoadHtml(summary: LoadSummary, series?: unknown): string {
  const result = parseLoadSummary(summary.harness.scenario, summary, undefined, [], series);
  return renderDocument(h(LoadPage, { result }));
}
