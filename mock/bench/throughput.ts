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
 * - The same answer, bare: the challenge and mfa-oob rows also measure, in the same rounds, a bare
 *   server writing the mock's own answer (its status, every header it sends, a body of the same
 *   size). Between it and the plain bare server lies node:http's cost of Auth0's headers (each one
 *   validated and written); between the mock and it, the mock's own work: reading the request, the
 *   answer, the garbage that leaves.
 * - The success path: successful mfa-oob exchanges (an access and an ID token signed, RS256), with
 *   the tokens signed on the main thread (`signingThreads` 0) and on one thread per core, each
 *   against bare node:http that signs the same two inputs on the same threads (the ceiling) and
 *   answers a body of the same size. The request replays one challenge with the right code, so the
 *   mock runs with the `binding-code-reusable` deviation and long code and mfa_token lifetimes: every
 *   request is a whole successful grant, and the state stays as it was. The two success rows and
 *   their bare servers alternate in the same rounds, so the scaling (one thread per core ÷ the main
 *   thread) is a median of the rounds' ratios too.
 * - Memory: resident size of the mock after 100,000 and after 1,000,000 challenge requests, each
 *   read after a full garbage collection (so it measures what is kept, not garbage not yet collected).
 *
 * `npm run bench` (scripts/bench.ts) calls `benchMock()`; `--serve mock|bare` is the child's entry.
 */
import { type ChildProcess, fork } from "node:child_process";
import type { ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { GRANT } from "../../openapi/grant-types.ts";
import { signClientAssertion } from "../tokens/assertion-signer.ts";
import { signature } from "../tokens/jwt.ts";
import { SigningPool } from "../tokens/signing-pool.ts";

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
  /**
   * The challenge and mfa-oob rows only: a bare server writing the mock's own answer (same status,
   * headers and body size) and the two ratios against it. What separates it from `bare` is node:http's
   * cost of Auth0's headers; what separates the mock from it is the mock's own work.
   */
  sameAnswer?: { side: Side; ratio: number; cpuRatio: number };
}

export interface MemoryRow {
  requests: number;
  rssMiB: number;
}

export interface MockBench {
  throughput: ThroughputRow[];
  /**
   * Successful mfa-oob req/s on one signing thread per core ÷ on the main thread, for the mock and
   * for the ceiling (what the machine gave a second thread during the run).
   */
  scaling: { threads: number; ratio: number; ceilingRatio: number };
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
  /** The mock's headers on those two answers (without content-length, which the server adds). */
  challengeHeaders: Record<string, string>;
  tokenHeaders: Record<string, string>;
  /** A successful mfa-oob request (in the success mode), its answer's size, and what it signs. */
  success: string;
  successBytes: number;
  signingInputs: string[];
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
  const cores = os.availableParallelism();
  const mock = await startChild(["--serve", "mock", "0", "0", "plain"]);
  const testMode = await startChild(["--serve", "mock", "0", "0", "validate-responses"]);
  const oneThread = await startChild(["--serve", "mock", "0", "0", "success", "0"]);
  const perCore = await startChild(["--serve", "mock", "0", "0", "success", String(cores)]);
  try {
    const fx = mock.fixture as Fixture;
    const row = (
      endpoint: string,
      server: Child,
      request: Request,
      signing?: string[],
      sameAnswer = false,
    ): Row => {
      const f = server.fixture as Fixture;
      const path = request === "challenge" ? "/mfa/challenge" : "/oauth/token";
      const bytes = f[`${request}Bytes`];
      const expect = request === "token" ? 403 : 200;
      const headers = sameAnswer && request !== "success" ? f[`${request}Headers`] : undefined;
      return { endpoint, fx: f, server, path, body: f[request], bytes, expect, signing, headers };
    };
    const success = (server: Child, threads: number, label: string): Row =>
      row(`POST /oauth/token (mfa-oob, success), ${label}`, server, "success", [
        "sign",
        String(threads),
        JSON.stringify((server.fixture as Fixture).signingInputs),
      ]);
    // Rows of one group are measured side by side (their rounds interleave), so the success rows'
    // scaling compares runs next to each other in time, like each mock with its bare server.
    const groups: Row[][] = [
      [row("POST /mfa/challenge", mock, "challenge", undefined, true)],
      [row("POST /oauth/token (mfa-oob)", mock, "token", undefined, true)],
      [row("POST /mfa/challenge, responses validated too", testMode, "challenge")],
      [
        success(oneThread, 0, "signing on the main thread (1 thread)"),
        success(perCore, cores, `${cores} signing threads (one per core)`),
      ],
    ];
    const measured: Array<{ row: ThroughputRow; runs: Side[][] }> = [];
    for (const group of groups) measured.push(...(await compareRows(group, settings)));
    const throughput = measured.map((m) => m.row);
    const [single, multi] = measured.slice(-2).map((m) => m.runs);
    const gain = (side: number) =>
      round2(
        median((multi?.[side] ?? []).map((run, i) => run.rps / (single?.[side]?.[i]?.rps ?? Number.NaN))),
      );
    const scaling = { threads: cores, ratio: gain(0), ceilingRatio: gain(1) };
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
    return { throughput, scaling, signsPerSecond, assertionChecksPerSecond, memory, settings };
  } finally {
    for (const child of [mock, testMode, oneThread, perCore]) await child.stop();
  }
}

/** The fixture's requests: a challenge, an mfa-oob exchange with a wrong code, a successful one. */
type Request = "challenge" | "token" | "success";

/** One row of the table: a mock request and the bare server it is compared with. */
interface Row {
  endpoint: string;
  fx: Fixture;
  server: Child;
  path: string;
  body: string;
  bytes: number;
  expect: number;
  /** Extra arguments of the bare server: `sign <threads> <inputs>` for the success path. */
  signing?: string[];
  /** The mock's answer headers: a third server, bare but writing them, is measured in the same rounds. */
  headers?: Record<string, string>;
}

/**
 * Measures rows side by side: every row's mock and its own bare server, warmed up, then rounds in
 * which all of them run one after the other (the order reversed every other round), so a
 * neighbour's load spike shifts every side instead of one. Each side keeps its median round; ratios
 * are medians of the rounds' ratios.
 */
async function compareRows(
  rows: Row[],
  o: { seconds: number; rounds: number; connections: number },
): Promise<Array<{ row: ThroughputRow; runs: Side[][] }>> {
  const bares: Child[] = [];
  try {
    type RunSide = { child: Child; url: string; row: Row; runs: Side[] };
    const sides: RunSide[] = [];
    const perRow: Array<{ mock: RunSide; bare: RunSide; same: RunSide | undefined }> = [];
    const side = (child: Child, row: Row): RunSide => {
      const s = { child, url: `${(child.fixture as { url: string }).url}${row.path}`, row, runs: [] };
      sides.push(s);
      return s;
    };
    const startBare = async (row: Row, extra: string[]) => {
      const bare = await startChild(["--serve", "bare", String(row.bytes), String(row.expect), ...extra]);
      bares.push(bare);
      return bare;
    };
    for (const row of rows) {
      const mock = side(row.server, row);
      const bare = side(await startBare(row, row.signing ?? []), row);
      const same = row.headers
        ? side(await startBare(row, ["headers", "0", "[]", JSON.stringify(row.headers)]), row)
        : undefined;
      perRow.push({ mock, bare, same });
    }
    const run = (side: (typeof sides)[number], seconds: number) =>
      measure(
        side.child,
        { url: side.url, body: side.row.body, seconds, connections: o.connections },
        side.row.expect,
      );
    // Warm-up: every server's code is compiled and its heap sized before anything counts.
    for (const side of sides) await run(side, WARMUP_SECONDS);
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) side.runs.push(await run(side, o.seconds));
    }
    return rows.map((row, r) => {
      const { mock, bare, same } = perRow[r] as (typeof perRow)[number];
      const [ms, bs] = [mock.runs, bare.runs];
      const per = (runs: Side[], f: (m: Side, b: Side) => number) =>
        round2(median(ms.map((m, i) => (runs[i] ? f(m, runs[i] as Side) : Number.NaN))));
      const measured: ThroughputRow = {
        endpoint: row.endpoint,
        mock: medianRun(ms),
        bare: medianRun(bs),
        ratio: per(bs, (m, b) => m.rps / b.rps),
        cpuRatio: per(bs, (m, b) => b.cpuMicros / m.cpuMicros),
      };
      if (same)
        measured.sameAnswer = {
          side: medianRun(same.runs),
          ratio: per(same.runs, (m, b) => m.rps / b.rps),
          cpuRatio: per(same.runs, (m, b) => b.cpuMicros / m.cpuMicros),
        };
      return { row: measured, runs: [ms, bs] };
    });
  } finally {
    for (const bare of bares) await bare.stop();
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

/**
 * Child: the mock with one enrolled user, or a bare server with a fixed body of `bytes`; in `sign`
 * mode the bare server first signs `inputs` on `threads` threads (0: on its main thread), like the
 * mock's success path.
 */
async function serve(
  kind: string,
  bytes: number,
  status: number,
  mode: string,
  threads: number,
  inputs: string[],
  answerHeaders: Record<string, string>,
): Promise<void> {
  const rssMiB = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
  };
  if (kind === "bare") {
    const { createServer } = await import("node:http");
    const body = "x".repeat(bytes);
    // In `headers` mode the mock's own answer headers (its status and body size too): node:http's
    // cost of writing Auth0's answer, without the mock's work.
    const headers =
      mode === "headers"
        ? { ...answerHeaders, "content-length": String(bytes) }
        : { "content-type": "application/json; charset=utf-8", "content-length": String(bytes) };
    const pool = mode === "sign" && threads > 0 ? new SigningPool(threads) : undefined;
    const answer = (res: ServerResponse) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (pool) void pool.sign(inputs).then(() => answer(res));
        else {
          if (mode === "sign") for (const input of inputs) signature(input);
          answer(res);
        }
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
  const { startMockServer } = await import("../http/server.ts");
  const succeeds = mode === "success";
  const year = 31_536_000;
  const server = await startMockServer({
    port: 0,
    config: {
      profile: "off",
      validateResponses: mode === "validate-responses",
      users: 1,
      // The success path replays one exchange: the code stays valid and redeemable (see the file comment).
      ...(succeeds
        ? {
            signingThreads: threads,
            codeTtlSeconds: year,
            mfaTokenTtlSeconds: year,
            faults: { latencyMs: 0, errorRate: {}, deviations: ["binding-code-reusable"] },
          }
        : {}),
    },
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
      grant_type: GRANT.password,
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
  const grant = GRANT.mfaOob;
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
  const success = JSON.stringify({
    ...JSON.parse(token),
    binding_code: app.outbox.list({ recipient: phone }).at(-1)?.code,
  });
  const successRes = succeeds ? await send("/oauth/token", JSON.parse(success)) : undefined;
  if (successRes && successRes.res.status !== 200)
    throw new Error("bench success fixture answers unexpectedly");
  const signed = [successRes?.json.access_token, successRes?.json.id_token].filter(
    (t) => typeof t === "string",
  );
  const signingInputs = signed.map((t) => t.slice(0, t.lastIndexOf(".")));
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
      challengeHeaders: ch.res.headers,
      tokenHeaders: tokenRes.res.headers,
      success,
      successBytes: successRes ? Buffer.byteLength(successRes.res.body) : 0,
      signingInputs,
    } satisfies Fixture,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF && process.argv[2] === "--serve") {
  const [
    kind = "mock",
    bytes = "0",
    status = "200",
    mode = "plain",
    threads = "0",
    inputs = "[]",
    headers = "{}",
  ] = process.argv.slice(3);
  await serve(
    kind,
    Number(bytes),
    Number(status),
    mode,
    Number(threads),
    JSON.parse(inputs) as string[],
    JSON.parse(headers) as Record<string, string>,
  );
}
