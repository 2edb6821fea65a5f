import assert from "node:assert/strict";
import { test } from "node:test";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { BarChart, fmt, LineChart, yAxis } from "./charts.tsx";

test("y axes end on round numbers with round steps", () => {
  const rows: Array<[number, number, number]> = [
    [22, 30, 10],
    [388, 400, 100],
    [200, 200, 50],
    [912, 1000, 250],
    [0.7, 0.8, 0.2],
    [0, 1, 0.25],
  ];
  for (const [max, top, step] of rows) {
    const a = yAxis(max);
    assert.deepEqual([Number(a.max.toFixed(6)), Number(a.step.toFixed(6))], [top, step], String(max));
  }
});

test("numbers are short", () => {
  const rows: Array<[number, string]> = [
    [31500, "31,500"],
    [402.2, "402"],
    [12.34, "12.3"],
    [3.1, "3.1"],
    [0.005, "0.01"],
    [0, "0"],
    [Number.NaN, "–"],
  ];
  for (const [n, s] of rows) assert.equal(fmt(n), s);
});

test("labels are escaped in every chart", () => {
  const evil = `</text><script>alert(1)</script>`;
  const charts = [
    renderToString(
      h(BarChart, {
        title: evil,
        unit: evil,
        bars: [{ label: evil, value: 1 }],
        reference: { value: 1, label: evil },
      }),
    ),
    renderToString(
      h(BarChart, {
        title: "t",
        unit: "",
        bars: [{ label: "b", value: 1 }],
        reference: { value: 9, label: evil },
      }),
    ),
    renderToString(
      h(LineChart, {
        title: evil,
        xLabel: evil,
        unit: evil,
        series: [{ name: evil, color: "#000", points: [{ x: 0, y: 1 }] }],
      }),
    ),
  ];
  for (const svg of charts) {
    assert.ok(!svg.includes("<script>"), svg);
    assert.ok(svg.includes("&lt;/text>&lt;script>"), "the label is shown, escaped");
    assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  }
});

test("a bar chart draws its bars, values and reference line", () => {
  const svg = renderToString(
    h(BarChart, {
      title: "latency",
      unit: " ms",
      bars: [
        { label: "p(50)", value: 10 },
        { label: "p(95)", value: 30, note: "slow" },
      ],
      reference: { value: 40, label: "p95 threshold 40 ms" },
    }),
  );
  assert.equal(svg.match(/<rect /g)?.length, 2);
  assert.match(svg, /<title>p\(95\): 30 ms \(slow\)<\/title>/);
  assert.match(svg, /stroke-dasharray="5 4"/);
  assert.match(svg, />40<\/text>/, "the axis reaches the reference");
});
