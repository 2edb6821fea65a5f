/**
 * A child process whose output is streamed line by line through the masker, so no secret the run
 * recorded (nor a secret-shaped value) reaches the console.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createMasker } from "../../redaction/mask.ts";
import { readSecrets } from "../../redaction/secrets.ts";

/** Runs a command, printing its output masked and indented; resolves with its exit code. */
export function runMasked(cmd: string, args: string[], opts: { cwd: string; dir: string }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
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
      resolve(code ?? 1);
    });
  });
}
