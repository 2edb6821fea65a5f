/**
 * Benchmark of the mock against bare node:http, both in a child process on 127.0.0.1 (so the
 * autocannon client in this process does not share their event loop), with autocannon.
 *
 * - Throughput and p50/p99 of POST /mfa/challenge and POST /oauth/token (mfa-oob) on the mock with
 *   rate limits `off` and request validation on (always), response validation off (the default;
 *   one more row has it on, the test mode), and of a bare server answering a fixed body of the same
 *   size. The mfa-oob request carries a wrong binding code: every request runs
 *   the whole grant (client auth, validation, token and transaction lookup, code check) without the
 *   RS256 signature, whose cost is measured on its own (it caps successful token answers).
 * - Memory: resident size of the mock after 100,000 and after 1,000,000 challenge requests.
 *
 * `scripts/bench.ts` calls `benchMock()`; `--serve mock|bare` is the child's entry.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export interface ThroughputRow {
  endpoint: string;
  mock: { rps: number; p50: number; p99: number; non2xx: number; errors: number };
  bare: { rps: number; p50: number; p99: number };
  ratio: number;
}

export interface MemoryRow {
  requests: number;
  rssMiB: number;
}

export interface MockBench {
  throughput: ThroughputRow[];
  signsPerSecond: number;
  memory: MemoryRow[] | undefined;
}

interface Fixture {
  url: string;
  challenge: string;
  token: string;
  challengeBytes: number;
  tokenBytes: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs the throughput comparison, and the memory step unless `memory` is false; bounded in time. */
export async function benchMock(
  opts: { seconds?: number; connections?: number; memory?: boolean; rounds?: number } = {},
): Promise<MockBench> {
  const seconds = opts.seconds ?? 5;
  const rounds = opts.rounds ?? 3;
  const connections = opts.connections ?? 32;
  const mock = await startChild(["--serve", "mock", "0", "0", "plain"]);
  const testMode = await startChild(["--serve", "mock", "0", "0", "validate-responses"]);
  try {
    const fx = mock.fixture as Fixture;
    const tx = testMode.fixture as Fixture;
    const endpoints = [
      {
        endpoint: "POST /mfa/challenge",
        fx,
        path: "/mfa/challenge",
        body: fx.challenge,
        bytes: fx.challengeBytes,
        expect: 200,
      },
      {
        endpoint: "POST /oauth/token (mfa-oob)",
        fx,
        path: "/oauth/token",
        body: fx.token,
        bytes: fx.tokenBytes,
        expect: 403,
      },
      {
        endpoint: "POST /mfa/challenge, responses validated too",
        fx: tx,
        path: "/mfa/challenge",
        body: tx.challenge,
        bytes: tx.challengeBytes,
        expect: 200,
      },
    ];
    const throughput: ThroughputRow[] = [];
    for (const e of endpoints) {
      const bare = await startChild(["--serve", "bare", String(e.bytes), String(e.expect)]);
      try {
        const bareUrl = `${(bare.fixture as { url: string }).url}${e.path}`;
        // Mock and bare alternate, and each side keeps its median round: a neighbour's load spike
        // then shifts both sides instead of one.
        const ms: Result[] = [];
        const bs: Result[] = [];
        for (let round = 0; round < rounds; round++) {
          ms.push(await cannon({ url: `${e.fx.url}${e.path}`, body: e.body, seconds, connections }));
          bs.push(await cannon({ url: bareUrl, body: e.body, seconds, connections }));
        }
        const m = medianRun(ms);
        const b = medianRun(bs);
        throughput.push({
          endpoint: e.endpoint,
          mock: { rps: m.rps, p50: m.p50, p99: m.p99, non2xx: m.non2xx, errors: m.errors },
          bare: { rps: b.rps, p50: b.p50, p99: b.p99 },
          ratio: Math.round((m.rps / b.rps) * 100) / 100,
        });
      } finally {
        await bare.stop();
      }
    }
    const signsPerSecond = (await mock.ask("sign")) as number;
    let memory: MemoryRow[] | undefined;
    if (opts.memory !== false) {
      memory = [];
      const url = `${fx.url}/mfa/challenge`;
      let done = 0;
      for (const target of [100_000, 1_000_000]) {
        await cannon({ url, body: fx.challenge, amount: target - done, connections, seconds: 600 });
        done = target;
        memory.push({ requests: target, rssMiB: (await mock.ask("rss")) as number });
      }
    }
    return { throughput, signsPerSecond, memory };
  } finally {
    await mock.stop();
    await testMode.stop();
  }
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function cannon(o: {
  url: string;
  body: string;
  seconds: number;
  connections: number;
  amount?: number;
}): Promise<Result> {
  const r = await autocannon({
    url: o.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: o.body,
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds }),
  });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** The run with the median throughput. */
function medianRun(runs: Result[]): Result {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)] as Result;
}

interface Child {
  fixture: unknown;
  ask(what: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** Forks this file in serve mode and waits for its fixture message. */
function startChild(args: string[]): Promise<Child> {
  const child: ChildProcess = fork(SELF, args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Array<(v: unknown) => void> = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bench server did not start within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on("message", (msg: { fixture?: unknown; reply?: unknown }) => {
      if ("fixture" in msg) {
        clearTimeout(timer);
        resolve({
          fixture: msg.fixture,
          ask: (what) =>
            new Promise((r) => {
              replies.push(r);
              child.send({ ask: what });
            }),
          stop: () =>
            new Promise((r) => {
              child.removeAllListeners("exit");
              child.once("exit", () => r());
              child.kill("SIGTERM");
            }),
        });
      } else replies.shift()?.(msg.reply);
    });
  });
}

/** Child: the mock with one enrolled user, or a bare server with a fixed body of `bytes`. */
async function serve(kind: string, bytes: number, status: number, mode: string): Promise<void> {
  const rssMiB = () => Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
  if (kind === "bare") {
    const { createServer } = await import("node:http");
    const body = "x".repeat(bytes);
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(body);
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      process.send?.({ fixture: { url: `http://127.0.0.1:${port}` } });
    });
    process.on("message", () => process.send?.({ reply: rssMiB() }));
    process.on("SIGTERM", () => process.exit(0));
    return;
  }
  const { startMockServer } = await import("../../mock/server.ts");
  const server = await startMockServer({
    port: 0,
    config: { profile: "off", validateResponses: mode === "validate-responses", users: 1 },
  });
  const app = server.app;
  const c = app.config();
  const client = { client_id: c.clientId, client_secret: c.clientSecret };
  const send = async (url: string, body: object, headers: Record<string, string> = {}) => {
    const res = await app.request(url, { body, headers });
    return { res, json: JSON.parse(res.body) as Record<string, unknown> };
  };
  const user = (await send("/__mock/users", {})).json;
  const mfa = (
    await send("/oauth/token", {
      ...client,
      grant_type: "password",
      username: user.username,
      password: user.password,
    })
  ).json.mfa_token as string;
  const phone = "+15550009999";
  const enroll = (
    await send(
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
      { authorization: `Bearer ${mfa}` },
    )
  ).json;
  const code = app.outbox.list({ recipient: phone })[0]?.code ?? "";
  const grant = "http://auth0.com/oauth/grant-type/mfa-oob";
  await send("/oauth/token", {
    ...client,
    grant_type: grant,
    mfa_token: mfa,
    oob_code: enroll.oob_code,
    binding_code: code,
  });
  const challenge = JSON.stringify({ ...client, mfa_token: mfa, challenge_type: "oob" });
  const ch = await send("/mfa/challenge", JSON.parse(challenge));
  const wrong = app.outbox.list({ recipient: phone }).at(-1)?.code === "000000" ? "000001" : "000000";
  const token = JSON.stringify({
    ...client,
    grant_type: grant,
    mfa_token: mfa,
    oob_code: ch.json.oob_code,
    binding_code: wrong,
  });
  const tokenRes = await send("/oauth/token", JSON.parse(token));
  if (ch.res.status !== 200 || tokenRes.res.status !== 403)
    throw new Error("bench fixture answers unexpectedly");
  process.on("message", (msg: { ask: string }) => {
    if (msg.ask === "rss") {
      app.runtime.state.sweep(app.clock.now());
      process.send?.({ reply: rssMiB() });
    } else {
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < 1000) {
        app.runtime.signer.sign({ sub: "bench" }, 600, Date.now());
        n++;
      }
      process.send?.({ reply: Math.round(n / ((performance.now() - start) / 1000)) });
    }
  });
  process.on("SIGTERM", () => {
    void server.close().then(() => process.exit(0));
  });
  process.send?.({
    fixture: {
      url: server.url,
      challenge,
      token,
      challengeBytes: ch.res.body.length,
      tokenBytes: tokenRes.res.body.length,
    } satisfies Fixture,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF && process.argv[2] === "--serve") {
  const [kind = "mock", bytes = "0", status = "200", mode = "plain"] = process.argv.slice(3);
  await serve(kind, Number(bytes), Number(status), mode);
}
