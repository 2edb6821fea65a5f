/**
 * `npm run drift`: writes reports/drift.json from the contract run's findings and observations
 * (tenant against description, tenant against mock). Prints a one-line summary.
 */
import * as fs from "node:fs";
import path from "node:path";
import { mockSourceFingerprint } from "../mock/fingerprint.ts";
import { computeDrift, readDriftInputs, staleBaselineWarning } from "./drift.ts";

const reportsDir = process.env.REPORTS_DIR ?? "reports";
const inputs = readDriftInputs(reportsDir, fs);
const report = computeDrift({ ...inputs, currentMockSource: mockSourceFingerprint() });
fs.mkdirSync(reportsDir, { recursive: true });
fs.writeFileSync(path.join(reportsDir, "drift.json"), `${JSON.stringify(report, null, 2)}\n`);
const s = report.summary;
console.log(
  `drift: ${s.descriptionDrifts} difference(s) from the description, ${s.stepDrifts} from the mock over ${s.comparedSteps} compared step(s)` +
    (inputs.findings ? "" : " (no findings.json: run the tenant project first)"),
);
const stale = staleBaselineWarning(report);
if (stale) console.warn(stale);
