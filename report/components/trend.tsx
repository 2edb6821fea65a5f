/** The trend over the runs in history.json: tests and findings, p95 per scenario, the latest runs. */
import { COLORS, LineChart } from "../charts.tsx";
import type { HistoryEntry } from "../history.ts";
import { Badge } from "./badge.tsx";
import { formatTime } from "./format.ts";

const PALETTE = [COLORS.blue, COLORS.violet, COLORS.teal, COLORS.amber, COLORS.red, COLORS.green];

/** p95 latency per scenario per run, or nothing when no run had load results. */
function P95Chart(props: { history: HistoryEntry[]; xTicks: Array<{ x: number; label: string }> }) {
  const h = props.history;
  const scenarios = [...new Set(h.flatMap((e) => Object.keys(e.load)))].sort();
  if (!scenarios.length) return null;
  return (
    <figure>
      <LineChart
        title="p95 latency per scenario per run"
        xLabel="run (UTC)"
        unit=" ms"
        xTicks={props.xTicks}
        series={scenarios.map((s, k) => ({
          name: s,
          color: PALETTE[k % PALETTE.length] ?? COLORS.blue,
          points: h.flatMap((e, i) => {
            const v = e.load[s]?.p95;
            return v === undefined ? [] : [{ x: i + 1, y: v }];
          }),
        }))}
      />
    </figure>
  );
}

/** The trend section; from the second recorded run on. */
export function Trend(props: { history: HistoryEntry[] }) {
  const h = props.history;
  if (h.length < 2) {
    return (
      <section id="trend">
        <h2>Trend</h2>
        <p class="notice">
          {h.length === 1
            ? "This is the first run recorded in reports/history.json; the trend appears from the second run on."
            : "No history yet."}
        </p>
      </section>
    );
  }
  const ticks = h.map((e, i) => ({ x: i + 1, label: e.time.slice(5, 16).replace("T", " ") }));
  const step = Math.ceil(ticks.length / 6);
  const xTicks = ticks.filter((_, i) => i % step === 0 || i === ticks.length - 1);
  const line = (name: string, color: string, y: (e: HistoryEntry) => number, dashed = false) => ({
    name,
    color,
    points: h.map((e, i) => ({ x: i + 1, y: y(e) })),
    dashed,
  });
  return (
    <section id="trend">
      <h2>
        Trend <span class="count">{h.length} runs</span>
      </h2>
      <div class="charts">
        <figure>
          <LineChart
            title="Contract tests and findings per run"
            xLabel="run (UTC)"
            unit=""
            xTicks={xTicks}
            series={[
              line("passed", COLORS.green, (e) => e.tests.passed),
              line("failed", COLORS.red, (e) => e.tests.failed),
              line("findings", COLORS.amber, (e) => e.findings, true),
            ]}
          />
        </figure>
        <P95Chart history={h} xTicks={xTicks} />
      </div>
      <table class="history">
        <caption>Latest runs</caption>
        <thead>
          <tr>
            <th>time</th>
            <th>target</th>
            <th>commit</th>
            <th>result</th>
            <th class="num">passed</th>
            <th class="num">failed</th>
            <th class="num">findings</th>
          </tr>
        </thead>
        <tbody>
          {[...h]
            .reverse()
            .slice(0, 10)
            .map((e) => (
              <tr>
                <td>{formatTime(e.time)}</td>
                <td>{e.target}</td>
                <td>
                  <code>{e.commit ?? ""}</code>
                </td>
                <td>
                  <Badge state={e.ok ? "pass" : "fail"}>{e.ok ? "passed" : "failed"}</Badge>
                </td>
                <td class="num">{e.tests.passed}</td>
                <td class="num">{e.tests.failed}</td>
                <td class="num">{e.findings}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
