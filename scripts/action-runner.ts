/**
 * `npm run action-runner -- --mock <url> --action <file> [--trigger <t>] [--secret NAME]...`:
 * runs a phone-message Action (tenant/action-runner.ts) (yours or the harness's) for every message a running mock sends,
 * until SIGINT/SIGTERM. Secrets are read from the environment (and .env.tenant) by name, so no
 * value appears on a command line; SINK_URL and SINK_SECRET are passed when set.
 */
import { type CommandSpec, helpText, readCommandLine } from "../cli/options.ts";
import {
  HANDLER_NAMES,
  loadActionHandler,
  type PhoneTrigger,
  startActionRunner,
} from "../tenant/action-runner.ts";
import { readTenantEnv } from "../tenant/config.ts";

const command = {
  usage: "usage: npm run action-runner -- --mock <mock base URL> --action <Action file> [options]",
  options: {
    mock: { type: "string", value: "<url>", description: "the running mock's base URL" },
    action: { type: "string", value: "<file>", description: "the Action's file" },
    trigger: {
      type: "string",
      value: "send-phone-message|custom-phone-provider",
      description: "default: the one the file's handler is for",
    },
    secret: { type: "string", multiple: true, value: "NAME", description: "a secret to pass, by name" },
    "env-file": { type: "string", value: "<path>", description: "settings (default .env.tenant)" },
  },
} satisfies CommandSpec;

/** Starts the runner and wires the signals; answers the exit code when it does not run. */
async function main(): Promise<number | undefined> {
  const { values } = readCommandLine(command, { env: {} });
  if (!values.mock || !values.action) {
    console.error(helpText(command));
    return 2;
  }
  const triggers = Object.keys(HANDLER_NAMES) as PhoneTrigger[];
  if (values.trigger && !triggers.includes(values.trigger as PhoneTrigger)) {
    console.error(`--trigger must be one of ${triggers.join(", ")}`);
    return 2;
  }
  // Without --trigger, the handler the file exports says which trigger it is for.
  const trigger =
    (values.trigger as PhoneTrigger | undefined) ??
    triggers.find((t) => {
      try {
        loadActionHandler(values.action as string, t);
        return true;
      } catch {
        return false;
      }
    });
  if (!trigger) {
    console.error(`${values.action} exports neither ${Object.values(HANDLER_NAMES).join(" nor ")}`);
    return 2;
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
    trigger,
    handler: loadActionHandler(values.action, trigger),
    secrets,
    onDelivered: (m) => console.log(`action-runner: ${m.id} ${m.action} ${m.message_type} handled`),
    onFailed: (_m, error) => console.error(`action-runner: the Action failed on ${error}`),
    onError: (error) => console.error(`action-runner: ${error}`),
  });
  console.log(
    `action-runner: ${trigger} Action ${values.action} runs for every message ${values.mock} sends (secrets: ${[...Object.keys(secrets)].join(", ") || "none"})`,
  );
  const stop = () => {
    void runner.stop().then(() => {
      console.log(`action-runner: ${runner.delivered} handled, ${runner.failed} failed`);
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
