/**
 * Benchmark of the mock against bare node:http, both in a child process on 127.0.0.1 (so the
 * autocannon client in this process does not share their event loop), with autocannon.
 *
 * - Throughput and p50/p99 of POST /mfa/challenge and POST /oauth/token (mfa-oob) on the mock with
 *   rate limits `off` and request validation on (always), response validation off (the default;
 *   one more row has it on, the test mode), and of a bare server answering a fixed body of the same
 *   size and status with content-type and content-length (the framing the mock uses). The mfa-oob
 *   request carries a wrong binding code: every request runs the whole grant (client auth,
 *   validation, token and transaction lookup, code check) without the RS256 signature, whose cost
 *   is measured on its own (it caps successful token answers).
 * - Fairness: same connections, same request body, a warm-up run per server before measuring,
 *   short rounds that alternate mock and bare (and which goes first). The ratio is the median of
 *   the rounds' ratios (each compares two runs next to each other in time, so a change in the
 *   machine's other load between rounds cancels out); the other figures are the median round. Each
 *   server also reports the CPU time it spent per request (user + system), a figure that depends
 *   far less on what else the machine runs than requests per second do. Every answer's status is
 *   checked, so a mock answering errors cannot look fast.
 * - Memory: resident size of the mock after 100,000 and after 1,000,000 challenge requests, each
 *   read after a full garbage collection (so it measures what is kept, not garbage not yet collected).
 *
 * `npm run bench` (scripts/bench.ts) calls `benchMock()`; `--serve mock|bare` is the child's entry.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { signClientAssertion } from "../assertion-signer.ts";

export interface Side {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) of the server process per request, in µs. */
  cpuMicros: number;
  /** Answers with another status than expected, and connection errors or timeouts. */
  unexpected: number;
  errors: number;
}

export interface ThroughputRow {
  endpoint: string;
  mock: Side;
  bare: Side;
  /** mock req/s ÷ bare req/s. */
  ratio: number;
  /** bare CPU µs per request ÷ mock CPU µs per request. */
  cpuRatio: number;
}

export interface MemoryRow {
  requests: number;
  rssMiB: number;
}

export interface MockBench {
  throughput: ThroughputRow[];
  signsPerSecond: number;
  /** Private Key JWT client_assertion checks per second on one core (claims and RSA signature). */
  assertionChecksPerSecond: number;
  memory: MemoryRow[] | undefined;
  /** Seconds of each measured run, rounds per side, connections, warm-up seconds per server. */
  settings: { seconds: number; rounds: number; connections: number; warmupSeconds: number };
}

interface Fixture {
  url: string;
  challenge: string;
  token: string;
  challengeBytes: number;
  tokenBytes: number;
}

const SELF = fileURLToPath(import.meta.url);

const WARMUP_SECONDS = 1;

/** Runs the throughput comparison, and the memory step unless `memory` is false; bounded in time. */
export async function benchMock(
  opts: { seconds?: number; connections?: number; memory?: boolean; rounds?: number } = {},
): Promise<MockBench> {
  const seconds = opts.seconds ?? 3;
  const rounds = opts.rounds ?? 5;
  const connections = opts.connections ?? 32;
  const settings = { seconds, rounds, connections, warmupSeconds: WARMUP_SECONDS };
  const mock = await startChild(["--serve", "mock", "0", "0", "plain"]);
  const testMode = await startChild(["--serve", "mock", "0", "0", "validate-responses"]);
  try {
    const fx = mock.fixture as Fixture;
    const tx = testMode.fixture as Fixture;
    const endpoints = [
      {
        endpoint: "POST /mfa/challenge",
        fx,
        server: mock,
        path: "/mfa/challenge",
        body: fx.challenge,
        bytes: fx.challengeBytes,
        expect: 200,
      },
      {
        endpoint: "POST /oauth/token (mfa-oob)",
        fx,
        server: mock,
        path: "/oauth/token",
        body: fx.token,
        bytes: fx.tokenBytes,
        expect: 403,
      },
      {
        endpoint: "POST /mfa/challenge, responses validated too",
        fx: tx,
        server: testMode,
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
        const sides = [
          { child: e.server, url: `${e.fx.url}${e.path}`, runs: [] as Side[] },
          { child: bare, url: `${(bare.fixture as { url: string }).url}${e.path}`, runs: [] as Side[] },
        ];
        const run = (side: (typeof sides)[number], duration: number) =>
          measure(side.child, { url: side.url, body: e.body, seconds: duration, connections }, e.expect);
        // Warm-up: both servers' code is compiled and their heaps sized before anything counts.
        for (const side of sides) await run(side, WARMUP_SECONDS);
        // Mock and bare alternate (and swap who goes first each round), and each side keeps its
        // median round: a neighbour's load spike then shifts both sides instead of one.
        for (let round = 0; round < rounds; round++) {
          const order = round % 2 === 0 ? sides : [...sides].reverse();
          for (const side of order) side.runs.push(await run(side, seconds));
        }
        const [ms, bs] = [sides[0]?.runs ?? [], sides[1]?.runs ?? []];
        const [m, b] = [medianRun(ms), medianRun(bs)];
        throughput.push({
          endpoint: e.endpoint,
          mock: m,
          bare: b,
          ratio: round2(median(ms.map((run, i) => run.rps / (bs[i]?.rps ?? Number.NaN)))),
          cpuRatio: round2(median(ms.map((run, i) => (bs[i]?.cpuMicros ?? Number.NaN) / run.cpuMicros))),
        });
      } finally {
        await bare.stop();
      }
    }
    const signsPerSecond = (await mock.ask("sign")) as number;
    const assertionChecksPerSecond = (await mock.ask("verify")) as number;
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
    return { throughput, signsPerSecond, assertionChecksPerSecond, memory, settings };
  } finally {
    await mock.stop();
    await testMode.stop();
  }
}

interface Load {
  url: string;
  body: string;
  seconds: number;
  connections: number;
  amount?: number;
}

function cannon(o: Load): Promise<autocannon.Result> {
  return autocannon({
    url: o.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: o.body,
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds }),
  });
}

/** One run against a server, with the CPU time that server spent on it and the answers' statuses. */
async function measure(child: Child, load: Load, expect: number): Promise<Side> {
  const before = (await child.ask("cpu")) as number;
  const r = await cannon(load);
  const after = (await child.ask("cpu")) as number;
  const stats = (r as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  let unexpected = 0;
  for (const [status, { count }] of Object.entries(stats)) if (Number(status) !== expect) unexpected += count;
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMicros: r.requests.total > 0 ? Math.round(((after - before) / r.requests.total) * 10) / 10 : 0,
    unexpected,
    errors: r.errors + r.timeouts,
  };
}

/** The run with the median throughput. */
function medianRun(runs: Side[]): Side {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)] as Side;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** How many times `work` runs per second, over one second. */
function perSecond(work: () => void): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    work();
    n++;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

/** CPU time of this process so far (user + system), in µs. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

interface Child {
  fixture: unknown;
  ask(what: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** Forks this file in serve mode and waits for its fixture message. */
function startChild(args: string[]): Promise<Child> {
  const child: ChildProcess = fork(SELF, args, {
    // --expose-gc: the memory step collects garbage before it reads the resident size.
    execArgv: ["--expose-gc", "--import", "tsx"],
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
  const rssMiB = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
  };
  if (kind === "bare") {
    const { createServer } = await import("node:http");
    const body = "x".repeat(bytes);
    const headers = { "content-type": "application/json; charset=utf-8", "content-length": String(bytes) };
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(status, headers);
        res.end(body);
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      process.send?.({ fixture: { url: `http://127.0.0.1:${port}` } });
    });
    process.on("message", (msg: { ask: string }) =>
      process.send?.({ reply: msg.ask === "cpu" ? cpuMicros() : rssMiB() }),
    );
    process.on("SIGTERM", () => process.exit(0));
    return;
  }
  const { startMockServer } = await import("../server.ts");
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
  // One client_assertion of the Private Key JWT client, checked again and again (jti reuse allowed,
  // so the figure is the check itself: JSON, claims and the RSA signature).
  const credential = app.runtime.state.clients.get(c.privateKeyJwtClientId)?.assertion?.();
  const key = JSON.parse((await app.request("/__mock/private-key-jwt")).body) as { private_key: string };
  const assertion = signClientAssertion({
    clientId: c.privateKeyJwtClientId,
    audience: c.issuer,
    privateKeyPem: key.private_key,
    alg: c.privateKeyJwtAlg,
    lifetimeSeconds: 300,
  });
  const verifyAssertion = () => {
    if (!credential) throw new Error("bench: no Private Key JWT client");
    const reason = app.runtime.assertions.check(
      assertion,
      { clientId: c.privateKeyJwtClientId, credential },
      [c.issuer],
      app.clock.now(),
      false,
    );
    if (reason) throw new Error(`bench: the assertion fails: ${reason}`);
  };
  process.on("message", (msg: { ask: string }) => {
    if (msg.ask === "cpu") {
      process.send?.({ reply: cpuMicros() });
    } else if (msg.ask === "rss") {
      app.runtime.state.sweep(app.clock.now());
      process.send?.({ reply: rssMiB() });
    } else if (msg.ask === "verify") {
      process.send?.({ reply: perSecond(() => verifyAssertion()) });
    } else {
      process.send?.({ reply: perSecond(() => app.runtime.signer.sign({ sub: "bench" }, 600, Date.now())) });
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
      challengeBytes: Buffer.byteLength(ch.res.body),
      tokenBytes: Buffer.byteLength(tokenRes.res.body),
    } satisfies Fixture,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF && process.argv[2] === "--serve") {
  const [kind = "mock", bytes = "0", status = "200", mode = "plain"] = process.argv.slice(3);
  await serve(kind, Number(bytes), Number(status), mode);
}
