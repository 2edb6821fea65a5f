/** The top of the page: summary cards, the stages of the run, and the facts of the run. */

import { clientTally } from "../clients.ts";
import type { TestRow } from "../matrix.ts";
import type { PageModel } from "../model.ts";
import { Badge } from "./badge.tsx";
import { badgeClass, formatDuration, formatTime } from "./format.ts";

/** Counts of test outcomes. */
function counts(tests: TestRow[]) {
  const c = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const t of tests) c[t.outcome]++;
  return c;
}

/** The label, big figure and small print of each summary card. */
function cards(model: PageModel): Array<[string, string, string]> {
  const c = counts(model.contracts.tests);
  const j = model.junit.totals;
  const { available, findings, checkedResponses } = model.contracts;
  const load = model.load.results;
  const flows = model.clients.flows;
  const sdk = clientTally(flows);
  return [
    [
      "Contract tests",
      available ? `${c.passed} passed` : "not run",
      available
        ? `${c.failed} failed · ${c.skipped} skipped${c.flaky ? ` · ${c.flaky} flaky` : ""}`
        : "no reports/contracts/results.json",
    ],
    [
      "Findings",
      String(findings.length),
      checkedResponses !== undefined
        ? `${checkedResponses} responses schema-checked`
        : "differences from the description",
    ],
    [
      "Load scenarios",
      String(load.length),
      load.length
        ? `${load.filter((r) => r.thresholds.every((t) => t.ok)).length} within thresholds`
        : "did not run",
    ],
    [
      "Auth0 SDK flows",
      flows.length ? `${sdk.passed} passed` : "not run",
      flows.length
        ? `${sdk.failed} failed · ${sdk.skipped} skipped${sdk.unreadable ? ` · ${sdk.unreadable} unreadable` : ""}`
        : model.clients.note
          ? "not part of this run"
          : "no reports/clients/*.json",
    ],
    [
      "All JUnit cases",
      `${j.tests - j.failures - j.errors - j.skipped} passed`,
      `${j.failures + j.errors} failed · ${j.skipped} skipped`,
    ],
  ];
}

/** Cards with the headline figures, then the stages of the run. */
export function Summary(props: { model: PageModel; ok: boolean }) {
  const { stages } = props.model;
  return (
    <section id="summary" aria-label="Summary">
      <div class="cards">
        {cards(props.model).map(([label, value, sub]) => (
          <div class="card">
            <div class="label">{label}</div>
            <div class="value">{value}</div>
            <div class="sub">{sub}</div>
          </div>
        ))}
      </div>
      {stages.length ? (
        <table class="stages">
          <caption>Stages of this run {props.ok ? "" : "(a failed stage fails the run)"}</caption>
          <thead>
            <tr>
              <th>stage</th>
              <th>result</th>
              <th class="num">time</th>
              <th>note</th>
            </tr>
          </thead>
          <tbody>
            {stages.map((s) => (
              <tr>
                <td>{s.name}</td>
                <td>
                  <Badge state={badgeClass(s.status)}>{s.status}</Badge>
                </td>
                <td class="num">{formatDuration(s.durationMs)}</td>
                <td>{s.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Target, base URL, times, commit and versions. */
export function Run(props: { run: PageModel["run"] }) {
  const r = props.run;
  const rows: Array<[string, string | undefined]> = [
    ["Target", r.target],
    ["Base URL", r.baseURL],
    // A page composed on its own (npm run report) has no run of its own to time: it says when it was composed.
    r.durationMs !== undefined
      ? ["Started", formatTime(r.startedAt)]
      : ["Composed", formatTime(r.generatedAt)],
    ["Duration", r.durationMs !== undefined ? formatDuration(r.durationMs) : undefined],
    ["Results from", r.resultsAt?.map(([what, at]) => `${what} ${formatTime(at)}`).join(" · ")],
    ["Git commit", r.commit],
    ...r.versions,
  ];
  return (
    <section id="run">
      <h2>Run</h2>
      <dl class="facts">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </>
          ))}
      </dl>
    </section>
  );
}
