/**
 * Runs once before the suites: clears earlier runs' per-worker findings and names this run.
 * (The mutation run's fault is passed to the mocks on their command lines, see playwright.config.ts.)
 */
import { startRun } from "./findings.ts";

/** Prepares the run (see the file comment). */
export default async function globalSetup(): Promise<void> {
  startRun();
}
