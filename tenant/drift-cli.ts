/**
 * `npm run drift`: writes reports/drift.json from the contract run's findings and observations
 * (tenant against description, tenant against mock). Prints a one-line summary.
 */
import { writeDriftReport } from "./drift-report.ts";

writeDriftReport(process.env.REPORTS_DIR ?? "reports");
