/** The report page: header with the verdict and navigation, the sections, and the footer. */
import { overallOk, type PageModel } from "../model.ts";
import { Badge } from "./badge.tsx";
import { ClientsSection } from "./clients.tsx";
import { Document } from "./document.tsx";
import { Drift } from "./drift.tsx";
import { Findings } from "./findings.tsx";
import { formatTime } from "./format.ts";
import { Links } from "./links.tsx";
import { LoadSection } from "./load.tsx";
import { Matrices } from "./matrix.tsx";
import { Run, Summary } from "./summary.tsx";
import { Trend } from "./trend.tsx";

/** The whole report of a run, from its masked model. */
export function ReportPage(props: { model: PageModel }) {
  const model = props.model;
  const ok = overallOk(model);
  const nav: Array<[string, string]> = [
    ["run", "Run"],
    ["matrix", "Conformance"],
    ["findings", "Findings"],
    ["load", "Load"],
    ["clients", "Clients"],
    ["trend", "Trend"],
    ...(model.drift ? [["drift", "Drift"] as [string, string]] : []),
    ["links", "Outputs"],
  ];
  return (
    <Document title={`${model.title} – ${ok ? "passed" : "failed"}`}>
      <header class={`top ${ok ? "ok" : "bad"}`}>
        <div class="wrap">
          <h1>{model.title}</h1>
          <p class="verdict">
            <Badge state={ok ? "pass" : "fail"}>{ok ? "PASSED" : "FAILED"}</Badge> target{" "}
            <strong>{model.run.target}</strong> · {formatTime(model.run.startedAt)}
          </p>
          <nav>
            {nav.map(([id, label]) => (
              <a href={`#${id}`}>{label}</a>
            ))}
          </nav>
        </div>
      </header>
      <main class="wrap">
        <Summary model={model} ok={ok} />
        <Run run={model.run} />
        <Matrices contracts={model.contracts} />
        <Findings
          findings={model.contracts.findings}
          matrices={model.contracts.matrices}
          ran={model.contracts.available}
          {...(model.contracts.checkedResponses !== undefined
            ? { checkedResponses: model.contracts.checkedResponses }
            : {})}
        />
        <LoadSection load={model.load} />
        <ClientsSection clients={model.clients} />
        <Trend history={model.history} />
        {model.drift ? <Drift drift={model.drift} /> : null}
        <Links links={model.links} sources={model.junit.sources} />
      </main>
      <footer class="wrap">
        Secrets and phone numbers are masked on this page. Generated {formatTime(model.run.generatedAt)}.
      </footer>
    </Document>
  );
}
