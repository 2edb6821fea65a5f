/**
 * `npm run sink [-- --env-file <path>]`: runs the code sink (tenant/sink.ts) until SIGINT/SIGTERM.
 * `npm run sink -- --read-token` prints the bearer token that reads its outbox, and exits.
 * Listens on 127.0.0.1 by default; expose it to Auth0 through a tunnel (see tenant/README.md).
 */
import { type CommandSpec, readCommandLine } from "../cli/options.ts";
import { maskRecipient } from "../redaction/mask.ts";
import { parseSinkListenConfig, readTenantEnv, TenantConfigError } from "../tenant/config.ts";
import { sinkReadToken } from "../tenant/signature.ts";
import { startSink } from "../tenant/sink.ts";

const command = {
  usage: "Usage: npm run sink -- [options]",
  options: {
    "env-file": {
      type: "string",
      value: "<path>",
      description: "the settings (default .env.tenant; TENANT_ENV_FILE)",
    },
    "read-token": { type: "boolean", description: "print the bearer token that reads the outbox, and exit" },
  },
} satisfies CommandSpec;

/** Starts the sink (or prints its read token) with the settings of the env file and the environment. */
async function main(): Promise<void> {
  const { values } = readCommandLine(command);
  const envFile = values["env-file"];
  const config = parseSinkListenConfig(
    readTenantEnv({ argv: envFile === undefined ? [] : ["--env-file", envFile] }),
  );
  if (values["read-token"]) {
    // For CI: the bearer token that reads GET /outbox (mask it before use: it grants reading codes).
    process.stdout.write(`${sinkReadToken(config.secret)}\n`);
    return;
  }
  const sink = await startSink({
    ...config,
    onReject: (reason) => console.warn(`sink: rejected a request: ${reason}`),
    onAccept: (m) =>
      console.log(`sink: ${m.id} ${m.action ?? "-"} ${m.message_type} to ${maskRecipient(m.recipient)}`),
  });
  console.log(`sink listening on ${sink.url} (POST /messages from the Actions, GET /outbox for the suites)`);
  if (config.host !== "127.0.0.1" && config.host !== "localhost") {
    console.warn(
      `sink: bound to ${config.host}, not loopback: anyone who can reach it can post (signed) codes`,
    );
  }
  const stop = () => {
    void sink.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof TenantConfigError ? e.message : e);
  process.exit(1);
});
