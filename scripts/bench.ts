/**
 * `npm run bench`: the mock's figures against bare node:http (scripts/bench/mock.ts) and, when that
 * module exists, response-validation timings (scripts/bench/validation.ts). Everything runs on
 * 127.0.0.1, is bounded in time, stops by itself and prints a markdown table with the machine, the
 * Node version and the date. `--quick` skips the memory step (1,100,000 requests);
 * `--seconds N` sets the length of each throughput run (default 5).
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { benchMock } from "./bench/mock.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const secondsArg = args.indexOf("--seconds");
const seconds = secondsArg === -1 ? 5 : Number(args[secondsArg + 1]);
if (!(seconds >= 1 && seconds <= 60)) {
  console.error("bench: --seconds must be a number from 1 to 60");
  process.exit(2);
}

const cpus = os.cpus();
console.log(`## Mock benchmark\n`);
console.log(
  `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`,
);
console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);

const result = await benchMock({ seconds, memory: !quick });
console.log(
  "Throughput, autocannon, 32 connections, median of 3 alternating rounds, request validation on, rate limits off:\n",
);
console.log(
  "| endpoint | mock req/s | mock p50 ms | mock p99 ms | bare req/s | bare p50 ms | bare p99 ms | ratio |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of result.throughput) {
  console.log(
    `| ${r.endpoint} | ${r.mock.rps} | ${r.mock.p50} | ${r.mock.p99} | ${r.bare.rps} | ${r.bare.p50} | ${r.bare.p99} | ${r.ratio} |`,
  );
  if (r.mock.errors > 0) console.log(`\n(${r.endpoint}: ${r.mock.errors} connection errors or timeouts)`);
}
console.log(
  `\nGoal: ratio >= 0.75. RS256 signatures per second (caps successful token answers): ${result.signsPerSecond}`,
);
if (result.memory) {
  const [small, large] = result.memory;
  console.log("\nMemory (resident set of the mock process, POST /mfa/challenge):\n");
  console.log("| requests | RSS MiB |\n|---:|---:|");
  for (const m of result.memory) console.log(`| ${m.requests} | ${m.rssMiB} |`);
  if (small && large) {
    console.log(`\nGrowth ${Math.round((large.rssMiB / small.rssMiB) * 100) / 100}x (goal <= 1.2x)`);
  }
}

const validationModule = fileURLToPath(new URL("./bench/validation.ts", import.meta.url));
if (existsSync(validationModule)) {
  const { benchValidation } = (await import("./bench/validation.ts")) as {
    benchValidation(): Promise<
      Array<{ operation: string; case: string; medianMicros: number; runs: number }>
    >;
  };
  console.log("\nResponse validation (median µs per validateResponse call):\n");
  console.log("| operation | case | median µs | calls |\n|---|---|---:|---:|");
  for (const r of await benchValidation())
    console.log(`| ${r.operation} | ${r.case} | ${r.medianMicros} | ${r.runs} |`);
}
