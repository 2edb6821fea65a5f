/**
 * `npm run sink [-- --env-file <path>]`: runs the code sink until SIGINT/SIGTERM.
 * `npm run sink -- --read-token` prints the bearer token that reads its outbox, and exits.
 * Listens on 127.0.0.1 by default; expose it to Auth0 through a tunnel (see tenant/README.md).
 */
import { parseSinkListenConfig, readTenantEnv, TenantConfigError } from "./config.ts";
import { sinkReadToken } from "./signature.ts";
import { startSink } from "./sink.ts";

function maskPhone(phone: string): string {
  return phone.replace(/\d(?=\d{4})/g, "X");
}

async function main(): Promise<void> {
  const config = parseSinkListenConfig(readTenantEnv());
  if (process.argv.includes("--read-token")) {
    // For CI: the bearer token that reads GET /outbox (mask it before use: it grants reading codes).
    process.stdout.write(`${sinkReadToken(config.secret)}\n`);
    return;
  }
  const sink = await startSink({
    ...config,
    onReject: (reason) => console.warn(`sink: rejected a request: ${reason}`),
    onAccept: (m) => console.log(`sink: ${m.id} ${m.action} ${m.message_type} to ${maskPhone(m.recipient)}`),
  });
  console.log(`sink listening on ${sink.url} (POST /messages from the Action, GET /outbox for the suites)`);
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
