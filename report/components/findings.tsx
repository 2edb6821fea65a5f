/** Findings: responses that differed from the description, with where, expected and actual. */
import type { FindingRow, Matrix } from "../matrix.ts";

/** The matrix cell a finding was counted in, as a link (findings are the same objects in both places). */
function CellLink(props: { finding: FindingRow; matrices: Matrix[] }) {
  for (const m of props.matrices) {
    for (const [id, cell] of m.cells) {
      if (cell.findings.includes(props.finding)) return <a href={`#${id}`}>{cell.check}</a>;
    }
  }
  return null;
}

/** A table of findings: where (operation, status, location, JSON pointer), expected, actual; and the cell when `matrices` are given. */
export function FindingsTable(props: { findings: FindingRow[]; matrices?: Matrix[] }) {
  const matrices = props.matrices;
  return (
    <table class="findings">
      <thead>
        <tr>
          <th>operation</th>
          <th>location</th>
          <th>JSON pointer / header</th>
          <th>expected</th>
          <th>actual</th>
          <th>message</th>
          {matrices ? <th>cell</th> : null}
        </tr>
      </thead>
      <tbody>
        {props.findings.map((f) => (
          <tr>
            <td>
              <code>{f.operation}</code>
              {f.status ? (
                <>
                  {" "}
                  <span class="muted">{f.status}</span>
                </>
              ) : null}
            </td>
            <td>{f.location}</td>
            <td>
              <code>{f.pointer || "(whole body)"}</code>
            </td>
            <td>
              <code>{f.expected}</code>
            </td>
            <td>
              <code>{f.actual}</code>
            </td>
            <td>
              {f.message}
              {f.test ? <div class="muted">{f.test}</div> : null}
            </td>
            {matrices ? (
              <td>{matrices.length ? <CellLink finding={f} matrices={matrices} /> : null}</td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The findings section: every finding, or a line saying the responses matched. */
export function Findings(props: {
  findings: FindingRow[];
  matrices: Matrix[];
  checkedResponses?: number;
  /** False when the suites did not run: then no response was checked, and the line says so. */
  ran?: boolean;
}) {
  const f = props.findings;
  const checked = props.checkedResponses;
  return (
    <section id="findings">
      <h2>
        Findings <span class="count">{f.length}</span>
      </h2>
      {f.length ? (
        <FindingsTable findings={f} matrices={props.matrices} />
      ) : props.ran === false ? (
        <p class="notice">No findings, and no response checked: the contract suites did not run.</p>
      ) : (
        <p class="notice ok">
          No findings: every response the suites received matched the description
          {checked !== undefined ? ` (${checked} responses checked)` : ""}.
        </p>
      )}
    </section>
  );
}
