/**
 * Shared state of the simulated k6 runtime (see run.ts): the metric samples, the execution context
 * and the synchronous HTTP handler. It lives on globalThis because each scenario bundle carries its
 * own copy of the shim modules, and the runner must see what they record.
 */
export interface Sample {
  metric: string;
  type: "counter" | "rate" | "trend" | "gauge";
  value: number;
  tags: Record<string, string>;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SimState {
  samples: Sample[];
  /** Answers a request synchronously (the mock app's `handle`). */
  handle(req: { method: string; url: string; headers: Record<string, string>; body: string }): SimResponse;
  /** Virtual time, epoch ms: `sleep` moves it. */
  now(): number;
  sleep(ms: number): void;
  exec: { iterationInTest: number; startTime: number; scenario: string | undefined; vuIdInTest: number };
}

/** The state of the current simulated run. */
export function sim(): SimState {
  const state = (globalThis as { __k6sim?: SimState }).__k6sim;
  if (!state) throw new Error("the k6 shim runs only inside load/sim/run.ts");
  return state;
}

/** Records one metric sample, with the current scenario tag as k6 adds it. */
export function record(
  metric: string,
  type: Sample["type"],
  value: number,
  tags: Record<string, string> = {},
): void {
  const s = sim();
  const scenario: Record<string, string> = s.exec.scenario === undefined ? {} : { scenario: s.exec.scenario };
  s.samples.push({ metric, type, value, tags: { ...scenario, ...tags } });
}
