/**
 * The stages of a job (`npm start`): each announced with its number, timed, recorded for the report
 * with its outcome, and never allowed to throw, so every stage runs and the report is always written.
 */
import type { Stage } from "../../report/model.ts";

/** What a stage's body answers: its status and an optional note. */
export type StageOutcome = Omit<Stage, "name" | "durationMs">;

/** A runner for `total` stages that prints through `say`; `stages` fills as they finish. */
export function stageRunner(total: number, say: (line: string) => void) {
  const stages: Stage[] = [];
  let step = 0;
  /** Runs one stage: prints its start and outcome, records it; never throws. */
  async function stage(name: string, body: () => Promise<StageOutcome>): Promise<Stage> {
    step++;
    say(`\n[${step}/${total}] ${name} …`);
    const t0 = Date.now();
    let result: StageOutcome;
    try {
      result = await body();
    } catch (error) {
      result = { status: "failed", note: error instanceof Error ? error.message : String(error) };
    }
    const done: Stage = { name, durationMs: Date.now() - t0, ...result };
    stages.push(done);
    const mark = done.status === "passed" ? "✔" : done.status === "failed" ? "✖" : "–";
    say(
      `${mark} ${name}: ${done.status} in ${((done.durationMs ?? 0) / 1000).toFixed(1)} s${done.note ? ` (${done.note})` : ""}`,
    );
    return done;
  }
  return { stages, stage };
}

/** The verdict of a command's exit code. */
export function byExitCode(code: number, failNote?: string): StageOutcome {
  return code === 0 ? { status: "passed" } : { status: "failed", note: failNote ?? `exit code ${code}` };
}

/** The job's last line: how many stages passed, and which were skipped or failed (a skip is no pass). */
export function stagesLine(stages: readonly Stage[]): string {
  const named = (status: Stage["status"]) => stages.filter((s) => s.status === status).map((s) => s.name);
  const [failed, skipped] = [named("failed"), named("skipped")];
  const passed = stages.length - failed.length - skipped.length;
  return (
    `${passed} of ${stages.length} stages passed` +
    (skipped.length ? `; skipped: ${skipped.join(", ")}` : "") +
    (failed.length ? `; failed: ${failed.join(", ")}` : "") +
    "."
  );
}
