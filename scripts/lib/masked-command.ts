/**
 * A child process whose output is streamed line by line through the masker, so no secret the run
 * recorded (nor a secret-shaped value) reaches the console.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createMasker } from "../../redaction/mask.ts";
import { readSecrets } from "../../redaction/secrets.ts";

/**
 * Runs a command, printing its output masked and indented; resolves with its exit code. SIGINT or
 * SIGTERM to this process while it runs is passed on to the child (which may be a server, such as
 * the contract suites' mock), and this process exits once the child has: a signal sent to the
 * parent alone leaves nothing running.
 */
export function runMasked(cmd: string, args: string[], opts: { cwd: string; dir: string }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let received: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      received = signal;
      child.kill(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    // The registry grows while the child runs: re-read it now and then, not per line.
    let mask = createMasker(readSecrets({ dir: opts.dir }));
    const refresh = setInterval(() => {
      mask = createMasker(readSecrets({ dir: opts.dir }));
    }, 2000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => console.log(`    ${mask(line)}`));
    }
    child.on("error", (error) => {
      console.log(`    could not run ${cmd}: ${error.message}`);
    });
    child.on("close", (code) => {
      clearInterval(refresh);
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      // Stopped by a signal: end as the signal would have ended this process (128 + its number).
      if (received !== undefined) process.exit(received === "SIGINT" ? 130 : 143);
      resolve(code ?? 1);
    });
  });
}
