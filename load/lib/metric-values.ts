/**
 * Reading a figure out of a summary's metrics: one run's (k6's handleSummary data) or a merge's of
 * several. Pure module: no k6 and no Node imports.
 */

/** Metrics as a summary holds them: one run's (k6's handleSummary data), or a merge's of several. */
export type MetricValues = Record<string, { values: Record<string, number | undefined> } | undefined>;

/** A metric's value, or `fallback` when the run never recorded it. */
export function metricValue(
  data: { metrics: MetricValues },
  metric: string,
  value: string,
  fallback = 0,
): number {
  const v = data.metrics[metric]?.values[value];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
