/**
 * The model of one run that the page is rendered from, the verdict, and the one place where the
 * run's secrets are masked: the whole model, once, before any component sees it.
 */

import { createMasker } from "../redaction/mask.ts";
import { type ClientResult, clientFlowStatus } from "./clients.ts";
import type { HistoryEntry } from "./history.ts";
import type { JUnitTotals } from "./junit.ts";
import type { LoadResult } from "./load.ts";
import type { FindingRow, Matrix, TestRow } from "./matrix.ts";

export interface Stage {
  name: string;
  status: "passed" | "failed" | "skipped";
  durationMs?: number;
  note?: string;
}

export interface ReportModel {
  title: string;
  run: {
    id: string;
    target: string;
    baseURL?: string;
    startedAt: string;
    generatedAt: string;
    /** Only when the job that ran the stages composed the page (npm start), never for `npm run report` alone. */
    durationMs?: number;
    /**
     * When each result on the page was made (contracts, each load scenario, the SDK flows): a page
     * composed from several runs says so.
     */
    resultsAt?: Array<[string, string]>;
    commit?: string;
    versions: Array<[string, string]>;
  };
  stages: Stage[];
  contracts: {
    available: boolean;
    tests: TestRow[];
    findings: FindingRow[];
    matrices: Matrix[];
    checkedResponses?: number;
    errors: string[];
  };
  load: { results: LoadResult[]; note?: string };
  /** The SDK flows (reports/clients/*.json); `note` says why none were read when they were not. */
  clients: { flows: ClientResult[]; note?: string };
  junit: { totals: JUnitTotals; sources: Array<{ source: string; totals: JUnitTotals }> };
  history: HistoryEntry[];
  /** reports/drift.json (tenant runs): differences from the description and from the mock. */
  drift?: {
    description: Array<Record<string, unknown>>;
    versusMock: Array<Record<string, unknown>>;
    /** When the mock baseline came from another version of the mock: when it was recorded, or "unknown". */
    staleBaseline?: string;
  };
  links: Array<{ label: string; href: string }>;
  /** Values to mask wherever they appear; never rendered. */
  secrets: string[];
}

/** What the components render: a masked model, without the secrets themselves. */
export type PageModel = Omit<ReportModel, "secrets">;

/**
 * The run passed when every stage passed (or was skipped), no test failed, no finding was made and
 * no SDK flow failed.
 */
export function overallOk(model: PageModel): boolean {
  return (
    model.stages.every((s) => s.status !== "failed") &&
    model.clients.flows.every((f) => clientFlowStatus(f) !== "failed") &&
    model.contracts.tests.every((t) => t.outcome !== "failed") &&
    model.contracts.findings.length === 0 &&
    model.junit.totals.failures + model.junit.totals.errors === 0 &&
    model.load.results.every((r) => r.harness?.passed !== false && r.thresholds.every((t) => t.ok))
  );
}

/**
 * A copy of the model with every string masked and the secrets left out. Map keys are kept: they are
 * the matrix's cell ids, made from operation and check names, which the page looks cells up by.
 * An object reached twice is copied once, so a finding stays the same object in its cell and in the
 * findings list (the page links one to the other by identity).
 */
export function maskModel(model: ReportModel): PageModel {
  const { secrets, ...rest } = model;
  const mask = createMasker(secrets);
  const seen = new Map<object, unknown>();
  const copy = (value: unknown): unknown => {
    if (typeof value === "string") return mask(value);
    if (typeof value !== "object" || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      seen.set(value, out);
      for (const [k, v] of value) out.set(k, copy(v));
      return out;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const v of value) out.push(copy(v));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = copy(v);
    return out;
  };
  return copy(rest) as PageModel;
}
