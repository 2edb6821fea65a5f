/**
 * Small inline SVG charts: no script, no fonts, no network, readable without colour (values are
 * written as text and every mark has a <title>). Every label goes through `escapeHtml`.
 */
import { escapeHtml } from "./escape.ts";

export interface Bar {
  label: string;
  value: number;
  color?: string;
  note?: string;
}

export interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number }>;
  dashed?: boolean;
  area?: boolean;
}

export const COLORS = {
  ink: "#1f2933",
  muted: "#616e7c",
  grid: "#e4e7eb",
  blue: "#2563eb",
  teal: "#0f766e",
  amber: "#b45309",
  red: "#b91c1c",
  green: "#15803d",
  violet: "#7c3aed",
};

/** A "nice" upper bound for an axis (1, 2, 2.5 or 5 × a power of ten) at or above `max`. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= max) ?? 10) * power;
}

/** Formats a number for an axis or label: compact, at most 3 significant digits after the point. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1).replace(/\.0$/, "");
  return n.toFixed(2).replace(/\.?0+$/, "") || "0";
}

/** Opening tag shared by every chart: scales to its container, labelled for screen readers. */
function open(width: number, height: number, title: string): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>`;
}

/** A y axis for values up to `max`: a round step (1, 2, 2.5 or 5 × 10ⁿ) and the top gridline, about 4 lines. */
export function yAxis(max: number): { max: number; step: number } {
  const rough = (max > 0 ? max : 1) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  return { max: step * Math.max(1, Math.ceil((max > 0 ? max : 1) / step - 1e-9)), step };
}

/** Horizontal gridlines with their values, for a y axis from 0 to `axis.max`. */
function yGrid(
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  axis: { max: number; step: number },
  unit: string,
): string {
  let out = "";
  const lines = Math.round(axis.max / axis.step);
  for (let i = 0; i <= lines; i++) {
    const v = axis.step * i;
    const y = y0 - ((y0 - y1) * i) / lines;
    out += `<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`;
    out += `<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" class="axis">${escapeHtml(fmt(v))}</text>`;
  }
  // The unit sits above the axis, not on a tick, so long values are not clipped.
  if (unit.trim())
    out += `<text x="${x0 - 6}" y="${y1 - 10}" text-anchor="end" class="axis">${escapeHtml(unit.trim())}</text>`;
  return out;
}

/** Vertical bars with their values on top; an optional reference line (e.g. a threshold). */
export function barChart(opts: {
  title: string;
  unit: string;
  bars: Bar[];
  width?: number;
  height?: number;
  reference?: { value: number; label: string };
}): string {
  const width = opts.width ?? 420;
  const height = opts.height ?? 220;
  const [left, right, top, bottom] = [52, 12, 22, 40];
  const top1 = Math.max(...opts.bars.map((b) => b.value), 0);
  // A reference far above the bars (a generous threshold) would flatten them: name it instead of drawing it.
  const drawReference = opts.reference && opts.reference.value <= top1 * 3;
  const axis = yAxis(Math.max(top1, drawReference ? (opts.reference?.value ?? 0) : 0));
  const max = axis.max;
  const plotW = width - left - right;
  const y0 = height - bottom;
  const slot = plotW / Math.max(opts.bars.length, 1);
  const barW = Math.min(48, slot * 0.6);
  let out = open(width, height, opts.title) + yGrid(left, width - right, y0, top, axis, opts.unit);
  opts.bars.forEach((b, i) => {
    const h = ((y0 - top) * b.value) / max;
    const x = left + slot * i + (slot - barW) / 2;
    const label = `${b.label}: ${fmt(b.value)}${opts.unit}${b.note ? ` (${b.note})` : ""}`;
    out += `<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" rx="2" fill="${b.color ?? COLORS.blue}"><title>${escapeHtml(label)}</title></rect>`;
    out += `<text x="${(x + barW / 2).toFixed(1)}" y="${(y0 - h - 4).toFixed(1)}" text-anchor="middle" class="value">${escapeHtml(fmt(b.value))}</text>`;
    out += `<text x="${(x + barW / 2).toFixed(1)}" y="${y0 + 16}" text-anchor="middle" class="axis">${escapeHtml(b.label)}</text>`;
  });
  if (opts.reference && !drawReference) {
    out += `<text x="${width - right}" y="${top + 4}" text-anchor="end" class="axis ref">${escapeHtml(`${opts.reference.label} (off scale)`)}</text>`;
  } else if (opts.reference) {
    const y = y0 - ((y0 - top) * opts.reference.value) / max;
    out += `<line x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${COLORS.red}" stroke-dasharray="5 4"><title>${escapeHtml(opts.reference.label)}</title></line>`;
    // Left-aligned: the low percentiles on the left leave room above the line.
    out += `<text x="${left + 4}" y="${(y - 4).toFixed(1)}" class="axis ref">${escapeHtml(opts.reference.label)}</text>`;
  }
  return `${out}</svg>`;
}

/** Horizontal stacked bars, one per group (e.g. admitted and 429 requests per scenario). */
export function stackedBars(opts: {
  title: string;
  unit: string;
  groups: Array<{ label: string; parts: Bar[] }>;
  width?: number;
}): string {
  const width = opts.width ?? 640;
  const rowH = 28;
  const [left, right, top] = [170, 70, 8];
  const legend = [
    ...new Map(opts.groups.flatMap((g) => g.parts).map((p) => [p.label, p.color ?? COLORS.blue])),
  ];
  const height = top + rowH * opts.groups.length + 30;
  const max = niceMax(Math.max(...opts.groups.map((g) => g.parts.reduce((s, p) => s + p.value, 0)), 0));
  const plotW = width - left - right;
  let out = open(width, height, opts.title);
  opts.groups.forEach((g, i) => {
    const y = top + i * rowH;
    out += `<text x="${left - 8}" y="${y + 17}" text-anchor="end" class="axis">${escapeHtml(g.label)}</text>`;
    let x = left;
    for (const p of g.parts) {
      const w = (plotW * p.value) / max;
      out += `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${p.color ?? COLORS.blue}"><title>${escapeHtml(`${g.label} – ${p.label}: ${fmt(p.value)}${opts.unit}`)}</title></rect>`;
      x += w;
    }
    const total = g.parts.reduce((s, p) => s + p.value, 0);
    out += `<text x="${(x + 6).toFixed(1)}" y="${y + 17}" class="value">${escapeHtml(fmt(total))}${escapeHtml(opts.unit)}</text>`;
  });
  let lx = left;
  for (const [label, color] of legend) {
    out += `<rect x="${lx}" y="${height - 18}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${height - 9}" class="axis">${escapeHtml(label)}</text>`;
    lx += 24 + label.length * 7;
  }
  return `${out}</svg>`;
}

/** Lines over a numeric x axis (seconds, run number), with a legend; `area` fills under a line. */
export function lineChart(opts: {
  title: string;
  xLabel: string;
  unit: string;
  series: Series[];
  xTicks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 240;
  const [left, right, top, bottom] = [56, 16, 22, 58];
  const points = opts.series.flatMap((s) => s.points);
  const xMin = Math.min(...points.map((p) => p.x), 0);
  const xMax = Math.max(...points.map((p) => p.x), xMin + 1);
  const axis = yAxis(Math.max(...points.map((p) => p.y), 0));
  const yMax = axis.max;
  const y0 = height - bottom;
  const sx = (x: number) => left + ((width - left - right) * (x - xMin)) / (xMax - xMin);
  const sy = (y: number) => y0 - ((y0 - top) * y) / yMax;
  let out = open(width, height, opts.title) + yGrid(left, width - right, y0, top, axis, opts.unit);
  const ticks =
    opts.xTicks ??
    [0, 0.25, 0.5, 0.75, 1].map((f) => ({
      x: xMin + f * (xMax - xMin),
      label: fmt(xMin + f * (xMax - xMin)),
    }));
  for (const t of ticks) {
    // Labels at the ends align inward so they are not clipped by the edge.
    const anchor = t.x === xMax ? "end" : t.x === xMin ? "start" : "middle";
    out += `<text x="${sx(t.x).toFixed(1)}" y="${y0 + 16}" text-anchor="${anchor}" class="axis">${escapeHtml(t.label)}</text>`;
  }
  out += `<text x="${left + (width - left - right) / 2}" y="${y0 + 32}" text-anchor="middle" class="axis">${escapeHtml(opts.xLabel)}</text>`;
  for (const s of opts.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join("");
    if (s.area) {
      const first = s.points[0];
      const last = s.points.at(-1);
      if (first && last) {
        out += `<path d="${d}L${sx(last.x).toFixed(1)},${y0}L${sx(first.x).toFixed(1)},${y0}Z" fill="${s.color}" opacity="0.15"/>`;
      }
    }
    out += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}><title>${escapeHtml(s.name)}</title></path>`;
    if (s.points.length <= 60) {
      for (const p of s.points) {
        out += `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeHtml(`${s.name}: ${fmt(p.y)}${opts.unit} at ${fmt(p.x)}`)}</title></circle>`;
      }
    }
  }
  let lx = left;
  for (const s of opts.series) {
    out += `<line x1="${lx}" x2="${lx + 18}" y1="${height - 10}" y2="${height - 10}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/><text x="${lx + 22}" y="${height - 6}" class="axis">${escapeHtml(s.name)}</text>`;
    lx += 34 + s.name.length * 6.5;
  }
  return `${out}</svg>`;
}
