/**
 * The "Clients" section: Auth0's SDKs driven through their flows against the mock, one row per flow
 * (SDK, version, where it ran, steps passed of all, the step that failed and why). Without any flow
 * it says "not run", never passed.
 */
import {
  type ClientResult,
  clientFlowStatus,
  clientTally,
  isProblem,
  passedSteps,
  stoppedAt,
} from "../clients.ts";
import type { PageModel } from "../model.ts";
import { Badge } from "./badge.tsx";
import { badgeClass, formatDuration, formatTime } from "./format.ts";

/** What the section says when no flow was read. */
export const CLIENTS_NOT_RUN = "Not run: no SDK flow results under clients/.";

/** The row of one flow (or of a file that is not one). */
function FlowRow(props: { result: ClientResult }) {
  const r = props.result;
  const status = clientFlowStatus(r);
  const stop = stoppedAt(r);
  const { passed, total } = passedSteps(r);
  if (isProblem(r))
    return (
      <tr>
        <td colSpan={5}>
          <code>{r.file}</code>
        </td>
        <td class="num">–</td>
        <td>
          <Badge state="fail">unreadable</Badge>
        </td>
        <td class="err">{r.problem}</td>
      </tr>
    );
  const took = r.steps.reduce((sum, s) => sum + s.durationMs, 0);
  return (
    <tr>
      <td>
        <code>{r.sdk}</code>
        <div class="muted">{r.flow}</div>
      </td>
      <td>{r.version}</td>
      <td>{r.runtime}</td>
      <td>{r.transport}</td>
      <td>
        {r.finishedAt ? formatTime(r.finishedAt) : "did not finish"}
        <div class="muted">{formatDuration(took)}</div>
      </td>
      <td class="num">
        {passed} / {total}
      </td>
      <td>
        <Badge state={badgeClass(status)}>{status}</Badge>
      </td>
      <td>
        {stop ? (
          <>
            <strong>{stop.step}</strong>
            <div class="err">{stop.message}</div>
          </>
        ) : r.skipped ? (
          <span class="muted">{r.skipped}</span>
        ) : (
          "–"
        )}
      </td>
    </tr>
  );
}

/** The section: a table of the flows, or "not run" with how to run them. */
export function ClientsSection(props: { clients: PageModel["clients"] }) {
  const { flows, note } = props.clients;
  // A file that is not a flow fails the section too, but it is no SDK step: the notice says which is which.
  const { failed, unreadable } = clientTally(flows);
  const readable = flows.length - unreadable;
  const notice = [
    ...(failed
      ? [`${failed} of ${readable} flows failed: an SDK step failed against the mock, or was not reached`]
      : []),
    ...(unreadable
      ? [`${unreadable} ${unreadable === 1 ? "file" : "files"} under clients/ could not be read as a flow`]
      : []),
  ].join("; ");
  return (
    <section id="clients">
      <h2>
        Clients <span class="count">{flows.length}</span>
      </h2>
      <p class="muted">
        Auth0's SDKs driven through their whole flows against the mock, each step recorded: the browser SDKs
        in Chromium, the server SDKs in Node.
      </p>
      {flows.length === 0 ? (
        <p class="notice">
          <Badge state="skip">not run</Badge> {note ?? CLIENTS_NOT_RUN} The flows run in the unit tests:{" "}
          <code>npm run test:unit -- clients</code> (or <code>npm test</code>), then{" "}
          <code>npm run report</code>.
        </p>
      ) : (
        <>
          {notice ? <p class="notice bad">{notice}.</p> : null}
          <div class="scroll">
            <table class="clients">
              <thead>
                <tr>
                  <th>SDK</th>
                  <th>version</th>
                  <th>runtime</th>
                  <th>transport</th>
                  <th>finished</th>
                  <th class="num">steps passed</th>
                  <th>result</th>
                  <th>the step that failed</th>
                </tr>
              </thead>
              <tbody>
                {flows.map((f) => (
                  <FlowRow result={f} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
