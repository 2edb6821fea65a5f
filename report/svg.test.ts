import assert from "node:assert/strict";
import { test } from "node:test";
import { barChart, fmt, lineChart, stackedBars, yAxis } from "./svg.ts";

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
    barChart({
      title: evil,
      unit: evil,
      bars: [{ label: evil, value: 1 }],
      reference: { value: 1, label: evil },
    }),
    stackedBars({ title: evil, unit: "", groups: [{ label: evil, parts: [{ label: evil, value: 2 }] }] }),
    lineChart({
      title: evil,
      xLabel: evil,
      unit: "",
      series: [{ name: evil, color: "#000", points: [{ x: 0, y: 1 }] }],
    }),
  ];
  for (const svg of charts) {
    assert.ok(!svg.includes("<script>"), svg);
    assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  }
});
