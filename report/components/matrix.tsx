/** Conformance: one matrix of operation × check (and factor × check) per project, and the tests and findings behind each cell. */
import { type Cell, CHECKS, cellId, type Matrix } from "../matrix.ts";
import type { PageModel } from "../model.ts";
import { Badge } from "./badge.tsx";
import { FindingsTable } from "./findings.tsx";
import { badgeClass, formatDuration } from "./format.ts";

/** The glyph and words of a cell's state (colour is never the only signal). */
function cellLabel(cell: Cell): string {
  const passed = cell.tests.filter((t) => t.outcome === "passed" || t.outcome === "flaky").length;
  const n = cell.tests.length;
  const findings = cell.findings.length;
  switch (cell.state) {
    case "pass":
      return `✓ ${passed}/${n}`;
    case "fail":
      return `✗ ${passed}/${n}${findings ? ` · ${findings} finding${findings > 1 ? "s" : ""}` : ""}`;
    case "skip":
      return `○ ${n} skipped`;
    default:
      return "–";
  }
}

/** One row of a matrix: its cells, each linking to its details below. */
function MatrixRow(props: { matrix: Matrix; row: string; label: string }) {
  const { matrix: m, row, label } = props;
  return (
    <tr>
      <th scope="row">
        <code>{label}</code>
      </th>
      {CHECKS.map((check) => {
        const id = cellId(m.project, row, check);
        const cell = m.cells.get(id);
        if (!cell || cell.state === "none") {
          return (
            <td class="cell none" title="no test">
              –
            </td>
          );
        }
        const title = `${label} × ${check}: ${cell.tests.length} tests, ${cell.findings.length} findings`;
        return (
          <td class={`cell ${cell.state}`}>
            <a href={`#${id}`} title={title}>
              {cellLabel(cell)}
            </a>
          </td>
        );
      })}
    </tr>
  );
}

/** One project's matrix: the operations, then one row per factor (the tests tagged `@factor:`). */
function MatrixTable(props: { matrix: Matrix }) {
  const m = props.matrix;
  return (
    <table class="matrix">
      <caption>
        project <strong>{m.project}</strong>
      </caption>
      <thead>
        <tr>
          <th scope="col">operation</th>
          {CHECKS.map((c) => (
            <th scope="col">{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {m.rows.map((op) => (
          <MatrixRow matrix={m} row={op} label={op} />
        ))}
        {m.factorRows.length ? (
          <tr class="group">
            <th scope="colgroup" colspan={CHECKS.length + 1}>
              by factor
            </th>
          </tr>
        ) : null}
        {m.factorRows.map((row) => (
          <MatrixRow matrix={m} row={row} label={row.replace(":", ": ")} />
        ))}
      </tbody>
    </table>
  );
}

/** The tests and findings behind one cell, open when the cell failed. */
function CellDetail(props: { id: string; cell: Cell; project: string }) {
  const { id, cell } = props;
  return (
    <details id={id} class={`cell-detail ${cell.state}`} open={cell.state === "fail"}>
      <summary>
        <code>{cell.operation}</code> × {cell.check} <span class="muted">({props.project})</span> —{" "}
        {cellLabel(cell)}
      </summary>
      {cell.findings.length ? <FindingsTable findings={cell.findings} /> : null}
      {cell.tests.length ? (
        <table class="tests">
          <thead>
            <tr>
              <th>result</th>
              <th>test</th>
              <th>file</th>
              <th class="num">time</th>
            </tr>
          </thead>
          <tbody>
            {cell.tests.map((t) => (
              <tr class={t.outcome}>
                <td>
                  <Badge state={badgeClass(t.outcome)}>{t.outcome}</Badge>
                </td>
                <td>
                  {t.title}
                  {t.error ? (
                    <div class="err">
                      <code>{t.error}</code>
                    </div>
                  ) : null}
                </td>
                <td>
                  <code>{t.file}</code>
                </td>
                <td class="num">{formatDuration(t.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}

/** The conformance section, or a notice that the suites did not run. */
export function Matrices(props: { contracts: PageModel["contracts"] }) {
  const c = props.contracts;
  if (!c.available && c.findings.length === 0) {
    return (
      <section id="matrix">
        <h2>Conformance</h2>
        <p class="notice">
          The contract suites did not run: no <code>reports/contracts/results.json</code>. Run{" "}
          <code>npm run test:contracts</code> (or <code>npm start</code>).
        </p>
      </section>
    );
  }
  const details = c.matrices.flatMap((m) =>
    [...m.cells]
      .filter(([, cell]) => cell.state !== "none")
      .map(([id, cell]) => <CellDetail id={id} cell={cell} project={m.project} />),
  );
  return (
    <section id="matrix">
      <h2>Conformance</h2>
      {c.errors.length ? (
        <div class="notice bad">
          <strong>Errors outside tests:</strong>
          <ul>
            {c.errors.map((e) => (
              <li>
                <code>{e}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="scroll">
        {c.matrices.map((m) => (
          <MatrixTable matrix={m} />
        ))}
      </div>
      <p class="legend">
        <span class="cell pass">✓ passed</span>
        <span class="cell fail">✗ failed or finding</span>
        <span class="cell skip">○ skipped</span>
        <span class="cell none">– no test</span> Each cell counts the tests that check that operation for that
        aspect; click it for the tests and findings.
      </p>
      {details.length ? (
        <>
          <h3>By cell</h3>
          {details}
        </>
      ) : null}
    </section>
  );
}
