/**
 * Several k6 processes sharing one run, as the k6-operator runs a TestRun: each gets an execution
 * segment of one sequence, its own REST API address and its own files; all start paused and are
 * resumed together through their REST APIs, so their schedules start at the same instant.
 */
import { createServer } from "node:net";
import { segmentArgs } from "../lib/segments.ts";
import { type K6Run, startK6 } from "./run-k6.ts";

/** One runner's files and k6's verdict on its share. */
export interface RunnerResult {
  /** 1-based. */
  index: number;
  segment: string;
  sequence: string;
  address: string;
  code: number;
}

/** `n` free TCP ports on 127.0.0.1 (held open together, so they differ, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === "object" && address ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Waits until k6's REST API at `address` answers (k6 is up, paused before setup); false if it never does. */
async function waitForApi(address: string, gone: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    try {
      const res = await fetch(`http://${address}/v1/status`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Resumes a paused k6 through its REST API (PATCH /v1/status, paused: false). */
async function resume(address: string): Promise<void> {
  const res = await fetch(`http://${address}/v1/status`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: { type: "status", id: "default", attributes: { paused: false } } }),
  });
  if (!res.ok) throw new Error(`k6 at ${address} refused to resume: ${res.status} ${await res.text()}`);
}

/**
 * Runs `n` k6 on one script, runner i with `perRunner(i)`'s environment and points file, prints each
 * line of their output with a `[runner i/n]` prefix, and resolves when all have ended.
 */
export async function runRunners(
  n: number,
  base: Omit<K6Run, "env" | "pointsPath" | "stdio">,
  perRunner: (index: number) => { env: Record<string, string>; pointsPath: string },
  print: (line: string) => void = (line) => process.stdout.write(line),
): Promise<RunnerResult[]> {
  const ports = await freePorts(n);
  const segments = segmentArgs(n);
  const started = segments.map(({ segment, sequence }, i) => {
    const address = `127.0.0.1:${ports[i]}`;
    const own = perRunner(i + 1);
    let pending = "";
    const prefix = `[runner ${i + 1}/${n}] `;
    let ended = false;
    const k6 = startK6({
      ...base,
      ...own,
      stdio: "pipe",
      // --paused: k6 starts, opens its REST API and waits before setup; --address: each its own port.
      args: [
        ...(base.args ?? []),
        "--paused",
        "--address",
        address,
        "--execution-segment",
        segment,
        "--execution-segment-sequence",
        sequence,
      ],
      onOutput: (chunk) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) print(`${prefix}${line}\n`);
      },
    });
    const done = k6.done.then((r) => {
      ended = true;
      if (pending) print(`${prefix}${pending}\n`);
      return r;
    });
    return { segment, sequence, address, child: k6.child, done, ended: () => ended };
  });
  try {
    const up = await Promise.all(started.map((r) => waitForApi(r.address, r.ended, 60_000)));
    if (up.every(Boolean)) await Promise.all(started.map((r) => resume(r.address)));
    else {
      // One never came up: the others would wait paused for ever.
      for (const r of started) if (!r.ended()) r.child.kill("SIGTERM");
    }
  } catch (error) {
    for (const r of started) if (!r.ended()) r.child.kill("SIGTERM");
    throw error;
  }
  const results = await Promise.all(started.map((r) => r.done));
  return started.map((r, i) => ({
    index: i + 1,
    segment: r.segment,
    sequence: r.sequence,
    address: r.address,
    code: results[i]?.code ?? 1,
  }));
}
