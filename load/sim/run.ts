/**
 * A simulated k6 run: bundles a scenario with the k6 modules replaced by the shims beside this file,
 * runs setup, the main scenario's iterations (in virtual time) and handleSummary in this process
 * against the mock app (no port, no real waiting), and evaluates the thresholds as k6 does.
 *
 * It exists because k6 itself is not always installed: it checks the scenarios' logic against the
 * real mock in every `npm test`. It is no substitute for k6 (no concurrency, no goja, simplified
 * executors); load/smoke.test.ts runs the real bundles on a real k6 wherever one is found.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { createMockApp } from "../../mock/app.ts";
import type { MockConfig } from "../../mock/config/config.ts";
import { Clock } from "../../mock/store/clock.ts";
import { percentile } from "../lib/percentile.ts";
import type { Sample, SimResponse, SimState } from "./state.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const scenariosDir = path.join(here, "..", "scenarios");

export interface SimResult {
  /** 0, 99 when a threshold failed, 107 when the init code or setup threw (as k6). */
  exitCode: number;
  /** handleSummary's outputs by file name ("stdout" included). */
  outputs: Record<string, string>;
  failedThresholds: string[];
  /** Errors thrown by iterations (k6 logs them and goes on), or the init/setup error. */
  iterationErrors: string[];
  requests: number;
}

type Stage = { target: number; duration: string };
interface ScenarioConfig {
  executor: string;
  rate?: number;
  duration?: string;
  startRate?: number;
  stages?: Stage[];
  vus?: number;
  iterations?: number;
}
interface ScenarioModule {
  options: { scenarios: Record<string, ScenarioConfig>; thresholds?: Record<string, string[]> };
  setup?: () => unknown;
  default: (data: unknown) => void;
  handleSummary?: (data: unknown) => Record<string, string>;
}

function seconds(duration: string): number {
  let total = 0;
  for (const m of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    total += m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
  }
  return total;
}

/** Start offsets (s) of an arrival-rate executor's iterations. */
function arrivals(cfg: ScenarioConfig): number[] {
  const out: number[] = [];
  if (cfg.executor === "constant-arrival-rate") {
    const n = Math.round((cfg.rate ?? 1) * seconds(cfg.duration ?? "1s"));
    for (let i = 0; i < n; i++) out.push(i / (cfg.rate ?? 1));
    return out;
  }
  // ramping-arrival-rate: the rate moves linearly within each stage; an arrival each 1/rate seconds.
  let t = 0;
  let from = cfg.startRate ?? 0;
  let next = 0;
  for (const stage of cfg.stages ?? []) {
    const d = seconds(stage.duration);
    while (next < t + d) {
      const rate = from + ((stage.target - from) * (next - t)) / d;
      if (rate <= 0) {
        next += 0.01;
        continue;
      }
      out.push(next);
      next += 1 / rate;
    }
    t += d;
    from = stage.target;
  }
  return out;
}

function aggregate(samples: Sample[], durationS: number): Record<string, number> {
  const type = samples[0]?.type;
  const values = samples.map((s) => s.value);
  if (type === "counter") {
    const count = values.reduce((a, b) => a + b, 0);
    return { count, rate: durationS > 0 ? count / durationS : 0 };
  }
  if (type === "rate") {
    const passes = values.filter((v) => v !== 0).length;
    return { rate: values.length ? passes / values.length : 0, passes, fails: values.length - passes };
  }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    avg: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    min: sorted[0] ?? 0,
    med: percentile(sorted, 0.5) ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    "p(90)": percentile(sorted, 0.9) ?? 0,
    "p(95)": percentile(sorted, 0.95) ?? 0,
    "p(99)": percentile(sorted, 0.99) ?? 0,
  };
}

/** "metric{a:b,c:d}" → name and tag filter. */
function parseKey(key: string): { name: string; tags: Record<string, string> } {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  const tags: Record<string, string> = {};
  for (const pair of (m?.[2] ?? "").split(",").filter(Boolean)) {
    const [k, ...v] = pair.split(":");
    tags[(k ?? "").trim()] = v.join(":").trim();
  }
  return { name: (m?.[1] ?? key).trim(), tags };
}

function evaluate(expr: string, values: Record<string, number>): boolean {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?[\d.]+)\s*$/.exec(expr);
  if (!m) throw new Error(`threshold expression the simulation cannot read: ${expr}`);
  const left = values[m[1] as string];
  if (left === undefined) throw new Error(`threshold ${expr}: no "${m[1]}" for this metric type`);
  const right = Number(m[3]);
  switch (m[2]) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "!=":
      return left !== right;
    default:
      return left === right;
  }
}

/** An exception in the init context or in setup: k6 stops before the first iteration with 107. */
function initFailure(error: unknown): SimResult {
  return { exitCode: 107, outputs: {}, failedThresholds: [], iterationErrors: [String(error)], requests: 0 };
}

/** A change to the mock's answer, to play a target that departs from it in a way no deviation names. */
export type Intercept = (req: { method: string; url: string; body: string }, res: SimResponse) => SimResponse;

/** Runs one scenario in simulation with the given LOAD_* environment (and, optionally, a tampered target). */
export async function simulate(
  scenario: string,
  env: Record<string, string>,
  config: Partial<MockConfig> = {},
  intercept?: Intercept,
): Promise<SimResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "k6-sim-"));
  const realNow = Date.now;
  const g = globalThis as Record<string, unknown>;
  try {
    const outfile = path.join(dir, `${scenario}.mjs`);
    await build({
      entryPoints: [path.join(scenariosDir, `${scenario}.ts`)],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "warning",
      alias: {
        k6: path.join(here, "k6.ts"),
        "k6/http": path.join(here, "k6-http.ts"),
        "k6/metrics": path.join(here, "k6-metrics.ts"),
        "k6/execution": path.join(here, "k6-execution.ts"),
        "k6/crypto": path.join(here, "k6-crypto.ts"),
      },
    });
    const clock = new Clock({ frozenAt: Date.UTC(2026, 0, 1) });
    const app = createMockApp(config, { clock });
    const state: SimState = {
      samples: [],
      handle: (req) => {
        const res = app.handle(req);
        return intercept ? intercept(req, res) : res;
      },
      now: () => clock.now(),
      sleep: (ms) => clock.advance(Math.max(0, ms)),
      exec: { iterationInTest: 0, startTime: 0, scenario: undefined, vuIdInTest: 1 },
    };
    g.__k6sim = state;
    // A loopback address, as for the real mock (the shim never connects anywhere).
    g.__ENV = { LOAD_BASE_URL: "http://127.0.0.1:9", ...env };
    g.open = (file: string) => readFileSync(file, "utf8");
    // Scenarios read the time from Date.now(); in the simulation it is the mock's frozen clock.
    Date.now = () => clock.now();

    let mod: ScenarioModule;
    try {
      mod = (await import(pathToFileURL(outfile).href)) as ScenarioModule;
    } catch (error) {
      return initFailure(error);
    }
    const started = clock.now();
    let setupData: unknown;
    try {
      setupData = mod.setup ? JSON.parse(JSON.stringify(mod.setup() ?? null)) : undefined;
    } catch (error) {
      return initFailure(error);
    }
    const [name, cfg] = Object.entries(mod.options.scenarios)[0] as [string, ScenarioConfig];
    state.exec.scenario = name;
    state.exec.startTime = clock.now();
    const iterationErrors: string[] = [];
    const iterate = (i: number) => {
      state.exec.iterationInTest = i;
      try {
        mod.default(setupData);
      } catch (error) {
        iterationErrors.push(error instanceof Error ? error.message : String(error));
      }
    };
    if (cfg.executor.endsWith("arrival-rate")) {
      arrivals(cfg).forEach((offset, i) => {
        const at = state.exec.startTime + offset * 1000;
        if (at > clock.now()) clock.advance(at - clock.now());
        iterate(i);
      });
    } else {
      const total = (cfg.vus ?? 1) * (cfg.iterations ?? 1);
      for (let i = 0; i < total; i++) iterate(i);
    }
    state.exec.scenario = undefined;

    const durationS = (clock.now() - started) / 1000;
    const byName = new Map<string, Sample[]>();
    for (const s of state.samples) byName.set(s.metric, [...(byName.get(s.metric) ?? []), s]);
    const metrics: Record<
      string,
      { type: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
    > = {};
    for (const [metric, samples] of byName) {
      metrics[metric] = { type: samples[0]?.type ?? "counter", values: aggregate(samples, durationS) };
    }
    const failedThresholds: string[] = [];
    for (const [key, exprs] of Object.entries(mod.options.thresholds ?? {})) {
      const { name: metric, tags } = parseKey(key);
      const samples = (byName.get(metric) ?? []).filter((s) =>
        Object.entries(tags).every(([k, v]) => s.tags[k] === v),
      );
      const entry = {
        type: samples[0]?.type ?? "counter",
        values: aggregate(samples, durationS),
        thresholds: {} as Record<string, { ok: boolean }>,
      };
      for (const expr of exprs) {
        // As k6 does, a threshold on a metric without samples is not failed.
        const ok = samples.length === 0 || evaluate(expr, entry.values);
        entry.thresholds[expr] = { ok };
        if (!ok) failedThresholds.push(`${key}: ${expr}`);
      }
      if (samples.length > 0 || key === metric) metrics[key] = entry;
    }
    const outputs =
      mod.handleSummary?.({
        metrics,
        state: { testRunDurationMs: durationS * 1000 },
        setup_data: setupData,
      }) ?? {};
    return {
      exitCode: failedThresholds.length > 0 ? 99 : 0,
      outputs,
      failedThresholds,
      iterationErrors,
      requests: (byName.get("http_reqs") ?? []).length,
    };
  } finally {
    Date.now = realNow;
    delete g.__k6sim;
    delete g.__ENV;
    delete g.open;
    rmSync(dir, { recursive: true, force: true });
  }
}
