/**
 * `npm run bench`: the mock's figures against bare node:http (mock/bench/throughput.ts), its own cost
 * of one answer in process (mock/bench/in-process.ts) and response-validation timings (openapi/bench.ts). Everything runs on 127.0.0.1, is bounded in time,
 * stops by itself and prints a markdown table with the machine, the Node version and the date.
 * `--quick` skips the memory step (1,100,000 requests); `--seconds N` sets the length of each
 * throughput run (default 3).
 */
import os from "node:os";
import { readCommandLine } from "../cli/options.ts";
import { printMergeBench } from "../load/tooling/merge-bench.ts";
import { benchChallengeHandle } from "../mock/bench/in-process.ts";
import { benchMock, type Side } from "../mock/bench/throughput.ts";
import { benchValidation } from "../openapi/bench.ts";

const command = {
  usage: "Usage: npm run bench -- [options]",
  options: {
    quick: { type: "boolean", description: "skip the memory step (1,100,000 requests)" },
    seconds: {
      type: "number",
      min: 1,
      max: 60,
      default: 3,
      value: "N",
      description: "length of each throughput run",
    },
    only: {
      type: "string",
      value: "merge",
      description: "run one part alone: merge (load merge points/s and peak memory, 1 M and 10 M)",
      parse: (text: string, where: string) => {
        if (text !== "merge") throw new Error(`${where} must be merge`);
        return text;
      },
    },
  },
} as const;
const { quick, seconds, only } = readCommandLine(command, { prefix: "bench: " }).values;
if (only === "merge") {
  await printMergeBench();
  process.exit(0);
}

const cpus = os.cpus();
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
console.log(`## Mock benchmark\n`);
console.log(
  `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`,
);
console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
// Other processes on the machine move requests per second a lot: the load average says how much.
console.log(`Load average (1, 5, 15 min) at start: ${load()}\n`);

const result = await benchMock({ seconds, memory: !quick });
const st = result.settings;
console.log(
  `Throughput: autocannon in this process, each server in its own process, 127.0.0.1, ${st.connections} connections, ` +
    `${st.warmupSeconds} s warm-up per server, then ${st.rounds} rounds of ${st.seconds} s alternating mock and bare; ` +
    "req/s and latencies: median round per side; ratios: median of the rounds' ratios. Request validation on, rate limits off. The bare server answers the mock's status " +
    "with a fixed body of the same size (content-type and content-length only). CPU µs/req: CPU time " +
    "(user + system) of the server process per request.\n",
);
console.log(
  "| endpoint | mock req/s | mock p50 ms | mock p99 ms | mock CPU µs/req | bare req/s | bare p50 ms | bare p99 ms | bare CPU µs/req | ratio | CPU ratio |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of result.throughput) {
  const m = r.mock;
  const b = r.bare;
  console.log(
    `| ${r.endpoint} | ${m.rps} | ${m.p50} | ${m.p99} | ${m.cpuMicros} | ${b.rps} | ${b.p50} | ${b.p99} | ${b.cpuMicros} | ${r.ratio} | ${r.cpuRatio} |`,
  );
}
const same = result.throughput.filter((r) => r.sameAnswer !== undefined);
if (same.length > 0) {
  console.log(
    "\nThe same answer, bare: a bare server writing the mock's status, every header the mock sends and a body of " +
      "the same size, measured in the same rounds. node:http's headers: its CPU µs/req minus the plain bare " +
      "server's (what writing Auth0's headers costs). The mock's own work: the mock's CPU µs/req minus it.\n",
  );
  console.log(
    "| endpoint | same-answer req/s | same-answer CPU µs/req | mock ÷ it | CPU ratio | node:http's headers µs | the mock's own work µs |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const µs = (x: number) => Math.round(x * 10) / 10;
  for (const r of same) {
    const s = r.sameAnswer as NonNullable<typeof r.sameAnswer>;
    console.log(
      `| ${r.endpoint} | ${s.side.rps} | ${s.side.cpuMicros} | ${s.ratio} | ${s.cpuRatio} | ` +
        `${µs(s.side.cpuMicros - r.bare.cpuMicros)} | ${µs(r.mock.cpuMicros - s.side.cpuMicros)} |`,
    );
  }
}
for (const r of result.throughput) {
  const sides: Array<readonly [string, Side]> = [
    ["mock", r.mock],
    ["bare", r.bare],
  ];
  if (r.sameAnswer) sides.push(["same-answer bare", r.sameAnswer.side]);
  for (const [name, side] of sides) {
    if (side.unexpected > 0 || side.errors > 0)
      console.log(
        `\nWARNING ${r.endpoint} (${name}): ${side.unexpected} answers with an unexpected status, ${side.errors} connection errors or timeouts: its figures are not comparable.`,
      );
  }
}
/** The goal of a row: 0.80 for the plain challenge and mfa-oob rows, 0.75 for the success rows (against their signing ceiling). */
const goalOf = (endpoint: string) => (endpoint.includes("success") ? 0.75 : 0.8);
console.log(
  "\nGoal: ratio (mock req/s ÷ bare req/s) >= 0.80 for challenge and mfa-oob, >= 0.75 for the success rows (whose bare server is the ceiling; the test-mode row is for information). " +
    "CPU ratio: bare CPU per request ÷ mock CPU per request.",
);
for (const r of result.throughput.filter((row) => !row.endpoint.includes("validated"))) {
  const goal = goalOf(r.endpoint);
  console.log(
    `- ${r.endpoint}: ${r.ratio} ${r.ratio >= goal ? "meets" : "MISSES"} the goal of ${goal.toFixed(2)} (CPU ratio ${r.cpuRatio})`,
  );
}
const { threads, ratio, ceilingRatio } = result.scaling;
console.log(
  `- successful mfa-oob, ${threads} signing threads ÷ signing on the main thread: ${ratio}x ` +
    `(goal > 1.6 on 2 cores; ${threads} cores here); the ceiling's own: ${ceilingRatio}x`,
);
console.log(`Load average at the end of the throughput runs: ${load()}`);
const signs = result.signsPerSecond;
console.log(
  "\nThe plain mfa-oob row uses a wrong binding code, so it runs the whole grant but signs nothing. A " +
    "successful answer (the success rows) signs an access token and, with scope openid, an id token (RS256): " +
    `${signs} signatures per second on one core, so at most about ${Math.round(signs / 2)} successful token answers ` +
    "per second on the main thread; the bare server of a success row signs the same two inputs on the same threads " +
    "(the ceiling). " +
    `A Private Key JWT client's client_assertion costs one RSA verification: ${result.assertionChecksPerSecond} checks per second on one core.`,
);
if (result.memory) {
  const [small, large] = result.memory;
  console.log("\nMemory (resident set of the mock process after a full GC, POST /mfa/challenge):\n");
  console.log("| requests | RSS MiB |\n|---:|---:|");
  for (const m of result.memory) console.log(`| ${m.requests} | ${m.rssMiB} |`);
  if (small && large) {
    console.log(`\nGrowth ${Math.round((large.rssMiB / small.rssMiB) * 100) / 100}x (goal <= 1.2x)`);
  }
}

const handle = benchChallengeHandle();
console.log(
  `\nIn process, without HTTP (the figure to compare two versions of the code by, alternating them: it moves less with the machine's load than requests per second): ` +
    `one POST /mfa/challenge answer through app.handle() costs ${handle.median} µs of CPU (median of 7 rounds; lowest ${handle.min}; ${handle.calls} calls).`,
);

console.log("\nResponse validation (median µs per validateResponse call):\n");
console.log("| operation | case | median µs | calls |\n|---|---|---:|---:|");
for (const r of await benchValidation())
  console.log(`| ${r.operation} | ${r.case} | ${r.medianMicros} | ${r.runs} |`);

// The load merge (load/tooling/merge-bench.ts): 1 M and 10 M points, each merged in a child process.
await printMergeBench();
