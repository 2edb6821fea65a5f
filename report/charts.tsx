/**
 * Small inline SVG charts: no script, no fonts, no network, readable without colour (values are
 * written as text and every mark has a <title>). Components, so every label is escaped by the renderer.
 */
import type { ComponentChildren } from "preact";

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

/** A shaded range between two lines (e.g. a tolerance band around an envelope). */
export interface Band {
  name: string;
  color: string;
  points: Array<{ x: number; lo: number; hi: number }>;
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

/** Formats a number for an axis or label: compact, at most 3 significant digits after the point. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1).replace(/\.0$/, "");
  return n.toFixed(2).replace(/\.?0+$/, "") || "0";
}

/** A coordinate with one decimal, as the charts write them. */
const c1 = (n: number) => n.toFixed(1);

/** The frame shared by every chart: scales to its container, labelled for screen readers. */
function Frame(props: { width: number; height: number; title: string; children: ComponentChildren }) {
  const { width, height, title } = props;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={title}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{title}</title>
      {props.children}
    </svg>
  );
}

/** A y axis for values up to `max`: a round step (1, 2, 2.5 or 5 × 10ⁿ) and the top gridline, about 4 lines. */
export function yAxis(max: number): { max: number; step: number } {
  const rough = (max > 0 ? max : 1) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  return { max: step * Math.max(1, Math.ceil((max > 0 ? max : 1) / step - 1e-9)), step };
}

/** Horizontal gridlines with their values, for a y axis from 0 to `axis.max`. */
function YGrid(props: {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  axis: { max: number; step: number };
  unit: string;
}) {
  const { x0, x1, y0, y1, axis } = props;
  const lines = Math.round(axis.max / axis.step);
  const unit = props.unit.trim();
  return (
    <>
      {Array.from({ length: lines + 1 }, (_, i) => {
        const y = y0 - ((y0 - y1) * i) / lines;
        return (
          <>
            <line x1={x0} x2={x1} y1={y} y2={y} stroke={COLORS.grid} />
            <text x={x0 - 6} y={y + 4} text-anchor="end" class="axis">
              {fmt(axis.step * i)}
            </text>
          </>
        );
      })}
      {/* The unit sits above the axis, not on a tick, so long values are not clipped. */}
      {unit ? (
        <text x={x0 - 6} y={y1 - 10} text-anchor="end" class="axis">
          {unit}
        </text>
      ) : null}
    </>
  );
}

/** Vertical bars with their values on top; an optional reference line (e.g. a threshold). */
export function BarChart(props: {
  title: string;
  unit: string;
  bars: Bar[];
  width?: number;
  height?: number;
  reference?: { value: number; label: string };
}) {
  const width = props.width ?? 420;
  const height = props.height ?? 220;
  const [left, right, top, bottom] = [52, 12, 22, 40];
  const top1 = Math.max(...props.bars.map((b) => b.value), 0);
  const ref = props.reference;
  // A reference far above the bars (a generous threshold) would flatten them: name it instead of drawing it.
  const drawReference = ref !== undefined && ref.value <= top1 * 3;
  const axis = yAxis(Math.max(top1, drawReference ? ref.value : 0));
  const y0 = height - bottom;
  const slot = (width - left - right) / Math.max(props.bars.length, 1);
  const barW = Math.min(48, slot * 0.6);
  const refY = ref ? y0 - ((y0 - top) * ref.value) / axis.max : 0;
  return (
    <Frame width={width} height={height} title={props.title}>
      <YGrid x0={left} x1={width - right} y0={y0} y1={top} axis={axis} unit={props.unit} />
      {props.bars.map((b, i) => {
        const h = ((y0 - top) * b.value) / axis.max;
        const x = left + slot * i + (slot - barW) / 2;
        const mid = c1(x + barW / 2);
        return (
          <>
            <rect
              x={c1(x)}
              y={c1(y0 - h)}
              width={c1(barW)}
              height={c1(h)}
              rx="2"
              fill={b.color ?? COLORS.blue}
            >
              <title>{`${b.label}: ${fmt(b.value)}${props.unit}${b.note ? ` (${b.note})` : ""}`}</title>
            </rect>
            <text x={mid} y={c1(y0 - h - 4)} text-anchor="middle" class="value">
              {fmt(b.value)}
            </text>
            <text x={mid} y={y0 + 16} text-anchor="middle" class="axis">
              {b.label}
            </text>
          </>
        );
      })}
      {/* Above the plot, on the left where the low percentiles leave room, so it never covers a value. */}
      {ref && !drawReference ? (
        <text x={left + 4} y={top - 8} class="axis ref">
          {`${ref.label} (off scale)`}
        </text>
      ) : null}
      {ref && drawReference ? (
        <>
          <line
            x1={left}
            x2={width - right}
            y1={c1(refY)}
            y2={c1(refY)}
            stroke={COLORS.red}
            stroke-dasharray="5 4"
          >
            <title>{ref.label}</title>
          </line>
          {/* Left-aligned: the low percentiles on the left leave room above the line. */}
          <text x={left + 4} y={c1(refY - 4)} class="axis ref">
            {ref.label}
          </text>
        </>
      ) : null}
    </Frame>
  );
}

/** Colour squares (or dashes) with names along the bottom of a chart. */
function Legend(props: {
  x: number;
  y: number;
  /** `swatch`: a square even in a legend of lines (a shaded band). */
  items: Array<{ name: string; color: string; dashed?: boolean; swatch?: boolean }>;
  line?: boolean;
  charWidth: number;
  gap: number;
}) {
  let x = props.x;
  return (
    <>
      {props.items.map((item) => {
        const at = x;
        x += props.gap + item.name.length * props.charWidth;
        return (
          <>
            {props.line && !item.swatch ? (
              <line
                x1={at}
                x2={at + 18}
                y1={props.y - 4}
                y2={props.y - 4}
                stroke={item.color}
                stroke-width="2"
                stroke-dasharray={item.dashed ? "4 3" : undefined}
              />
            ) : (
              <rect x={at} y={props.y - 9} width="10" height="10" fill={item.color} />
            )}
            <text x={at + (props.line && !item.swatch ? 22 : 14)} y={props.y} class="axis">
              {item.name}
            </text>
          </>
        );
      })}
    </>
  );
}

/** Lines over a numeric x axis (seconds, run number), with a legend; `area` fills under a line. */
export function LineChart(props: {
  title: string;
  xLabel: string;
  unit: string;
  series: Series[];
  bands?: Band[];
  xTicks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}) {
  const width = props.width ?? 640;
  const height = props.height ?? 240;
  const [left, right, top, bottom] = [56, 16, 22, 58];
  const bands = props.bands ?? [];
  const points = [
    ...props.series.flatMap((s) => s.points),
    ...bands.flatMap((b) => b.points.map((p) => ({ x: p.x, y: p.hi }))),
  ];
  const xMin = Math.min(...points.map((p) => p.x), 0);
  const xMax = Math.max(...points.map((p) => p.x), xMin + 1);
  const axis = yAxis(Math.max(...points.map((p) => p.y), 0));
  const y0 = height - bottom;
  const sx = (x: number) => left + ((width - left - right) * (x - xMin)) / (xMax - xMin);
  const sy = (y: number) => y0 - ((y0 - top) * y) / axis.max;
  const ticks =
    props.xTicks ??
    [0, 0.25, 0.5, 0.75, 1].map((f) => ({
      x: xMin + f * (xMax - xMin),
      label: fmt(xMin + f * (xMax - xMin)),
    }));
  return (
    <Frame width={width} height={height} title={props.title}>
      <YGrid x0={left} x1={width - right} y0={y0} y1={top} axis={axis} unit={props.unit} />
      {ticks.map((t) => (
        // Labels at the ends align inward so they are not clipped by the edge.
        <text
          x={c1(sx(t.x))}
          y={y0 + 16}
          text-anchor={t.x === xMax ? "end" : t.x === xMin ? "start" : "middle"}
          class="axis"
        >
          {t.label}
        </text>
      ))}
      <text x={left + (width - left - right) / 2} y={y0 + 32} text-anchor="middle" class="axis">
        {props.xLabel}
      </text>
      {bands.map((b) => {
        const upper = b.points.map((p) => `${c1(sx(p.x))},${c1(sy(p.hi))}`);
        const lower = [...b.points].reverse().map((p) => `${c1(sx(p.x))},${c1(sy(p.lo))}`);
        return upper.length ? (
          <path d={`M${[...upper, ...lower].join("L")}Z`} fill={b.color} opacity="0.15">
            <title>{b.name}</title>
          </path>
        ) : null;
      })}
      {props.series.map((s) => {
        const first = s.points[0];
        const last = s.points.at(-1);
        if (!first || !last) return null;
        const d = s.points.map((p, i) => `${i ? "L" : "M"}${c1(sx(p.x))},${c1(sy(p.y))}`).join("");
        return (
          <>
            {s.area ? (
              <path
                d={`${d}L${c1(sx(last.x))},${y0}L${c1(sx(first.x))},${y0}Z`}
                fill={s.color}
                opacity="0.15"
              />
            ) : null}
            <path
              d={d}
              fill="none"
              stroke={s.color}
              stroke-width="2"
              stroke-dasharray={s.dashed ? "6 4" : undefined}
            >
              <title>{s.name}</title>
            </path>
            {s.points.length <= 60
              ? s.points.map((p) => (
                  <circle cx={c1(sx(p.x))} cy={c1(sy(p.y))} r="2.5" fill={s.color}>
                    <title>{`${s.name}: ${fmt(p.y)}${props.unit} at ${fmt(p.x)}`}</title>
                  </circle>
                ))
              : null}
          </>
        );
      })}
      <Legend
        x={left}
        y={height - 6}
        items={[...props.series, ...bands.map((b) => ({ ...b, swatch: true }))]}
        line
        charWidth={6.5}
        gap={34}
      />
    </Frame>
  );
}
