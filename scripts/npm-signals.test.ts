/**
 * Clean exits: `npm run mock` ends with every process of its tree when SIGTERM or SIGINT reaches npm
 * alone, or its whole process group. Between npm and the program sits `sh -c`, which (dash) neither
 * passes a signal on nor replaces itself, so a script that did not `exec` left tsx and the server
 * running, orphaned, on their port. Every script of package.json that runs one program therefore
 * starts it with `exec`: npm's signal then reaches tsx, which relays it to the node it started.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { describe, it } from "node:test";

const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
  .scripts;

describe("package.json scripts", () => {
  it("every script that runs one program runs it with exec (no sh between npm and it)", () => {
    for (const [name, command] of Object.entries(scripts)) {
      // A chain (a && b) needs its shell; anything else must replace the shell.
      if (command.includes("&&")) continue;
      assert.match(command, /^exec /, `${name}: "${command}" does not start with exec`);
    }
  });
});

/** The pids of the process group `pgid` that are still alive (ps; Linux and macOS). */
function groupMembers(pgid: number): number[] {
  const out = execFileSync("ps", ["-A", "-o", "pid=,pgid="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid !== undefined && !Number.isNaN(pid))
    .map(([pid]) => pid as number);
}

/** True when something accepts a connection on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Polls `check` every 100 ms until it holds or `ms` have passed; answers whether it held. */
async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `npm run mock -- --port 0` as the leader of a new process group, waits for the port it
 * prints, sends `signal` to npm alone or to the group, and checks the port is freed and no process
 * of the group remains within a few seconds.
 */
async function stopsCleanly(signal: "SIGTERM" | "SIGINT", to: "npm" | "group"): Promise<void> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const child = spawn(npm, ["run", "--silent", "mock", "--", "--port", "0"], {
    detached: true, // its own process group, as a terminal or CI runner would start it
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid as number;
  try {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const started = await within(30_000, () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out));
    assert.ok(started, `the mock did not start:\n${out}`);
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    assert.ok(await listening(port), "the printed port answers");
    assert.ok(groupMembers(pgid).length >= 2, "npm and the program it started");
    if (to === "npm") process.kill(pgid, signal);
    else process.kill(-pgid, signal);
    assert.ok(await within(5_000, async () => !(await listening(port))), `port ${port} still taken`);
    assert.ok(
      await within(5_000, () => groupMembers(pgid).length === 0),
      `still running after ${signal} to ${to}: ${groupMembers(pgid).join(", ")}`,
    );
  } finally {
    // Whatever the outcome, nothing of this test keeps running.
    for (const pid of groupMembers(pgid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
}

describe("npm run mock stops with all its processes", { skip: process.platform === "win32" }, () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    for (const to of ["npm", "group"] as const) {
      it(`${signal} to ${to === "npm" ? "npm alone" : "the process group"}`, { timeout: 60_000 }, () =>
        stopsCleanly(signal, to),
      );
    }
  }
});
