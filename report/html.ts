/**
 * Renders the report page: one self-contained HTML file (inline CSS and SVG, no script, no font or
 * image from anywhere). Every value that came from a run passes through `text()`, which masks it
 * with the run's secrets and escapes it, so a finding cannot inject markup or leak a secret.
 */

import { createMasker } from "../redaction/mask.ts";
import { escapeHtml } from "./escape.ts";
import type { HistoryEntry } from "./history.ts";
import type { JUnitTotals } from "./junit.ts";
import { envelopeAccuracy, envelopeAt, type LoadResult } from "./load.ts";
import { type Cell, CHECKS, cellId, type FindingRow, type Matrix, type TestRow } from "./matrix.ts";
import { barChart, COLORS, fmt, lineChart, stackedBars } from "./svg.ts";

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
    durationMs?: number;
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

/** Renders the whole page. */
export function renderReport(model: ReportModel): string {
  const mask = createMasker(model.secrets);
  const text = (value: unknown) => escapeHtml(mask(String(value ?? "")));
  const ok = overallOk(model);
  const sections = [
    renderSummary(model, text, ok),
    renderRun(model, text),
    renderMatrices(model, text),
    renderFindings(model, text),
    renderLoad(model, text),
    renderTrend(model, text),
    model.drift ? renderDrift(model.drift, text) : "",
    renderLinks(model, text),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${text(model.title)} – ${ok ? "passed" : "failed"}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top ${ok ? "ok" : "bad"}">
  <div class="wrap">
    <h1>${text(model.title)}</h1>
    <p class="verdict"><span class="badge ${ok ? "pass" : "fail"}">${ok ? "PASSED" : "FAILED"}</span>
      target <strong>${text(model.run.target)}</strong> · ${text(formatTime(model.run.startedAt))}</p>
    <nav><a href="#run">Run</a><a href="#matrix">Conformance</a><a href="#findings">Findings</a><a href="#load">Load</a><a href="#trend">Trend</a>${model.drift ? '<a href="#drift">Drift</a>' : ""}<a href="#links">Outputs</a></nav>
  </div>
</header>
<main class="wrap">
${sections.join("\n")}
</main>
<footer class="wrap">Secrets and phone numbers are masked on this page. Generated ${text(formatTime(model.run.generatedAt))}.</footer>
</body>
</html>
`;
}

type Text = (value: unknown) => string;

/** The run passed when every stage passed (or was skipped), no test failed and no finding was made. */
export function overallOk(model: ReportModel): boolean {
  return (
    model.stages.every((s) => s.status !== "failed") &&
    model.contracts.tests.every((t) => t.outcome !== "failed") &&
    model.contracts.findings.length === 0 &&
    model.junit.totals.failures + model.junit.totals.errors === 0 &&
    model.load.results.every((r) => r.harness?.passed !== false && r.thresholds.every((t) => t.ok))
  );
}

/** Readable UTC time from an ISO string. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** Milliseconds as "1.2 s" / "3 min 4 s". */
function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Counts of test outcomes. */
function counts(tests: TestRow[]) {
  const c = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const t of tests) c[t.outcome]++;
  return c;
}

function renderSummary(model: ReportModel, text: Text, ok: boolean): string {
  const c = counts(model.contracts.tests);
  const j = model.junit.totals;
  const cards: Array<[string, string, string]> = [
    [
      "Contract tests",
      model.contracts.available ? `${c.passed} passed` : "not run",
      model.contracts.available
        ? `${c.failed} failed · ${c.skipped} skipped${c.flaky ? ` · ${c.flaky} flaky` : ""}`
        : "no reports/contracts/results.json",
    ],
    [
      "Findings",
      String(model.contracts.findings.length),
      model.contracts.checkedResponses !== undefined
        ? `${model.contracts.checkedResponses} responses schema-checked`
        : "differences from the description",
    ],
    [
      "Load scenarios",
      String(model.load.results.length),
      model.load.results.length
        ? `${model.load.results.filter((r) => r.thresholds.every((t) => t.ok)).length} within thresholds`
        : "did not run",
    ],
    [
      "All JUnit cases",
      `${j.tests - j.failures - j.errors - j.skipped} passed`,
      `${j.failures + j.errors} failed · ${j.skipped} skipped`,
    ],
  ];
  const stageRows = model.stages
    .map(
      (s) =>
        `<tr><td>${text(s.name)}</td><td><span class="badge ${s.status === "passed" ? "pass" : s.status === "failed" ? "fail" : "skip"}">${text(s.status)}</span></td><td class="num">${text(formatDuration(s.durationMs))}</td><td>${text(s.note ?? "")}</td></tr>`,
    )
    .join("");
  return `<section id="summary" aria-label="Summary">
<div class="cards">${cards
    .map(
      ([label, value, sub]) =>
        `<div class="card"><div class="label">${text(label)}</div><div class="value">${text(value)}</div><div class="sub">${text(sub)}</div></div>`,
    )
    .join("")}</div>
${model.stages.length ? `<table class="stages"><caption>Stages of this run ${ok ? "" : "(a failed stage fails the run)"}</caption><thead><tr><th>stage</th><th>result</th><th class="num">time</th><th>note</th></tr></thead><tbody>${stageRows}</tbody></table>` : ""}
</section>`;
}

function renderRun(model: ReportModel, text: Text): string {
  const r = model.run;
  const rows: Array<[string, string | undefined]> = [
    ["Target", r.target],
    ["Base URL", r.baseURL],
    ["Started", formatTime(r.startedAt)],
    ["Duration", r.durationMs !== undefined ? formatDuration(r.durationMs) : undefined],
    ["Git commit", r.commit],
    ...r.versions,
  ];
  return `<section id="run"><h2>Run</h2><dl class="facts">${rows
    .filter(([, v]) => v)
    .map(([k, v]) => `<dt>${text(k)}</dt><dd>${text(v)}</dd>`)
    .join("")}</dl></section>`;
}

/** The glyph and words of a cell's state (colour is never the only signal). */
function cellLabel(cell: Cell): string {
  const passed = cell.tests.filter((t) => t.outcome === "passed" || t.outcome === "flaky").length;
  const n = cell.tests.length;
  switch (cell.state) {
    case "pass":
      return `✓ ${passed}/${n}`;
    case "fail":
      return `✗ ${passed}/${n}${cell.findings.length ? ` · ${cell.findings.length} finding${cell.findings.length > 1 ? "s" : ""}` : ""}`;
    case "skip":
      return `○ ${n} skipped`;
    default:
      return "–";
  }
}

function renderMatrices(model: ReportModel, text: Text): string {
  if (!model.contracts.available && model.contracts.findings.length === 0) {
    return `<section id="matrix"><h2>Conformance</h2><p class="notice">The contract suites did not run: no <code>reports/contracts/results.json</code>. Run <code>npm run test:contracts</code> (or <code>npm start</code>).</p></section>`;
  }
  const errors = model.contracts.errors.length
    ? `<div class="notice bad"><strong>Errors outside tests:</strong><ul>${model.contracts.errors.map((e) => `<li><code>${text(e)}</code></li>`).join("")}</ul></div>`
    : "";
  const tables = model.contracts.matrices
    .map((m) => {
      const head = `<tr><th scope="col">operation</th>${CHECKS.map((c) => `<th scope="col">${text(c)}</th>`).join("")}</tr>`;
      const body = m.rows
        .map((op) => {
          const cells = CHECKS.map((check) => {
            const id = cellId(m.project, op, check);
            const cell = m.cells.get(id);
            if (!cell || cell.state === "none") return `<td class="cell none" title="no test">–</td>`;
            return `<td class="cell ${cell.state}"><a href="#${id}" title="${text(`${op} × ${check}: ${cell.tests.length} tests, ${cell.findings.length} findings`)}">${text(cellLabel(cell))}</a></td>`;
          }).join("");
          return `<tr><th scope="row"><code>${text(op)}</code></th>${cells}</tr>`;
        })
        .join("");
      return `<table class="matrix"><caption>project <strong>${text(m.project)}</strong></caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
    })
    .join("");
  const legend = `<p class="legend"><span class="cell pass">✓ passed</span><span class="cell fail">✗ failed or finding</span><span class="cell skip">○ skipped</span><span class="cell none">– no test</span> Each cell counts the tests that check that operation for that aspect; click it for the tests and findings.</p>`;
  return `<section id="matrix"><h2>Conformance</h2>${errors}<div class="scroll">${tables}</div>${legend}${renderCellDetails(model, text)}</section>`;
}

function renderCellDetails(model: ReportModel, text: Text): string {
  const blocks: string[] = [];
  for (const m of model.contracts.matrices) {
    for (const [id, cell] of m.cells) {
      if (cell.state === "none") continue;
      const tests = cell.tests
        .map(
          (t) =>
            `<tr class="${t.outcome}"><td><span class="badge ${t.outcome === "passed" ? "pass" : t.outcome === "failed" ? "fail" : "skip"}">${text(t.outcome)}</span></td><td>${text(t.title)}${t.error ? `<div class="err"><code>${text(t.error)}</code></div>` : ""}</td><td><code>${text(t.file)}</code></td><td class="num">${text(formatDuration(t.durationMs))}</td></tr>`,
        )
        .join("");
      blocks.push(`<details id="${id}" class="cell-detail ${cell.state}"${cell.state === "fail" ? " open" : ""}>
<summary><code>${text(cell.operation)}</code> × ${text(cell.check)} <span class="muted">(${text(m.project)})</span> — ${text(cellLabel(cell))}</summary>
${cell.findings.length ? findingsTable(cell.findings, text, false) : ""}
${tests ? `<table class="tests"><thead><tr><th>result</th><th>test</th><th>file</th><th class="num">time</th></tr></thead><tbody>${tests}</tbody></table>` : ""}
</details>`);
    }
  }
  return blocks.length ? `<h3>By cell</h3>${blocks.join("\n")}` : "";
}

/** A table of findings: where (operation, status, location, JSON pointer), expected, actual. */
function findingsTable(
  findings: FindingRow[],
  text: Text,
  withCell: boolean,
  matrices: Matrix[] = [],
): string {
  const rows = findings
    .map((f) => {
      const check = matrices.length ? checkLink(f, matrices) : undefined;
      return `<tr><td><code>${text(f.operation)}</code>${f.status ? ` <span class="muted">${text(f.status)}</span>` : ""}</td><td>${text(f.location)}</td><td><code>${text(f.pointer || "(whole body)")}</code></td><td><code>${text(f.expected)}</code></td><td><code>${text(f.actual)}</code></td><td>${text(f.message)}${f.test ? `<div class="muted">${text(f.test)}</div>` : ""}</td>${withCell ? `<td>${check ?? ""}</td>` : ""}</tr>`;
    })
    .join("");
  return `<table class="findings"><thead><tr><th>operation</th><th>location</th><th>JSON pointer / header</th><th>expected</th><th>actual</th><th>message</th>${withCell ? "<th>cell</th>" : ""}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** A link from a finding to its matrix cell. */
function checkLink(f: FindingRow, matrices: Matrix[]): string | undefined {
  for (const m of matrices) {
    for (const [id, cell] of m.cells) {
      if (cell.findings.includes(f)) return `<a href="#${id}">${escapeHtml(cell.check)}</a>`;
    }
  }
  return undefined;
}

function renderFindings(model: ReportModel, text: Text): string {
  const f = model.contracts.findings;
  const body = f.length
    ? findingsTable(f, text, true, model.contracts.matrices)
    : `<p class="notice ok">No findings: every response the suites received matched the description${model.contracts.checkedResponses !== undefined ? ` (${text(model.contracts.checkedResponses)} responses checked)` : ""}.</p>`;
  return `<section id="findings"><h2>Findings <span class="count">${f.length}</span></h2>${body}</section>`;
}

/** The p(95) bound of an `http_req_duration` threshold like `p(95)<500`, for the chart's reference line. */
function p95Threshold(r: LoadResult): number | undefined {
  const t = r.thresholds.find(
    (x) => x.metric === "http_req_duration" && /p\(95\)\s*<=?\s*[\d.]+/.test(x.expression),
  );
  const m = t && /p\(95\)\s*<=?\s*([\d.]+)/.exec(t.expression);
  return m?.[1] ? Number(m[1]) : undefined;
}

function renderLoad(model: ReportModel, text: Text): string {
  const results = model.load.results;
  if (results.length === 0) {
    return `<section id="load"><h2>Load</h2><p class="notice pre">${text(model.load.note ?? "No load results: nothing under reports/load/*/summary.json.")}</p></section>`;
  }
  const rows = results
    .map((r) => {
      const p = (label: string) => r.latency.find((l) => l.label === label)?.ms;
      const acc = envelopeAccuracy(r);
      const failedThresholds = r.thresholds.filter((t) => !t.ok);
      return `<tr><th scope="row"><a href="#load-${escapeHtml(r.scenario)}">${text(r.scenario)}</a></th><td class="num">${text(fmt(r.requests))}</td><td class="num">${text(fmt(r.rps))}</td><td class="num">${text(fmtMs(p("p(50)")))}</td><td class="num">${text(fmtMs(p("p(95)")))}</td><td class="num">${text(fmtMs(p("p(99)")))}</td><td class="num">${text(r.limited !== undefined ? fmt(r.limited) : "–")}</td><td class="num">${text(acc !== undefined ? `${acc.toFixed(1)}%` : "–")}</td><td>${r.thresholds.length === 0 ? "–" : failedThresholds.length ? `<span class="badge fail">${text(failedThresholds.length)} failed</span> ${failedThresholds.map((t) => `<code>${text(t.metric)}: ${text(t.expression)}</code>`).join(" ")}` : `<span class="badge pass">${text(r.thresholds.length)} ok</span>`}</td></tr>`;
    })
    .join("");
  const throughput = stackedBars({
    title: "Requests per scenario: admitted and refused with 429",
    unit: "",
    groups: results.map((r) => ({
      label: r.scenario,
      parts:
        r.limited !== undefined
          ? [
              { label: "admitted", value: r.admitted ?? r.requests - r.limited, color: COLORS.teal },
              { label: "429", value: r.limited, color: COLORS.amber },
            ]
          : [{ label: "requests", value: r.requests, color: COLORS.blue }],
    })),
  });
  const cards = results.map((r) => renderScenario(r, text)).join("");
  return `<section id="load"><h2>Load</h2>
<div class="scroll"><table class="load"><thead><tr><th>scenario</th><th class="num">requests</th><th class="num">req/s</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th class="num">429s</th><th class="num">admitted / envelope</th><th>thresholds</th></tr></thead><tbody>${rows}</tbody></table></div>
<figure class="wide">${throughput}<figcaption>Throughput: every request of each scenario; 429s in amber.</figcaption></figure>
<div class="scenarios">${cards}</div>
${model.load.note ? `<p class="notice">${text(model.load.note)}</p>` : ""}
</section>`;
}

/** Milliseconds for a table cell. */
function fmtMs(ms: number | undefined): string {
  return ms === undefined ? "–" : `${fmt(ms)} ms`;
}

function renderScenario(r: LoadResult, text: Text): string {
  const threshold = p95Threshold(r);
  const latency = r.latency.length
    ? barChart({
        title: `${r.scenario}: latency percentiles`,
        unit: " ms",
        bars: r.latency.map((l) => ({
          label: l.label,
          value: l.ms,
          color: l.label === "p(95)" ? COLORS.violet : COLORS.blue,
        })),
        ...(threshold !== undefined
          ? { reference: { value: threshold, label: `p95 threshold ${fmt(threshold)} ms` } }
          : {}),
      })
    : `<p class="muted">No http_req_duration in the summary.</p>`;
  return `<article class="scenario" id="load-${escapeHtml(r.scenario)}"><h3>${text(r.scenario)}</h3>
<p class="muted">${text(fmt(r.requests))} requests in ${text(formatDuration(r.durationSeconds * 1000))} · ${text(fmt(r.rps))} req/s${r.failedShare !== undefined ? ` · ${text((r.failedShare * 100).toFixed(2))}% failed` : ""}${r.checksPassed !== undefined ? ` · checks ${text(r.checksPassed)} passed, ${text(r.checksFailed ?? 0)} failed` : ""}</p>
${renderHarness(r, text)}
<div class="charts"><figure>${latency}<figcaption>Latency of http_req_duration.</figcaption></figure>${renderEnvelope(r, text)}${renderKnee(r, text)}</div>
${r.files.length ? `<p class="files">${r.files.map((f) => `<a href="${escapeHtml(encodeURI(f))}">${text(f.split("/").at(-1))}</a>`).join(" · ")}</p>` : ""}
</article>`;
}

/** What the load runner adds: target, profile, verdict, schema checks under load. */
function renderHarness(r: LoadResult, text: Text): string {
  const h = r.harness;
  if (!h) return "";
  const facts = [
    h.target ? `target ${h.target}${h.host ? ` (${h.host})` : ""}` : "",
    h.profile ? `rate-limit profile ${h.profile}` : "",
    h.schema ? `${fmt(h.schema.checked)} responses schema-checked, ${fmt(h.schema.findings)} findings` : "",
  ].filter(Boolean);
  const verdict =
    h.passed === undefined
      ? ""
      : `<span class="badge ${h.passed ? "pass" : "fail"}">${h.passed ? "thresholds held" : "thresholds failed"}</span> `;
  return `<p>${verdict}<span class="muted">${text(facts.join(" · "))}</span></p>`;
}

/** Ramp: p95 per offered rate, and the knee when one was found. */
function renderKnee(r: LoadResult, text: Text): string {
  const stages = r.harness?.stages;
  if (!stages?.length) return "";
  const knee = r.harness?.knee;
  const chart = lineChart({
    title: `${r.scenario}: p95 latency and errors per offered rate`,
    xLabel: "offered rate (req/s)",
    unit: " ms",
    series: [
      {
        name: "p95",
        color: COLORS.violet,
        points: stages.flatMap((s) => (s.p95 === undefined ? [] : [{ x: s.rate, y: s.p95 }])),
      },
      {
        name: "errors",
        color: COLORS.red,
        points: stages.map((s) => ({ x: s.rate, y: s.errors })),
        dashed: true,
      },
    ],
  });
  const caption = knee
    ? `Knee at ${fmt(knee.rate)} req/s${knee.lastGoodRate !== undefined ? ` (last good ${fmt(knee.lastGoodRate)} req/s)` : ""}: ${knee.reason}`
    : "Every stage held: no knee within the ramp.";
  return `<figure>${chart}<figcaption>${text(caption)}</figcaption></figure>`;
}

/** Admitted requests against the token-bucket envelope (burst + refill × elapsed), over time when a timeline exists. */
function renderEnvelope(r: LoadResult, text: Text): string {
  const env = r.envelope;
  if (!env) {
    return r.limited !== undefined
      ? `<figure>${barChart({
          title: `${r.scenario}: admitted and 429`,
          unit: "",
          bars: [
            { label: "admitted", value: r.admitted ?? r.requests - r.limited, color: COLORS.teal },
            { label: "429", value: r.limited, color: COLORS.amber },
          ],
        })}<figcaption>No envelope file for this scenario.</figcaption></figure>`
      : "";
  }
  const acc = envelopeAccuracy(r);
  if (env.timeline?.length) {
    let admitted = 0;
    let limited = 0;
    const adm: Array<{ x: number; y: number }> = [{ x: 0, y: 0 }];
    const lim: Array<{ x: number; y: number }> = [{ x: 0, y: 0 }];
    for (const p of env.timeline) {
      admitted += p.admitted;
      limited += p.limited;
      adm.push({ x: p.t, y: admitted });
      lim.push({ x: p.t, y: limited });
    }
    const end = env.timeline.at(-1)?.t ?? 0;
    const envelope = [0, end].map((x) => ({ x, y: envelopeAt(env, x) }));
    const chart = lineChart({
      title: `${r.scenario}: admitted requests against the token-bucket envelope`,
      xLabel: "seconds since start",
      unit: "",
      series: [
        {
          name: `envelope (burst ${fmt(env.burst)} + ${fmt(env.refillPerSecond)}/s)`,
          color: COLORS.red,
          points: envelope,
          dashed: true,
        },
        { name: "admitted (cumulative)", color: COLORS.teal, points: adm, area: true },
        { name: "429 (cumulative)", color: COLORS.amber, points: lim },
      ],
    });
    return `<figure>${chart}<figcaption>Admitted stays under the dashed envelope${acc !== undefined ? `; at the end: ${text(acc.toFixed(1))}% of it` : ""}.</figcaption></figure>`;
  }
  const seconds = env.durationSeconds ?? r.durationSeconds;
  const max = envelopeAt(env, seconds);
  const admitted = env.admitted ?? r.admitted ?? 0;
  const chart = barChart({
    title: `${r.scenario}: admitted against the envelope`,
    unit: "",
    bars: [
      {
        label: "envelope",
        value: max,
        color: COLORS.red,
        note: `burst ${fmt(env.burst)} + ${fmt(env.refillPerSecond)}/s × ${fmt(seconds)} s`,
      },
      { label: "admitted", value: admitted, color: COLORS.teal },
      { label: "429", value: env.limited ?? r.limited ?? 0, color: COLORS.amber },
    ],
  });
  return `<figure>${chart}<figcaption>Envelope = burst + refill × elapsed${acc !== undefined ? `; admitted = ${text(acc.toFixed(1))}% of it` : ""}.</figcaption></figure>`;
}

function renderTrend(model: ReportModel, text: Text): string {
  const h = model.history;
  if (h.length < 2) {
    return `<section id="trend"><h2>Trend</h2><p class="notice">${h.length === 1 ? "This is the first run recorded in reports/history.json; the trend appears from the second run on." : "No history yet."}</p></section>`;
  }
  const ticks = h.map((e, i) => ({ x: i + 1, label: e.time.slice(5, 16).replace("T", " ") }));
  const step = Math.ceil(ticks.length / 6);
  const xTicks = ticks.filter((_, i) => i % step === 0 || i === ticks.length - 1);
  const tests = lineChart({
    title: "Contract tests and findings per run",
    xLabel: "run (UTC)",
    unit: "",
    xTicks,
    series: [
      { name: "passed", color: COLORS.green, points: h.map((e, i) => ({ x: i + 1, y: e.tests.passed })) },
      { name: "failed", color: COLORS.red, points: h.map((e, i) => ({ x: i + 1, y: e.tests.failed })) },
      {
        name: "findings",
        color: COLORS.amber,
        points: h.map((e, i) => ({ x: i + 1, y: e.findings })),
        dashed: true,
      },
    ],
  });
  const scenarios = [...new Set(h.flatMap((e) => Object.keys(e.load)))].sort();
  const palette = [COLORS.blue, COLORS.violet, COLORS.teal, COLORS.amber, COLORS.red, COLORS.green];
  const p95 = scenarios.length
    ? lineChart({
        title: "p95 latency per scenario per run",
        xLabel: "run (UTC)",
        unit: " ms",
        xTicks,
        series: scenarios.map((s, k) => ({
          name: s,
          color: palette[k % palette.length] ?? COLORS.blue,
          points: h.flatMap((e, i) => {
            const v = e.load[s]?.p95;
            return v === undefined ? [] : [{ x: i + 1, y: v }];
          }),
        })),
      })
    : "";
  const rows = [...h]
    .reverse()
    .slice(0, 10)
    .map(
      (e) =>
        `<tr><td>${text(formatTime(e.time))}</td><td>${text(e.target)}</td><td><code>${text(e.commit ?? "")}</code></td><td><span class="badge ${e.ok ? "pass" : "fail"}">${e.ok ? "passed" : "failed"}</span></td><td class="num">${text(e.tests.passed)}</td><td class="num">${text(e.tests.failed)}</td><td class="num">${text(e.findings)}</td></tr>`,
    )
    .join("");
  return `<section id="trend"><h2>Trend <span class="count">${h.length} runs</span></h2>
<div class="charts"><figure>${tests}</figure>${p95 ? `<figure>${p95}</figure>` : ""}</div>
<table class="history"><caption>Latest runs</caption><thead><tr><th>time</th><th>target</th><th>commit</th><th>result</th><th class="num">passed</th><th class="num">failed</th><th class="num">findings</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

/** A table with the given columns of each row (values that are not strings shown as JSON). */
function genericTable(rows: Array<Record<string, unknown>>, columns: string[], text: Text): string {
  const cell = (v: unknown) =>
    typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v ?? "");
  return `<div class="scroll"><table><thead><tr>${columns.map((c) => `<th>${text(c)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${columns.map((c) => `<td>${text(cell(r[c]))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

function renderDrift(drift: NonNullable<ReportModel["drift"]>, text: Text): string {
  const total = drift.description.length + drift.versusMock.length;
  const description = drift.description.length
    ? `<h3>Tenant versus the description</h3>${genericTable(drift.description, ["operation", "status", "location", "pointer", "expected", "actual", "count", "alsoOnMock"], text)}`
    : "<p>The tenant matched the description everywhere it was checked.</p>";
  const versus = drift.versusMock.length
    ? `<h3>Tenant versus the mock, step by step</h3>${genericTable(drift.versusMock, ["test", "step", "operation", "aspect", "name", "tenant", "mock"], text)}`
    : "";
  const stale = drift.staleBaseline
    ? `<p class="notice bad">The mock observations compared with (${drift.staleBaseline === "unknown" ? "of unknown provenance" : `recorded ${text(drift.staleBaseline)}`}) come from another version of the mock than this checkout's: step drift may be the mock's own change. <code>npm run test:tenant -- --with-mock</code> records a fresh baseline.</p>`
    : "";
  return `<section id="drift"><h2>Drift <span class="count">${total}</span></h2><p class="muted">How a real tenant differs from the description and from the mock: this is where a change at Auth0 shows up.</p>${stale}${description}${versus}</section>`;
}

function renderLinks(model: ReportModel, text: Text): string {
  const sources = model.junit.sources
    .map(
      (s) =>
        `<tr><td>${text(s.source)}</td><td class="num">${text(s.totals.tests)}</td><td class="num">${text(s.totals.failures + s.totals.errors)}</td><td class="num">${text(s.totals.skipped)}</td></tr>`,
    )
    .join("");
  return `<section id="links"><h2>Outputs</h2>
${model.links.length ? `<ul class="links">${model.links.map((l) => `<li><a href="${escapeHtml(encodeURI(l.href))}">${text(l.label)}</a> <code class="muted">${text(l.href)}</code></li>`).join("")}</ul>` : "<p>No other outputs.</p>"}
${sources ? `<table class="junit"><caption>JUnit inputs merged into junit.xml</caption><thead><tr><th>source</th><th class="num">cases</th><th class="num">failed</th><th class="num">skipped</th></tr></thead><tbody>${sources}</tbody></table>` : ""}
</section>`;
}

const CSS = `
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f7f8fa;--card:#fff;--pass:#15803d;--pass-bg:#dcfce7;--fail:#b91c1c;--fail-bg:#fee2e2;--skip:#92400e;--skip-bg:#fef3c7;--none-bg:#f1f3f5;--link:#1d4ed8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
a{color:var(--link)}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header.top{color:#fff;padding:22px 0 0;margin-bottom:24px}
header.top.ok{background:linear-gradient(135deg,#0f3d2e,#166534)}
header.top.bad{background:linear-gradient(135deg,#450a0a,#991b1b)}
header h1{margin:0 0 4px;font-size:24px;font-weight:650}
.verdict{margin:0 0 14px;opacity:.95}
header nav{display:flex;gap:4px;flex-wrap:wrap}
header nav a{color:#fff;text-decoration:none;padding:8px 12px;border-radius:6px 6px 0 0;background:rgba(255,255,255,.08)}
header nav a:hover{background:rgba(255,255,255,.2)}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:0 0 20px}
section#summary{background:none;border:0;padding:0}
h2{margin:0 0 12px;font-size:19px}
h3{font-size:16px;margin:18px 0 8px}
.count{font-size:13px;font-weight:500;color:var(--muted);background:var(--none-bg);border-radius:10px;padding:2px 8px;vertical-align:middle}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:14px;margin-bottom:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .label{color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:26px;font-weight:650;margin:2px 0}
.card .sub{color:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;background:var(--card)}
caption{text-align:left;color:var(--muted);font-size:13px;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.stages{border:1px solid var(--line);border-radius:10px}
.badge{display:inline-block;border-radius:4px;padding:0 7px;font-size:12px;font-weight:650;letter-spacing:.03em}
.badge.pass{background:var(--pass-bg);color:var(--pass)}
.badge.fail{background:var(--fail-bg);color:var(--fail)}
.badge.skip{background:var(--skip-bg);color:var(--skip)}
header .badge.pass{background:#bbf7d0}
header .badge.fail{background:#fecaca}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;padding-top:2px}
.scroll{overflow-x:auto}
table.matrix{table-layout:fixed;min-width:900px}
table.matrix th[scope=row]{white-space:nowrap;width:240px}
table.matrix td.cell{text-align:center;white-space:nowrap;border:2px solid var(--card);border-radius:6px}
.cell a{display:block;text-decoration:none;color:inherit;font-weight:600;padding:2px 4px}
.cell.pass{background:var(--pass-bg);color:var(--pass)}
.cell.fail{background:var(--fail-bg);color:var(--fail)}
.cell.skip{background:var(--skip-bg);color:var(--skip)}
.cell.none{background:var(--none-bg);color:#9aa5b1}
.legend{display:flex;gap:10px;flex-wrap:wrap;align-items:center;color:var(--muted);font-size:13px}
.legend .cell{padding:1px 8px;border-radius:4px;font-weight:600}
details.cell-detail{border:1px solid var(--line);border-left-width:4px;border-radius:6px;margin:6px 0;padding:4px 12px}
details.cell-detail.pass{border-left-color:var(--pass)}
details.cell-detail.fail{border-left-color:var(--fail)}
details.cell-detail.skip{border-left-color:#d97706}
details.cell-detail:target{box-shadow:0 0 0 3px #bfdbfe}
summary{cursor:pointer;padding:4px 0}
.muted{color:var(--muted)}
.err{margin-top:4px;color:var(--fail);white-space:pre-wrap}
.notice{background:var(--none-bg);border-radius:8px;padding:10px 14px}
.notice.pre{white-space:pre-wrap;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.notice.ok{background:var(--pass-bg);color:var(--pass)}
.notice.bad{background:var(--fail-bg);color:var(--fail)}
table.findings td:nth-child(4) code{color:var(--pass)}
table.findings td:nth-child(5) code{color:var(--fail)}
figure{margin:8px 0;min-width:0}
figure.wide{max-width:760px}
figcaption{color:var(--muted);font-size:13px}
svg.chart{max-width:100%;height:auto;display:block}
svg .axis{font:11px system-ui,sans-serif;fill:var(--muted)}
svg .axis.ref{fill:#b91c1c}
svg .value{font:600 11px system-ui,sans-serif;fill:var(--ink)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:18px;align-items:start}
.scenario{border-top:1px solid var(--line);padding-top:8px;margin-top:12px}
.files a{font-size:13px}
ul.links{padding-left:18px}
footer{color:var(--muted);font-size:13px;padding:8px 24px 32px}
@media print{header nav{display:none}details{display:block}}
`;
