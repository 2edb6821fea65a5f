/**
 * Drift: how a tenant run differs from the description, and, when the same suite also ran against
 * the mock, how the tenant's answers differ from the mock's step by step. Written to
 * `reports/drift.json` for the report's drift section; this is how a user learns that Auth0 changed.
 *
 * Inputs (both optional; the report says what was missing):
 * - findings: `reports/contracts/findings.json` (FindingRecord[], projects `tenant` and `mock`).
 * - observations: `reports/contracts/observations/*.jsonl`, one StepObservation per line, written
 *   by the contract client for every response (see `observeResponse`).
 */

import type { FindingRecord } from "../contracts/findings.ts";
import {
  metaFileOf,
  type ObservationsMeta,
  readObservationsMeta,
  type StepObservation,
  volatile,
} from "../contracts/observations.ts";

/** One difference from the description on the tenant, grouped across tests. */
export interface DescriptionDrift {
  operation: string;
  status: number | null;
  location: string;
  pointer: string;
  expected: string;
  actual: string;
  message: string;
  /** How many times it was seen on the tenant. */
  count: number;
  /** Tests that saw it (sorted, at most 10). */
  tests: string[];
  /** The mock showed the same finding: the description (or the mock) is wrong, not only the tenant. */
  alsoOnMock: boolean;
}

export type Aspect = "status" | "error" | "field" | "header" | "content-type";

/** One way the tenant's answer to a step differed from the mock's. */
export interface StepDrift {
  test: string;
  step: string;
  operation: string;
  aspect: Aspect;
  /** The field pointer or header name the difference is about ("" for status, error, content-type). */
  name: string;
  /** What the tenant answered ("absent" when the field or header is missing). */
  tenant: string;
  mock: string;
}

/** The shape of reports/drift.json (version 1). */
export interface DriftReport {
  version: 1;
  generatedAt: string;
  inputs: {
    findings: boolean;
    tenantObservations: number;
    mockObservations: number;
    /**
     * Where the mock observations come from (when the caller knows the mock source now): `current`
     * is false when they were recorded against another version of the mock's source, or say
     * nothing of it, so step drift may be the mock's own change.
     */
    mockBaseline?: { recordedAt?: string; current: boolean };
  };
  summary: {
    descriptionDrifts: number;
    stepDrifts: number;
    comparedSteps: number;
    tenantOnlySteps: number;
    mockOnlySteps: number;
  };
  description: DescriptionDrift[];
  versusMock: StepDrift[];
}

function findingKey(f: FindingRecord): string {
  return [f.operation, f.status ?? "", f.location, f.pointer, f.expected, f.actual].join("\u0000");
}

/** Groups the tenant's findings; marks those the mock showed too. */
function describeDrift(findings: readonly FindingRecord[], tenantProject = "tenant"): DescriptionDrift[] {
  const onMock = new Set(findings.filter((f) => f.project !== tenantProject).map(findingKey));
  const groups = new Map<string, { first: FindingRecord; count: number; tests: Set<string> }>();
  for (const f of findings) {
    if (f.project !== tenantProject) continue;
    const key = findingKey(f);
    const g = groups.get(key) ?? { first: f, count: 0, tests: new Set<string>() };
    g.count++;
    g.tests.add(f.test);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      operation: g.first.operation,
      status: g.first.status,
      location: g.first.location,
      pointer: g.first.pointer,
      expected: g.first.expected,
      actual: g.first.actual,
      message: g.first.message,
      count: g.count,
      tests: [...g.tests].sort().slice(0, 10),
      alsoOnMock: onMock.has(key),
    }))
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) || b.count - a.count || a.pointer.localeCompare(b.pointer),
    );
}

/** Compares two observations of the same step. */
export function compareStep(tenant: StepObservation, mock: StepObservation): StepDrift[] {
  const base = { test: tenant.test, step: tenant.step, operation: tenant.operation };
  const out: StepDrift[] = [];
  if (tenant.status !== mock.status) {
    out.push({
      ...base,
      aspect: "status",
      name: "",
      tenant: String(tenant.status),
      mock: String(mock.status),
    });
  }
  if ((tenant.error ?? "") !== (mock.error ?? "")) {
    out.push({
      ...base,
      aspect: "error",
      name: "",
      tenant: tenant.error ?? "absent",
      mock: mock.error ?? "absent",
    });
  }
  // Fields only make sense to compare when both answered the same kind of response.
  /** One drift per name that only one side has. */
  const presence = (aspect: "field" | "header", tenantNames: string[], mockNames: string[]): void => {
    const t = new Set(tenantNames);
    const m = new Set(mockNames);
    for (const name of [...new Set([...t, ...m])].sort()) {
      if (t.has(name) === m.has(name)) continue;
      out.push({
        ...base,
        aspect,
        name,
        tenant: t.has(name) ? "present" : "absent",
        mock: m.has(name) ? "present" : "absent",
      });
    }
  };
  if (tenant.status === mock.status) presence("field", tenant.fields, mock.fields);
  presence(
    "header",
    tenant.headers.filter((h) => !volatile(h)),
    mock.headers.filter((h) => !volatile(h)),
  );
  const tct = tenant.contentType?.toLowerCase().replace(/\s+/g, "");
  const mct = mock.contentType?.toLowerCase().replace(/\s+/g, "");
  if (tct !== mct) {
    out.push({
      ...base,
      aspect: "content-type",
      name: "",
      tenant: tenant.contentType ?? "absent",
      mock: mock.contentType ?? "absent",
    });
  }
  return out;
}

/** Builds the drift report from findings and observations of the tenant and mock projects. */
export function computeDrift(input: {
  findings?: readonly FindingRecord[];
  observations?: readonly StepObservation[];
  tenantProject?: string;
  mockProject?: string;
  /** The mock observations' meta file, and the mock source fingerprint now, to judge staleness. */
  mockMeta?: ObservationsMeta;
  currentMockSource?: string;
  now?: Date;
}): DriftReport {
  const tenantProject = input.tenantProject ?? "tenant";
  const mockProject = input.mockProject ?? "mock";
  const description = describeDrift(input.findings ?? [], tenantProject);
  const byKey = (project: string) => {
    const m = new Map<string, StepObservation>();
    for (const o of input.observations ?? []) if (o.project === project) m.set(`${o.test}\u0000${o.step}`, o);
    return m;
  };
  const tenant = byKey(tenantProject);
  const mock = byKey(mockProject);
  const versusMock: StepDrift[] = [];
  let compared = 0;
  for (const [key, t] of tenant) {
    const m = mock.get(key);
    if (!m) continue;
    compared++;
    versusMock.push(...compareStep(t, m));
  }
  return {
    version: 1,
    generatedAt: (input.now ?? new Date()).toISOString(),
    inputs: {
      findings: input.findings !== undefined,
      tenantObservations: tenant.size,
      mockObservations: mock.size,
      ...(input.currentMockSource !== undefined && mock.size > 0
        ? {
            mockBaseline: {
              ...(input.mockMeta ? { recordedAt: input.mockMeta.recordedAt } : {}),
              current: input.mockMeta?.mockSource === input.currentMockSource,
            },
          }
        : {}),
    },
    summary: {
      descriptionDrifts: description.length,
      stepDrifts: versusMock.length,
      comparedSteps: compared,
      tenantOnlySteps: [...tenant.keys()].filter((k) => !mock.has(k)).length,
      mockOnlySteps: [...mock.keys()].filter((k) => !tenant.has(k)).length,
    },
    description,
    versusMock,
  };
}

/**
 * Reads the run's inputs from a reports folder (or the contract outputs' own folder, when a run moved
 * them with CONTRACTS_REPORT_DIR); missing files are reported as missing, not as errors.
 */
export function readDriftInputs(
  reportsDir: string,
  fs: {
    existsSync(p: string): boolean;
    readFileSync(p: string, enc: "utf8"): string;
    readdirSync(p: string): string[];
  },
  contractsDir = `${reportsDir}/contracts`,
): { findings?: FindingRecord[]; observations: StepObservation[]; mockMeta?: ObservationsMeta } {
  const findingsFile = `${contractsDir}/findings.json`;
  const obsDir = `${contractsDir}/observations`;
  const findings = fs.existsSync(findingsFile)
    ? (JSON.parse(fs.readFileSync(findingsFile, "utf8")) as FindingRecord[])
    : undefined;
  const observations: StepObservation[] = [];
  if (fs.existsSync(obsDir)) {
    for (const name of fs.readdirSync(obsDir).sort()) {
      if (!name.endsWith(".jsonl")) continue;
      for (const line of fs.readFileSync(`${obsDir}/${name}`, "utf8").split("\n")) {
        if (line.trim()) observations.push(JSON.parse(line) as StepObservation);
      }
    }
  }
  const mockMeta = readObservationsMeta(fs, metaFileOf(`${obsDir}/mock.jsonl`));
  return { ...(findings ? { findings } : {}), observations, ...(mockMeta ? { mockMeta } : {}) };
}

/** A line for the console when the step drift compares with a stale mock baseline; undefined otherwise. */
export function staleBaselineWarning(report: DriftReport): string | undefined {
  const baseline = report.inputs.mockBaseline;
  if (!baseline || baseline.current || report.summary.comparedSteps === 0) return undefined;
  const when = baseline.recordedAt ? `recorded ${baseline.recordedAt}` : "of unknown provenance";
  return (
    `drift: the mock observations (${when}) come from another version of the mock than this checkout's, ` +
    "so step drift may be the mock's own change; run `npm run test:tenant -- --with-mock` for a fresh baseline"
  );
}
