/**
 * Load results: the table of scenarios and one card per scenario (latency, requests, errors and
 * latency per second, the rate-limit envelope over time, the ramp's knee, thresholds, figures). The one renderer of load data: the
 * report's load section and the page of a single load run both use it.
 */
import { envelope } from "../../load/lib/rate-limits.ts";
import type { SeriesPoint } from "../../load/lib/summary.ts";
import { BarChart, COLORS, fmt, LineChart } from "../charts.tsx";
import { type Envelope, envelopeAccuracy, type LoadResult, shownVolume } from "../load.ts";
import { Badge } from "./badge.tsx";
import { fmtMs, formatDuration, formatTime } from "./format.ts";

/** The p(95) bound of an `http_req_duration` threshold like `p(95)<500`, for the chart's reference line. */
function p95Threshold(r: LoadResult): number | undefined {
  const t = r.thresholds.find(
    (x) => x.metric === "http_req_duration" && /p\(95\)\s*<=?\s*[\d.]+/.test(x.expression),
  );
  const m = t && /p\(95\)\s*<=?\s*([\d.]+)/.exec(t.expression);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Admitted and refused requests of a scenario, or all its requests when it counted no 429. */
function admittedParts(r: LoadResult) {
  return r.limited !== undefined
    ? [
        { label: "admitted", value: r.admitted ?? shownVolume(r).requests - r.limited, color: COLORS.teal },
        { label: "429", value: r.limited, color: COLORS.amber },
      ]
    : [{ label: "requests", value: shownVolume(r).requests, color: COLORS.blue }];
}

/** The thresholds cell of the scenario table: how many held, or which failed. */
function ThresholdVerdict(props: { result: LoadResult }) {
  const all = props.result.thresholds;
  const failed = all.filter((t) => !t.ok);
  if (all.length === 0) return <>–</>;
  if (failed.length === 0) return <Badge state="pass">{all.length} ok</Badge>;
  return (
    <>
      <Badge state="fail">{failed.length} failed</Badge>
      {failed.map((t) => (
        <>
          {" "}
          <code>
            {t.metric}: {t.expression}
          </code>
        </>
      ))}
    </>
  );
}

/** One row per scenario: volume, latency percentiles, 429s, envelope accuracy, thresholds. */
function ScenarioTable(props: { results: LoadResult[] }) {
  return (
    <div class="scroll">
      <table class="load">
        <thead>
          <tr>
            <th>scenario</th>
            {["requests", "req/s", "p50", "p95", "p99", "429s", "admitted / envelope"].map((h) => (
              <th class="num">{h}</th>
            ))}
            <th>thresholds</th>
          </tr>
        </thead>
        <tbody>
          {props.results.map((r) => {
            const p = (label: string) => fmtMs(r.latency.find((l) => l.label === label)?.ms);
            const acc = envelopeAccuracy(r);
            const volume = shownVolume(r);
            const mark = volume.setupIncluded ? "*" : "";
            const cells = [
              `${fmt(volume.requests)}${mark}`,
              `${fmt(volume.rps)}${mark}`,
              p("p(50)"),
              p("p(95)"),
              p("p(99)"),
              r.limited !== undefined ? fmt(r.limited) : "–",
              acc !== undefined ? `${acc.toFixed(1)}%` : "–",
            ];
            return (
              <tr>
                <th scope="row">
                  <a href={`#load-${r.scenario}`}>{r.scenario}</a>
                </th>
                {cells.map((c) => (
                  <td class="num">{c}</td>
                ))}
                <td>
                  <ThresholdVerdict result={r} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted">
        requests and req/s: the scenario's main phase from k6's points, setup left out; * where the run kept
        no points: k6's http_reqs, setup included.
      </p>
    </div>
  );
}

/** What the load runner adds: verdict, target, profile, schema checks under load, when it finished. */
function HarnessFacts(props: { result: LoadResult }) {
  const h = props.result.harness;
  if (!h) return null;
  const facts = [
    h.target ? `target ${h.target}${h.host ? ` (${h.host})` : ""}` : "",
    h.runners && h.runners > 1 ? `${h.runners} runners, judged as one run (merged points)` : "",
    h.profile ? `rate-limit profile ${h.profile}` : "",
    h.approval ? `Auth0 approval ${h.approval}` : "",
    h.schema ? `${fmt(h.schema.checked)} responses schema-checked, ${fmt(h.schema.findings)} findings` : "",
    h.finishedAt ? `finished ${formatTime(h.finishedAt)}` : "",
  ].filter(Boolean);
  return (
    <p>
      {h.passed === undefined ? null : (
        <>
          <Badge state={h.passed ? "pass" : "fail"}>
            {h.passed ? "thresholds held" : "thresholds failed"}
          </Badge>{" "}
        </>
      )}
      <span class="muted">{facts.join(" · ")}</span>
    </p>
  );
}

/** Ramp: p95 per offered rate, and the knee when one was found. */
function KneeFigure(props: { result: LoadResult }) {
  const r = props.result;
  const stages = r.harness?.stages;
  if (!stages?.length) return null;
  const knee = r.harness?.knee;
  const caption = knee
    ? `Knee at ${fmt(knee.rate)} req/s${knee.lastGoodRate !== undefined ? ` (last good ${fmt(knee.lastGoodRate)} req/s)` : ""}: ${knee.reason}`
    : "Every stage held: no knee within the ramp.";
  return (
    <figure>
      <LineChart
        title={`${r.scenario}: p95 latency and errors per offered rate`}
        xLabel="offered rate (req/s)"
        unit=" ms"
        series={[
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
        ]}
      />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** Cumulative admitted and 429 counts from an envelope timeline, each starting at 0. */
function cumulative(timeline: Array<{ t: number; admitted: number; limited: number }>) {
  const adm = [{ x: 0, y: 0 }];
  const lim = [{ x: 0, y: 0 }];
  let admitted = 0;
  let limited = 0;
  for (const p of timeline) {
    admitted += p.admitted;
    limited += p.limited;
    adm.push({ x: p.t, y: admitted });
    lim.push({ x: p.t, y: limited });
  }
  return { adm, lim };
}

/** Whole-second ticks from 0 to `end`: a step of 1, 2, 5, 10, 15, 30 or 60 s, at most about 6 ticks. */
function secondTicks(end: number): Array<{ x: number; label: string }> {
  const step = [1, 2, 5, 10, 15, 30, 60].find((s) => end / s <= 6) ?? Math.ceil(end / 6);
  return Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => ({
    x: i * step,
    label: fmt(i * step),
  }));
}

/** Cumulative admitted requests per second of the series, from 0 at the start of the run. */
function cumulativeAdmitted(series: SeriesPoint[]): Array<{ x: number; y: number }> {
  const out = [{ x: 0, y: 0 }];
  let total = 0;
  for (const p of series) {
    total += p.admitted ?? 0;
    out.push({ x: p.t + 1, y: total });
  }
  return out;
}

/** The envelope line (burst + rate × t) and its tolerance band, from 0 to `end` seconds. */
function envelopeLine(env: Envelope, end: number) {
  const xs = Array.from({ length: 21 }, (_, i) => (end * i) / 20);
  const tol = (env.tolerancePercent ?? 0) / 100;
  return {
    line: xs.map((x) => ({ x, y: envelope(env, x) })),
    band: xs.map((x) => ({ x, lo: envelope(env, x) * (1 - tol), hi: envelope(env, x) * (1 + tol) })),
  };
}

/** Admitted requests against the token-bucket envelope (burst + refill × elapsed), over time when a timeline exists. */
function EnvelopeFigure(props: { result: LoadResult }) {
  const r = props.result;
  const env = r.envelope;
  const series = r.series;
  if (env && series?.some((p) => p.admitted !== undefined)) {
    const acc = envelopeAccuracy(r);
    // t = 0 is the scenario's first request (series.json leaves the setup out): the bucket's start.
    const run = series;
    const { line, band } = envelopeLine(env, run.length);
    return (
      <figure>
        <LineChart
          title={`${r.scenario}: admitted requests against the token-bucket envelope, per second`}
          xLabel="seconds since the first request"
          xTicks={secondTicks(run.length)}
          unit=""
          series={[
            {
              name: `envelope (burst ${fmt(env.burst)} + ${fmt(env.refillPerSecond)}/s × t)`,
              color: COLORS.red,
              points: line,
              dashed: true,
            },
            { name: "admitted (cumulative)", color: COLORS.teal, points: cumulativeAdmitted(run) },
          ]}
          bands={
            env.tolerancePercent !== undefined
              ? [{ name: `±${env.tolerancePercent}% tolerance`, color: COLORS.red, points: band }]
              : []
          }
        />
        <figcaption>
          A faithful token bucket admits along the dashed envelope once its burst is spent
          {acc !== undefined
            ? `; at the end: ${acc.toFixed(1)}% of it${env.withinTolerance === false ? ", outside the band" : ""}`
            : ""}
          .
        </figcaption>
      </figure>
    );
  }
  if (!env) {
    if (r.limited === undefined) return null;
    return (
      <figure>
        <BarChart title={`${r.scenario}: admitted and 429`} unit="" bars={admittedParts(r)} />
        <figcaption>No envelope file for this scenario.</figcaption>
      </figure>
    );
  }
  const acc = envelopeAccuracy(r);
  const tolerance =
    env.withinTolerance === undefined || env.tolerancePercent === undefined
      ? ""
      : ` (${env.withinTolerance ? "within" : "outside"} ±${env.tolerancePercent}%)`;
  if (env.timeline?.length) {
    const { adm, lim } = cumulative(env.timeline);
    const end = env.timeline.at(-1)?.t ?? 0;
    return (
      <figure>
        <LineChart
          title={`${r.scenario}: admitted requests against the token-bucket envelope`}
          xLabel="seconds since start"
          unit=""
          series={[
            {
              name: `envelope (burst ${fmt(env.burst)} + ${fmt(env.refillPerSecond)}/s)`,
              color: COLORS.red,
              points: [0, end].map((x) => ({ x, y: envelope(env, x) })),
              dashed: true,
            },
            { name: "admitted (cumulative)", color: COLORS.teal, points: adm, area: true },
            { name: "429 (cumulative)", color: COLORS.amber, points: lim },
          ]}
        />
        <figcaption>
          Admitted stays under the dashed envelope
          {acc !== undefined ? `; at the end: ${acc.toFixed(1)}% of it${tolerance}` : ""}.
        </figcaption>
      </figure>
    );
  }
  const seconds = env.durationSeconds ?? r.durationSeconds;
  const attempts = env.attempts !== undefined ? ` of ${fmt(env.attempts)} attempts` : "";
  return (
    <figure>
      <BarChart
        title={`${r.scenario}: admitted against the envelope`}
        unit=""
        bars={[
          {
            label: "envelope",
            value: envelope(env, seconds),
            color: COLORS.red,
            note: `burst ${fmt(env.burst)} + ${fmt(env.refillPerSecond)}/s × ${fmt(seconds)} s`,
          },
          { label: "admitted", value: env.admitted ?? r.admitted ?? 0, color: COLORS.teal },
          { label: "429", value: env.limited ?? r.limited ?? 0, color: COLORS.amber },
        ]}
      />
      <figcaption>
        Envelope = burst + refill × elapsed
        {acc !== undefined ? `; admitted${attempts} = ${acc.toFixed(1)}% of it${tolerance}` : ""}.
      </figcaption>
    </figure>
  );
}

/** Per second: requests, 429s and other errors; p50 and p95 latency (with the p95 threshold). */
function SeriesFigures(props: { result: LoadResult; threshold: number | undefined }) {
  const r = props.result;
  const series = r.series;
  if (!series?.length) return null;
  const per = (y: (p: SeriesPoint) => number | undefined) =>
    series.flatMap((p) => {
      const v = y(p);
      return v === undefined ? [] : [{ x: p.t, y: v }];
    });
  const end = series.length - 1;
  const threshold = props.threshold;
  return (
    <>
      <figure>
        <LineChart
          title={`${r.scenario}: requests per second`}
          xLabel="seconds since the first request"
          xTicks={secondTicks(end)}
          unit="/s"
          series={[
            { name: "requests", color: COLORS.blue, points: per((p) => p.requests), area: true },
            { name: "429", color: COLORS.amber, points: per((p) => p.limited) },
            { name: "other errors", color: COLORS.red, points: per((p) => p.errors), dashed: true },
          ]}
        />
        <figcaption>
          The scenario's requests per second from k6's points (setup left out); 429s are the limiter refusing,
          other errors are the requests k6 counts as failed.
        </figcaption>
      </figure>
      <figure>
        <LineChart
          title={`${r.scenario}: latency per second`}
          xLabel="seconds since the first request"
          xTicks={secondTicks(end)}
          unit=" ms"
          series={[
            { name: "p50", color: COLORS.blue, points: per((p) => p.p50) },
            { name: "p95", color: COLORS.violet, points: per((p) => p.p95) },
            ...(threshold !== undefined && end > 0
              ? [
                  {
                    name: `p95 threshold ${fmt(threshold)} ms`,
                    color: COLORS.red,
                    points: [0, end].map((x) => ({ x, y: threshold })),
                    dashed: true,
                  },
                ]
              : []),
          ]}
        />
        <figcaption>Percentiles of http_req_duration within each second.</figcaption>
      </figure>
    </>
  );
}

/** Every threshold of the scenario with its verdict, and the harness's figures, as one small table. */
function ThresholdsAndFigures(props: { result: LoadResult }) {
  const r = props.result;
  const figures = Object.entries(r.harness?.figures ?? {});
  if (r.thresholds.length === 0 && figures.length === 0) return null;
  return (
    <table class="thresholds">
      <thead>
        <tr>
          <th>threshold or figure</th>
          <th>result</th>
        </tr>
      </thead>
      <tbody>
        {r.thresholds.map((t) => (
          <tr>
            <td>
              <code>
                {t.metric}: {t.expression}
              </code>
            </td>
            <td>
              <Badge state={t.ok ? "pass" : "fail"}>{t.ok ? "ok" : "failed"}</Badge>
            </td>
          </tr>
        ))}
        {figures.map(([name, value]) => (
          <tr>
            <td>{name}</td>
            <td class="num">{fmt(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A run split over several k6 runners: each runner's segment and share. The verdict, the charts and
 * the thresholds above and below are the merge's (all runners' points); a runner's own exit code
 * judged its share against the whole run's thresholds, so it is shown, not counted.
 */
function RunnerShares(props: { result: LoadResult }) {
  const runners = props.result.runners;
  if (!runners?.length) return null;
  const total = runners.reduce((a, r) => a + r.requests, 0);
  const hasAdmitted = runners.some((r) => r.admitted !== undefined);
  return (
    <table class="runners">
      <caption>{`${runners.length} runners: each one's share (charts and verdict: all runners merged)`}</caption>
      <thead>
        <tr>
          <th>runner</th>
          <th>segment</th>
          <th class="num">requests</th>
          <th class="num">share</th>
          {hasAdmitted ? <th class="num">admitted</th> : null}
          <th class="num">p95 ms</th>
          <th class="num">k6 exit (its share alone)</th>
        </tr>
      </thead>
      <tbody>
        {runners.map((r) => (
          <tr>
            <td>{r.index}</td>
            <td>{r.segment ?? ""}</td>
            <td class="num">{fmt(r.requests)}</td>
            <td class="num">{total > 0 ? `${((r.requests / total) * 100).toFixed(1)}%` : ""}</td>
            {hasAdmitted ? <td class="num">{r.admitted !== undefined ? fmt(r.admitted) : ""}</td> : null}
            <td class="num">{r.p95 !== undefined ? fmt(r.p95) : ""}</td>
            <td class="num">{r.exitCode !== undefined ? String(r.exitCode) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One scenario: volume, the runner's verdict, latency, envelope and knee charts, thresholds, files. */
export function ScenarioCard(props: { result: LoadResult }) {
  const r = props.result;
  const threshold = p95Threshold(r);
  const volume = shownVolume(r);
  const all = formatDuration(r.durationSeconds * 1000);
  return (
    <article class="scenario" id={`load-${r.scenario}`}>
      <h3>{r.scenario}</h3>
      <p class="muted">
        {volume.setupIncluded
          ? `${fmt(r.requests)} requests in ${all} · ${fmt(r.rps)} req/s (setup included)`
          : `${fmt(volume.requests)} requests in the main phase (${fmt(r.requests)} with setup, in ${all}) · ${fmt(volume.rps)} req/s`}
        {r.failedShare !== undefined ? ` · ${(r.failedShare * 100).toFixed(2)}% failed` : ""}
        {r.checksPassed !== undefined
          ? ` · checks ${r.checksPassed} passed, ${r.checksFailed ?? 0} failed`
          : ""}
      </p>
      <HarnessFacts result={r} />
      <RunnerShares result={r} />
      <div class="charts">
        <figure>
          {r.latency.length ? (
            <BarChart
              title={`${r.scenario}: latency percentiles`}
              unit=" ms"
              bars={r.latency.map((l) => ({
                label: l.label,
                value: l.ms,
                color: l.label === "p(95)" ? COLORS.violet : COLORS.blue,
              }))}
              {...(threshold !== undefined
                ? { reference: { value: threshold, label: `p95 threshold ${fmt(threshold)} ms` } }
                : {})}
            />
          ) : (
            <p class="muted">No http_req_duration in the summary.</p>
          )}
          <figcaption>Latency of http_req_duration.</figcaption>
        </figure>
        <SeriesFigures result={r} threshold={threshold} />
        <EnvelopeFigure result={r} />
        <KneeFigure result={r} />
      </div>
      <ThresholdsAndFigures result={r} />
      {r.files.length ? (
        <p class="files">
          {r.files.map((f, i) => (
            <>
              {i ? " · " : ""}
              <a href={encodeURI(f)}>{f.split("/").at(-1)}</a>
            </>
          ))}
        </p>
      ) : null}
    </article>
  );
}

/** The report's load section: the scenario table and a card per scenario. */
export function LoadSection(props: { load: { results: LoadResult[]; note?: string } }) {
  const { results, note } = props.load;
  if (results.length === 0) {
    return (
      <section id="load">
        <h2>Load</h2>
        <p class="notice pre">{note ?? "No load results: nothing under reports/load/*/summary.json."}</p>
      </section>
    );
  }
  return (
    <section id="load">
      <h2>Load</h2>
      <ScenarioTable results={results} />
      <div class="scenarios">
        {results.map((r) => (
          <ScenarioCard result={r} />
        ))}
      </div>
      {note ? <p class="notice">{note}</p> : null}
    </section>
  );
}
