/** Runs one bundled scenario on k6 and hands back its exit code (0, 99 thresholds failed, …). */
import { type ChildProcess, spawn } from "node:child_process";

export interface K6Run {
  k6: string;
  script: string;
  /** LOAD_* variables; passed through the environment (not `--env`), so secrets stay out of `ps`. */
  env: Record<string, string>;
  /** Extra `k6 run` arguments. */
  args?: string[];
  /** Where k6 streams every metric point as CSV (`--out csv`), one line per sample. */
  pointsPath?: string;
  /** Where k6's output goes; default: this process's. */
  stdio?: "inherit" | "pipe";
  /** Kills k6 after this many ms (a bound for tests). */
  timeoutMs?: number;
  /** With stdio "pipe": each chunk of k6's output as it comes (e.g. to print it with a prefix). */
  onOutput?: (chunk: string) => void;
}

/** The `k6 run` command line for a script. */
function k6Command(run: Pick<K6Run, "script" | "args" | "pointsPath">): string[] {
  // --quiet: no progress bar (handleSummary prints the result); --no-usage-report: nothing leaves the
  // machine but the test traffic.
  const out = run.pointsPath ? ["--out", `csv=${run.pointsPath}`] : [];
  return ["run", "--quiet", "--no-usage-report", ...out, ...(run.args ?? []), run.script];
}

/** Runs k6; resolves with its exit code and, with stdio "pipe", its output. */
export function runK6(run: K6Run): Promise<{ code: number; output: string }> {
  return startK6(run).done;
}

/** Starts k6 and hands back the process (to stop it) and its end: exit code and, piped, its output. */
export function startK6(run: K6Run): {
  child: ChildProcess;
  done: Promise<{ code: number; output: string }>;
} {
  let child: ChildProcess | undefined;
  const done = new Promise<{ code: number; output: string }>((resolve, reject) => {
    child = spawn(run.k6, k6Command(run), {
      // Millisecond timestamps: per-second buckets then start at the first point, not a clock second.
      env: { ...process.env, ...run.env, ...(run.pointsPath ? { K6_CSV_TIME_FORMAT: "unix_milli" } : {}) },
      stdio: run.stdio === "pipe" ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    child.stdout?.on("data", (b: Buffer) => {
      output += b.toString();
      run.onOutput?.(b.toString());
    });
    child.stderr?.on("data", (b: Buffer) => {
      output += b.toString();
      run.onOutput?.(b.toString());
    });
    const started = child;
    const timer = run.timeoutMs ? setTimeout(() => started.kill("SIGKILL"), run.timeoutMs) : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
  return { child: child as unknown as ChildProcess, done };
}
