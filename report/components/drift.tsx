/** Drift (tenant runs): how a real tenant differs from the description and from the mock. */
import type { PageModel } from "../model.ts";

/** A table with the given columns of each row (values that are not strings shown as JSON). */
function RowsTable(props: { rows: Array<Record<string, unknown>>; columns: string[] }) {
  const cell = (v: unknown) =>
    typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v ?? "");
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              {props.columns.map((c) => (
                <td>{cell(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const DESCRIPTION_COLUMNS = [
  "operation",
  "status",
  "location",
  "pointer",
  "expected",
  "actual",
  "count",
  "alsoOnMock",
];
const VERSUS_MOCK_COLUMNS = ["test", "step", "operation", "aspect", "name", "tenant", "mock"];

/** The drift section, with a warning when the mock baseline came from another version of the mock. */
export function Drift(props: { drift: NonNullable<PageModel["drift"]> }) {
  const d = props.drift;
  return (
    <section id="drift">
      <h2>
        Drift <span class="count">{d.description.length + d.versusMock.length}</span>
      </h2>
      <p class="muted">
        How a real tenant differs from the description and from the mock: this is where a change at Auth0
        shows up.
      </p>
      {d.staleBaseline ? (
        <p class="notice bad">
          The mock observations compared with (
          {d.staleBaseline === "unknown" ? "of unknown provenance" : `recorded ${d.staleBaseline}`}) come from
          another version of the mock than this checkout's: step drift may be the mock's own change.{" "}
          <code>npm run test:tenant -- --with-mock</code> records a fresh baseline.
        </p>
      ) : null}
      {d.description.length ? (
        <>
          <h3>Tenant versus the description</h3>
          <RowsTable rows={d.description} columns={DESCRIPTION_COLUMNS} />
        </>
      ) : (
        <p>The tenant matched the description everywhere it was checked.</p>
      )}
      {d.versusMock.length ? (
        <>
          <h3>Tenant versus the mock, step by step</h3>
          <RowsTable rows={d.versusMock} columns={VERSUS_MOCK_COLUMNS} />
        </>
      ) : null}
    </section>
  );
}
