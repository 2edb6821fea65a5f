/** Simulated `k6/metrics`: each add() is a sample for the runner's thresholds and summary. */
import { record } from "./state.ts";

class Metric {
  constructor(
    readonly name: string,
    private readonly type: "counter" | "rate" | "trend" | "gauge",
  ) {}
  add(value: number | boolean, tags: Record<string, string> = {}): void {
    record(this.name, this.type, typeof value === "boolean" ? (value ? 1 : 0) : value, tags);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, "counter");
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, "rate");
  }
}
export class Trend extends Metric {
  constructor(name: string) {
    super(name, "trend");
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, "gauge");
  }
}
