/**
 * Writes `drift.json` beside a run's contract outputs and prints its one-line summary (and the
 * warning when the mock baseline is stale): the tail of `npm run test:tenant` and all of `npm run drift`.
 */
import * as fs from "node:fs";
import path from "node:path";
import { mockSourceFingerprint } from "../mock/fingerprint.ts";
import { computeDrift, type DriftReport, readDriftInputs, staleBaselineWarning } from "./drift.ts";

/** `contractsDir` defaults to `<reportsDir>/contracts`; the report goes to `<reportsDir>/drift.json`. */
export function writeDriftReport(
  reportsDir: string,
  contractsDir = path.join(reportsDir, "contracts"),
): DriftReport {
  const inputs = readDriftInputs(reportsDir, fs, contractsDir);
  const report = computeDrift({ ...inputs, currentMockSource: mockSourceFingerprint() });
  const file = path.join(reportsDir, "drift.json");
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const s = report.summary;
  console.log(
    `drift: ${s.descriptionDrifts} from the description, ${s.stepDrifts} from the mock over ${s.comparedSteps} compared step(s) (${file})` +
      (inputs.findings ? "" : " (no findings.json: run the tenant project first)"),
  );
  const stale = staleBaselineWarning(report);
  if (stale) console.warn(stale);
  return report;
}
