/**
 * runMasked passes SIGTERM and SIGINT on to its child: `npm start` runs the contract suites and the
 * load passes (each starting a mock) through it, and a signal to npm alone must stop them too.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

const dir = mkdtempSync(path.join(tmpdir(), "masked-command-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** True while `pid` runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A parent that runs a long-lived child through runMasked; the child prints its pid.
const parentScript = `
import { runMasked } from ${JSON.stringify(path.resolve("scripts/lib/masked-command.ts"))};
await runMasked(process.execPath, ["-e", "console.log('child ' + process.pid); setInterval(() => {}, 1000)"], {
  cwd: process.cwd(),
  dir: ${JSON.stringify(dir)},
});
console.log("not reached");
`;

describe("runMasked and signals", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`${signal} to the parent alone stops the child, then the parent (exit ${code})`, {
      timeout: 30_000,
    }, async () => {
      const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", parentScript], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, HARNESS_SECRETS_DIR: dir },
      });
      let out = "";
      const childPid = await new Promise<number>((resolve, reject) => {
        parent.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /child (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        parent.once("exit", () => reject(new Error(`parent ended early: ${out}`)));
      });
      const exited = new Promise<number | null>((resolve) => parent.once("exit", (c) => resolve(c)));
      parent.kill(signal);
      assert.equal(await exited, code);
      assert.ok(!out.includes("not reached"));
      // The child got the signal and is gone.
      for (let i = 0; i < 50 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(childPid), false, `child ${childPid} still running`);
    });
  }
});
