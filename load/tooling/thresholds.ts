/**
 * k6's threshold expressions, parsed and judged as k6 v0.48 does, for a verdict reached after the
 * run (the merge of several runners' points). Grammar: `<aggregation> <operator> <number>`, with
 * aggregations `count`, `rate`, `value`, `avg`, `min`, `max`, `med`, `p(N)` and operators `>`, `>=`,
 * `<`, `<=`, `==`, `===`, `!=`. Metric names may select a sub-metric by tags:
 * `http_req_duration{scenario:main,name:challenge}`. Pure module.
 */

export type MetricType = "counter" | "rate" | "trend" | "gauge";

export type Operator = ">" | ">=" | "<" | "<=" | "==" | "===" | "!=";

export interface ParsedThreshold {
  /** The expression as written (the key k6 uses in the summary). */
  source: string;
  /** `count`, `rate`, `value`, `avg`, `min`, `max`, `med` or `p(N)`. */
  aggregation: string;
  /** For `p(N)`: N / 100. */
  percentile?: number;
  operator: Operator;
  value: number;
}

/** A threshold expression k6 would refuse. */
export class ThresholdError extends Error {}

const EXPRESSION =
  /^\s*(count|rate|value|avg|min|max|med|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(===|==|!=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** Parses one threshold expression such as `p(95)<500` or `rate>=0.99`. */
export function parseThreshold(source: string): ParsedThreshold {
  const m = EXPRESSION.exec(source);
  if (!m) throw new ThresholdError(`"${source}" is not a k6 threshold expression`);
  const [, agg = "", pct, operator = "", value = ""] = m;
  const parsed: ParsedThreshold = {
    source,
    aggregation: pct !== undefined ? `p(${Number(pct)})` : agg.toLowerCase(),
    operator: operator as Operator,
    value: Number(value),
  };
  if (pct !== undefined) {
    const p = Number(pct);
    if (p > 100) throw new ThresholdError(`"${source}": a percentile is at most 100`);
    parsed.percentile = p / 100;
  }
  return parsed;
}

/** Which aggregations k6 allows on each metric type (a threshold with another one is refused at start). */
const ALLOWED: Record<MetricType, (agg: string) => boolean> = {
  counter: (a) => a === "count" || a === "rate",
  rate: (a) => a === "rate",
  gauge: (a) => a === "value",
  trend: (a) => ["avg", "min", "max", "med"].includes(a) || a.startsWith("p("),
};

/** True when k6 accepts this aggregation on this metric type. */
export function aggregationAllowed(type: MetricType, aggregation: string): boolean {
  return ALLOWED[type](aggregation);
}

/** Applies the comparison; a NaN on the left fails, as in k6. */
export function compare(left: number, operator: Operator, right: number): boolean {
  switch (operator) {
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case "==":
    case "===":
      return left === right;
    case "!=":
      return left !== right;
  }
}

/** A metric name split into its base and the tags a sub-metric selects (`name{a:b,c:d}`). */
export function parseMetricName(name: string): { base: string; tags: Array<[string, string]> } {
  const open = name.indexOf("{");
  if (open < 0) return { base: name.trim(), tags: [] };
  if (!name.endsWith("}")) throw new ThresholdError(`"${name}": a sub-metric's tags end with "}"`);
  const tags = name
    .slice(open + 1, -1)
    .split(",")
    .filter((part) => part.trim() !== "")
    .map((part): [string, string] => {
      const colon = part.indexOf(":");
      if (colon < 0) throw new ThresholdError(`"${name}": a tag is written key:value`);
      // k6 trims spaces and accepts a quoted value.
      const value = part
        .slice(colon + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .replace(/^'(.*)'$/, "$1");
      return [part.slice(0, colon).trim(), value];
    });
  return { base: name.slice(0, open).trim(), tags };
}

/**
 * The value a threshold's aggregation reads, from the metric's summary values (count, rate, value,
 * avg, min, max, med, p(N)); `percentile` answers a p(N) the values do not hold.
 */
export function thresholdLeft(
  t: ParsedThreshold,
  values: Record<string, number>,
  percentile?: (p: number) => number,
): number {
  if (t.percentile !== undefined) {
    const stored = values[t.aggregation];
    if (stored !== undefined) return stored;
    return percentile ? percentile(t.percentile) : Number.NaN;
  }
  return values[t.aggregation] ?? Number.NaN;
}

/**
 * Judges one threshold on a merged metric with k6 v0.48's end-of-run semantics (observed on k6
 * itself): a counter or a trend with no point is judged on zeros (`count>0` fails, `p(95)<500`
 * holds), while a rate with no point is not judged at all (its threshold holds).
 */
export function judge(
  t: ParsedThreshold,
  type: MetricType,
  values: Record<string, number>,
  empty: boolean,
  percentile?: (p: number) => number,
): boolean {
  if (empty && type === "rate") return true;
  return compare(thresholdLeft(t, values, percentile), t.operator, t.value);
}
