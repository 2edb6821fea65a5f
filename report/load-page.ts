/**
 * The HTML page of one load run, from its summary.json: verdict, thresholds, request figures,
 * schema conformance, the rate-limit envelope and the ramp's knee. Self-contained (no script, no
 * external asset); every value is escaped. The summary holds no secret, by construction.
 */
import type { LoadSummary } from "../load/lib/summary.ts";

function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

function table(head: string[], rows: unknown[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** Renders the page. */
export function renderLoadHtml(summary: LoadSummary): string {
  const h = summary.harness;
  const m = summary.metrics;
  const thresholds = Object.entries(m).flatMap(([metric, v]) =>
    Object.entries(v.thresholds ?? {}).map(([expr, t]) => [metric, expr, t.ok ? "ok" : "FAILED"]),
  );
  const d = m.http_req_duration?.values ?? {};
  const sections = [
    `<h1>${esc(h.scenario)}: <span class="${h.passed ? "ok" : "bad"}">${h.passed ? "passed" : "failed"}</span></h1>`,
    `<p>Target ${esc(h.target)} (${esc(h.host)}), profile ${esc(h.profile)}, finished ${esc(h.finishedAt)}, ` +
      `${num((summary.state?.testRunDurationMs ?? 0) / 1000)} s.</p>`,
    "<h2>Thresholds</h2>",
    table(["metric", "threshold", "result"], thresholds),
    "<h2>Requests</h2>",
    table(
      ["requests", "per second", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      [
        [
          m.http_reqs?.values.count ?? 0,
          num(m.http_reqs?.values.rate),
          num(d.med),
          num(d["p(95)"]),
          num(d["p(99)"]),
          num(d.max),
        ],
      ],
    ),
    "<h2>Schema conformance</h2>",
    `<p>${h.schema.conforming} of ${h.schema.checked} checked responses conform to the OpenAPI description; ${h.schema.findings} findings.</p>`,
  ];
  const e = summary.envelope;
  if (e) {
    sections.push(
      "<h2>Rate-limit accuracy</h2>",
      table(
        [
          "bucket",
          "burst",
          "refill/s",
          "elapsed s",
          "attempts",
          "admitted",
          "refused",
          "envelope",
          "accuracy",
          "verdict",
        ],
        [
          [
            e.key,
            e.burst,
            e.refillPerSecond,
            num(e.elapsedSeconds, 2),
            e.attempts,
            e.admitted,
            e.limited,
            num(e.expected),
            `${num(e.accuracyPercent, 2)}%`,
            `${e.withinTolerance ? "within" : "outside"} ±${e.tolerancePercent}%`,
          ],
        ],
      ),
    );
  }
  if (h.knee) {
    const k = h.knee.found;
    sections.push(
      "<h2>Ramp</h2>",
      `<p>${k ? `Knee at step ${k.stage + 1} (${k.rate}/s): ${esc(k.reason)}.` : "No knee: every step held."}</p>`,
      table(
        ["step", "rate/s", "requests", "errors", "p95 ms"],
        h.knee.stages.map((s, i) => [i + 1, s.rate, s.requests, s.errors, num(s.p95)]),
      ),
    );
  }
  if (Object.keys(h.figures).length > 0) {
    sections.push("<h2>Figures</h2>", table(["figure", "value"], Object.entries(h.figures)));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load: ${esc(h.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}.ok{color:#176f2c}.bad{color:#b00020}</style>
</head><body>
${sections.join("\n")}
</body></html>
`;
}
