/**
 * Runs once before the suites: clears the previous run's per-worker findings and injects the
 * mutation run's deviations (CONTRACTS_MOCK_DEVIATIONS) into the shared mock.
 */
import type { FullConfig } from "@playwright/test";
import { startRun } from "./findings.ts";
import { applyDeviations, deviationsFromEnv } from "./targets/mock.ts";

/** Prepares the run (see the file comment). */
export default async function globalSetup(_config: FullConfig): Promise<void> {
  startRun();
  const url = process.env.CONTRACTS_MOCK_URL;
  if (url) await applyDeviations(url, deviationsFromEnv(process.env));
}
