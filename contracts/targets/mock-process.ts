/**
 * Starts a mock as a child process on a free loopback port, like `npm run mock` would. Used for
 * the private mock of specs that move the clock (see fixtures.ts) and by the mutation run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { mockControl } from "../../mock/start.ts";

/** Asks the OS for a free port on 127.0.0.1 (closed again before it is returned). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** How a mock is started: rate-limit profile, deviations (the mutation run's fault), HTTPS with its CA kept in `tlsDir`. */
export interface MockProcessOptions {
  profile?: string;
  deviations?: readonly string[];
  tlsDir?: string;
}

/** Arguments of `mock/cli.ts` for a mock on this port, with the run's deviations switched on from the start. */
export function mockArgs(port: number, opts: MockProcessOptions = {}): string[] {
  return [
    "mock/cli.ts",
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "--seed",
    "42",
    ...(opts.profile ? ["--profile", opts.profile] : []),
    ...(opts.deviations?.length ? ["--deviations", opts.deviations.join(",")] : []),
    ...(opts.tlsDir ? ["--tls", "--tls-dir", opts.tlsDir] : []),
  ];
}

/** The base URL of a mock started with mockArgs: over TLS it is localhost, the name its certificate carries. */
export function mockUrl(port: number, opts: MockProcessOptions = {}): string {
  return opts.tlsDir ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
}

/**
 * The suites' TLS mode (`CONTRACTS_MOCK_TLS_DIR`, set by playwright.config.ts when
 * CONTRACTS_MOCK_TLS=1): every mock of the run serves HTTPS from the CA in that folder, which the
 * workers trust through NODE_EXTRA_CA_CERTS.
 */
export function tlsDirFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.CONTRACTS_MOCK_TLS_DIR || undefined;
}

/** Polls GET /__mock/health until it answers ok; bounded in time. */
async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const control = mockControl(url);
  while (Date.now() < deadline) {
    try {
      await control.health();
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the mock at ${url} did not become healthy within ${timeoutMs} ms`);
}

/** A running mock process. */
export interface MockProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts a mock child process with the given profile and deviations applied; stop() ends that process only. */
export async function startMockProcess(opts: MockProcessOptions = {}): Promise<MockProcess> {
  const port = await freePort();
  const url = mockUrl(port, opts);
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...mockArgs(port, opts)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(url);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return { url, stop };
}
