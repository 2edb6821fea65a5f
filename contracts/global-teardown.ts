/**
 * Runs once after every worker has stopped: merges the workers' findings into findings.json,
 * prints how many responses were checked against the description, and removes the TLS mode's CA.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { shownPath } from "../cli/shown-path.ts";
import { mergeWorkerLedgers, reportDir } from "./findings.ts";
import { tlsDirFromEnv } from "./targets/mock-process.ts";

/** Merges findings and prints the schema-check count. */
export default async function globalTeardown(): Promise<void> {
  // The TLS mode's CA (and its key) lived for this run only (playwright.config.ts).
  const tlsDir = tlsDirFromEnv(process.env);
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  const summary = mergeWorkerLedgers();
  const perOperation = Object.entries(summary.byOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
  console.log(
    `\nschema-checked responses: ${summary.checked} (${perOperation || "none"}); global 429s waited out: ${summary.waits} (${(summary.waitedMs / 1000).toFixed(1)} s); findings: ${summary.findings} → ${shownPath(path.join(reportDir(), "findings.json"))}`,
  );
}
