/**
 * Knee detection for the ramp scenario: the first stage where the target stops keeping up, either by
 * answering with errors (any non-2xx, 429 included) or by getting markedly slower than at the start.
 * Pure module: no k6 and no Node imports.
 */
import { type MetricValues, metricValue } from "./metric-values.ts";

export interface StageResult {
  /** Requests per second the stage asked for. */
  rate: number;
  requests: number;
  errors: number;
  /** p95 latency in ms (undefined when the stage saw no response). */
  p95?: number;
}

export interface KneeCriteria {
  /** Error share above which a stage is past the knee. */
  maxErrorRate: number;
  /** p95 growth over the first stage's p95 that counts as degraded... */
  p95Factor: number;
  /** ...once p95 is also above this floor (sub-millisecond loopback latencies are noise). */
  minP95Ms: number;
}

export const defaultKneeCriteria: KneeCriteria = { maxErrorRate: 0.01, p95Factor: 3, minP95Ms: 50 };

export interface Knee {
  /** Index of the first degraded stage. */
  stage: number;
  /** Its rate, and the last rate that held (undefined when the first stage already failed). */
  rate: number;
  lastGoodRate?: number;
  reason: string;
}

/** The first stage past the knee, or undefined when every stage held. */
export function findKnee(
  stages: StageResult[],
  criteria: KneeCriteria = defaultKneeCriteria,
): Knee | undefined {
  const baseline = stages.find((s) => s.p95 !== undefined)?.p95;
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i] as StageResult;
    const errorRate = s.requests > 0 ? s.errors / s.requests : 0;
    const reasons: string[] = [];
    if (errorRate > criteria.maxErrorRate) {
      reasons.push(`errors ${(errorRate * 100).toFixed(1)}% > ${(criteria.maxErrorRate * 100).toFixed(1)}%`);
    }
    if (
      baseline !== undefined &&
      s.p95 !== undefined &&
      s.p95 > criteria.minP95Ms &&
      s.p95 > baseline * criteria.p95Factor
    ) {
      reasons.push(
        `p95 ${s.p95.toFixed(0)} ms > ${criteria.p95Factor}× the first stage's ${baseline.toFixed(0)} ms`,
      );
    }
    if (reasons.length > 0) {
      const lastGood = i > 0 ? (stages[i - 1] as StageResult).rate : undefined;
      return {
        stage: i,
        rate: s.rate,
        ...(lastGood === undefined ? {} : { lastGoodRate: lastGood }),
        reason: reasons.join("; "),
      };
    }
  }
  return undefined;
}

/**
 * The ramp's per-step sub-metrics, named as its thresholds name them: k6 keeps per-tag figures only
 * for a sub-metric a threshold names, and the merge of several runners rebuilds exactly those.
 */
export function stepMetrics(step: number, scenario: string): { errors: string; duration: string } {
  return {
    errors: `ramp_errors{step:${step}}`,
    duration: `http_req_duration{scenario:${scenario},step:${step}}`,
  };
}

/**
 * Each step's requests, errors and p95 from a summary's per-step sub-metrics, and the knee they show:
 * what one ramp's handleSummary reports, and what the merge judges again on every runner's points.
 */
export function rampKnee(
  rates: readonly number[],
  data: { metrics: MetricValues },
  scenario: string,
  criteria: KneeCriteria = defaultKneeCriteria,
): { found: Knee | null; stages: StageResult[] } {
  const stages = rates.map((rate, i): StageResult => {
    const names = stepMetrics(i, scenario);
    const errors = metricValue(data, names.errors, "passes");
    const requests = errors + metricValue(data, names.errors, "fails");
    const p95 = metricValue(data, names.duration, "p(95)", Number.NaN);
    // A step without an answer has no p95 (a merge computes 0 for a sub-metric without points).
    return { rate, requests, errors, ...(requests > 0 && Number.isFinite(p95) ? { p95 } : {}) };
  });
  return { found: findKnee(stages, criteria) ?? null, stages };
}

/** Index of the stage running at `elapsedSeconds` into the ramp (the last one past the end). */
export function stageAt(stages: { seconds: number }[], elapsedSeconds: number): number {
  let end = 0;
  for (let i = 0; i < stages.length; i++) {
    end += (stages[i] as { seconds: number }).seconds;
    if (elapsedSeconds < end) return i;
  }
  return Math.max(0, stages.length - 1);
}
