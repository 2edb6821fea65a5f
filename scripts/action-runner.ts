/**
 * `npm run action-runner -- --mock <url> --action <file>... [--trigger <t>] [--secret NAME]...`:
 * runs Actions (tenant/action-runner.ts) (yours or the harness's: a phone-message one, the custom
 * email provider one, or both) for every message a running mock sends, until SIGINT/SIGTERM.
 * Secrets are read from the environment (and .env.tenant) by name, so no value appears on a command
 * line; SINK_URL and SINK_SECRET are passed when set.
 */
import { type CommandSpec, helpText, readCommandLine } from "../cli/options.ts";
import {
  type ActionTrigger,
  HANDLER_NAMES,
  loadActionHandler,
  type RunnerAction,
  startActionRunner,
} from "../tenant/action-runner.ts";
import { readTenantEnv } from "../tenant/config.ts";

const triggers = Object.keys(HANDLER_NAMES) as ActionTrigger[];

const command = {
  usage: "usage: npm run action-runner -- --mock <mock base URL> --action <Action file> [options]",
  options: {
    mock: { type: "string", value: "<url>", description: "the running mock's base URL" },
    action: {
      type: "string",
      multiple: true,
      value: "<file>",
      description: "an Action's file; twice for a phone-message Action and an email one",
    },
    trigger: {
      type: "string",
      value: triggers.join("|"),
      description: "with one --action: default, the one the file's handler is for",
    },
    secret: { type: "string", multiple: true, value: "NAME", description: "a secret to pass, by name" },
    "env-file": { type: "string", value: "<path>", description: "settings (default .env.tenant)" },
  },
} satisfies CommandSpec;

/** The trigger a file's exported handler is for, or undefined when it exports none. */
function triggerOf(file: string): ActionTrigger | undefined {
  return triggers.find((t) => {
    try {
      loadActionHandler(file, t);
      return true;
    } catch {
      return false;
    }
  });
}

/** Starts the runner and wires the signals; answers the exit code when it does not run. */
async function main(): Promise<number | undefined> {
  const { values } = readCommandLine(command, { env: {} });
  if (!values.mock || values.action.length === 0) {
    console.error(helpText(command));
    return 2;
  }
  if (values.trigger && !triggers.includes(values.trigger as ActionTrigger)) {
    console.error(`--trigger must be one of ${triggers.join(", ")}`);
    return 2;
  }
  if (values.trigger && values.action.length > 1) {
    console.error("--trigger goes with one --action; with several, each file's handler says its trigger");
    return 2;
  }
  const actions: RunnerAction[] = [];
  for (const file of values.action) {
    // Without --trigger, the handler the file exports says which trigger it is for.
    const trigger = (values.trigger as ActionTrigger | undefined) ?? triggerOf(file);
    if (!trigger) {
      console.error(`${file} exports none of ${Object.values(HANDLER_NAMES).join(", ")}`);
      return 2;
    }
    actions.push({ trigger, handler: loadActionHandler(file, trigger) });
  }
  const envFile = values["env-file"];
  const env = readTenantEnv({ argv: envFile === undefined ? [] : ["--env-file", envFile] });
  const names = new Set(["SINK_URL", "SINK_SECRET", ...values.secret]);
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) secrets[name] = value;
    else if (values.secret.includes(name)) {
      console.error(`--secret ${name}: ${name} is not set in the environment or the env file`);
      return 2;
    }
  }
  const runner = await startActionRunner({
    mockURL: values.mock,
    actions,
    secrets,
    onDelivered: (m) => console.log(`action-runner: ${m.id} ${m.action} ${m.message_type} handled`),
    onFailed: (_m, error) => console.error(`action-runner: the Action failed on ${error}`),
    onError: (error) => console.error(`action-runner: ${error}`),
  });
  const which = actions.map((a, i) => `${a.trigger} Action ${values.action[i]}`).join(" and ");
  console.log(
    `action-runner: ${which} run for every message ${values.mock} sends (secrets: ${[...Object.keys(secrets)].join(", ") || "none"})`,
  );
  const stop = () => {
    void runner.stop().then(() => {
      console.log(
        `action-runner: ${runner.delivered} handled, ${runner.failed} failed, ${runner.skipped} for no Action`,
      );
      process.exit(runner.failed ? 1 : 0);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (e: unknown) => {
    console.error(`action-runner: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
