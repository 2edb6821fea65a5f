import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { StepObservation } from "../contracts/observations.ts";
import { mockSourceFingerprint } from "../mock/fingerprint.ts";
import { compareStep, computeDrift, readDriftInputs, staleBaselineWarning } from "./drift.ts";

const fixtures = fileURLToPath(new URL("./fixtures/drift", import.meta.url));

describe("computeDrift on the fixture run", () => {
  const report = computeDrift({ ...readDriftInputs(fixtures, fs), now: new Date(0) });

  test("groups the tenant's findings and marks those the mock shares", () => {
    assert.deepEqual(
      report.description.map((d) => [
        d.operation,
        d.location,
        d.pointer,
        d.count,
        d.alsoOnMock,
        d.tests.length,
      ]),
      [
        ["challenge", "header", "retry-after", 1, true, 1],
        ["token", "status", "", 2, false, 2],
      ],
    );
  });

  test("compares the steps both projects ran, aspect by aspect", () => {
    assert.deepEqual(
      report.versusMock.map((d) => [d.test, d.step, d.aspect, d.name, d.tenant, d.mock]),
      [
        ["mfa_required › password grant", "token#1", "status", "", "401", "403"],
        ["mfa_required › password grant", "token#1", "header", "x-ratelimit-remaining", "absent", "present"],
        ["mfa_required › password grant", "token#1", "header", "x-ratelimit-reset", "absent", "present"],
      ],
    );
  });

  test("summarises inputs and counts", () => {
    assert.deepEqual(report.inputs, { findings: true, tenantObservations: 3, mockObservations: 2 });
    assert.deepEqual(report.summary, {
      descriptionDrifts: 2,
      stepDrifts: 3,
      comparedSteps: 2,
      tenantOnlySteps: 1,
      mockOnlySteps: 0,
    });
    assert.equal(report.generatedAt, "1970-01-01T00:00:00.000Z");
    assert.equal(report.version, 1);
  });
});

test("without inputs the report is empty and says so", () => {
  const report = computeDrift(readDriftInputs("/nonexistent-dir", fs));
  assert.deepEqual(report.inputs, { findings: false, tenantObservations: 0, mockObservations: 0 });
  assert.deepEqual(report.description, []);
});

test("reads a run whose contract outputs were moved (CONTRACTS_REPORT_DIR) from that folder", () => {
  const moved = readDriftInputs("/nonexistent-dir", fs, `${fixtures}/contracts`);
  assert.deepEqual(moved, readDriftInputs(fixtures, fs));
});

describe("compareStep", () => {
  const base: StepObservation = {
    project: "tenant",
    test: "t",
    step: "associateAuthenticator#1",
    operation: "associateAuthenticator",
    status: 200,
    fields: ["/authenticator_type", "/oob_channel"],
    headers: ["content-type"],
    contentType: "application/json; charset=utf-8",
  };
  const rows: { name: string; mock: Partial<StepObservation>; expect: [string, string, string, string][] }[] =
    [
      { name: "identical", mock: {}, expect: [] },
      {
        name: "renamed field (same status)",
        mock: { fields: ["/authenticator_type", "/oob_channels"] },
        expect: [
          ["field", "/oob_channel", "present", "absent"],
          ["field", "/oob_channels", "absent", "present"],
        ],
      },
      {
        name: "fields not compared across statuses",
        mock: { status: 201, fields: [] },
        expect: [["status", "", "200", "201"]],
      },
      {
        name: "error code",
        mock: { status: 200, error: "access_denied" },
        expect: [["error", "", "absent", "access_denied"]],
      },
      {
        name: "content type ignores spacing and case",
        mock: { contentType: "application/json;charset=UTF-8" },
        expect: [],
      },
      {
        name: "content type",
        mock: { contentType: "application/json" },
        expect: [["content-type", "", "application/json; charset=utf-8", "application/json"]],
      },
      { name: "volatile headers ignored", mock: { headers: ["content-type", "date", "cf-ray"] }, expect: [] },
    ];
  for (const row of rows) {
    test(row.name, () => {
      const d = compareStep(base, { ...base, project: "mock", ...row.mock });
      assert.deepEqual(
        d.map((x) => [x.aspect, x.name, x.tenant, x.mock]),
        row.expect,
      );
    });
  }
});

describe("the mock baseline's provenance", () => {
  const inputs = readDriftInputs(fixtures, fs);
  const recordedAt = "2026-01-01T00:00:00.000Z";
  const rows: Array<{
    name: string;
    meta: "fixture" | "none";
    current?: string;
    baseline: { recordedAt?: string; current: boolean } | undefined;
    warns: RegExp | undefined;
  }> = [
    {
      name: "recorded against this mock",
      meta: "fixture",
      current: "0123456789abcdef",
      baseline: { recordedAt, current: true },
      warns: undefined,
    },
    {
      name: "recorded against another mock",
      meta: "fixture",
      current: "fedcba9876543210",
      baseline: { recordedAt, current: false },
      warns: /recorded 2026-01-01T00:00:00.000Z.*--with-mock/,
    },
    {
      name: "without a meta file",
      meta: "none",
      current: "0123456789abcdef",
      baseline: { current: false },
      warns: /unknown provenance/,
    },
    {
      name: "when the caller does not know the mock source",
      meta: "fixture",
      baseline: undefined,
      warns: undefined,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { mockMeta, ...rest } = inputs;
      const report = computeDrift({
        ...rest,
        ...(row.meta === "fixture" && mockMeta ? { mockMeta } : {}),
        ...(row.current ? { currentMockSource: row.current } : {}),
      });
      assert.deepEqual(report.inputs.mockBaseline, row.baseline);
      const warning = staleBaselineWarning(report);
      if (row.warns) assert.match(warning ?? "", row.warns);
      else assert.equal(warning, undefined);
    });
  }

  test("a malformed meta file is no provenance, not an error", () => {
    const broken = {
      ...fs,
      readFileSync: (p: string, enc: "utf8") =>
        p.endsWith(".meta.json") ? "{not json" : fs.readFileSync(p, enc),
    };
    assert.equal(readDriftInputs(fixtures, broken).mockMeta, undefined);
    assert.equal(inputs.mockMeta?.mockSource, "0123456789abcdef");
  });

  test("the mock source fingerprint is 16 hex digits and stable", () => {
    assert.match(mockSourceFingerprint(), /^[0-9a-f]{16}$/);
    assert.equal(mockSourceFingerprint(), mockSourceFingerprint());
  });
});
