/** The page of one load run: its verdict in the header and the report's card of the scenario. */
import type { LoadResult } from "../load.ts";
import { Badge } from "./badge.tsx";
import { Document } from "./document.tsx";
import { ScenarioCard } from "./load.tsx";

/** One scenario, drawn by the same component as in the report's load section. */
export function LoadPage(props: { result: LoadResult }) {
  const r = props.result;
  const passed = r.harness?.passed ?? r.thresholds.every((t) => t.ok);
  return (
    <Document title={`Load: ${r.scenario}`}>
      <header class={`top ${passed ? "ok" : "bad"}`}>
        <div class="wrap">
          <h1>Load: {r.scenario}</h1>
          <p class="verdict">
            <Badge state={passed ? "pass" : "fail"}>{passed ? "PASSED" : "FAILED"}</Badge>
            {r.harness?.target ? ` target ${r.harness.target}` : ""}
          </p>
        </div>
      </header>
      <main class="wrap">
        <section id="load">
          <ScenarioCard result={r} />
        </section>
      </main>
    </Document>
  );
}
