/**
 * The merge's cost: throughput (points per second) and peak memory for a run of N points split over
 * 3 runners, in k6's CSV as `--out csv` writes it (12 points a request: the http_* trends, counters
 * and rate, and `admitted`). Each size is merged in a child process of its own, so its peak RSS is the
 * merge's alone (the points are generated beforehand into a temporary folder, removed after).
 * `npm run bench -- --only merge` runs this part alone.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mergeRunners } from "./merge.ts";

const HEADER =
  "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,extra_tags,metadata";
const TRENDS = [
  "http_req_duration",
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
];

/** Writes `points` CSV lines (whole requests of 12 points) into `file`. */
async function writePoints(file: string, points: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const t0 = 1_767_607_200_000;
  let chunk = "";
  for (let i = 0; i < points / 12; i++) {
    const t = t0 + Math.floor(i / 10) * 20;
    const status = next() < 0.5 ? 200 : 429;
    const tags = `,,,,${status === 200},,POST,challenge,HTTP/1.1,main,,${status},,,,`;
    chunk += `http_reqs,${t},1.000000${tags}\n`;
    for (const trend of TRENDS) chunk += `${trend},${t},${(next() * 20).toFixed(6)}${tags}\n`;
    chunk += `http_req_failed,${t},0.000000${tags}\n`;
    chunk += `data_sent,${t},412.000000${tags}\n`;
    chunk += `data_received,${t},630.000000${tags}\n`;
    chunk += `admitted,${t},${status === 200 ? "1.000000" : "0.000000"},,,,,,,,,main,,,,,,\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

export interface MergeBenchRow {
  points: number;
  seconds: number;
  pointsPerSecond: number;
  peakRssMiB: number;
}

/** Merges the folders in this process and reports time and peak RSS (run in a child of its own). */
async function child(dirs: string[]): Promise<void> {
  const start = process.hrtime.bigint();
  const result = await mergeRunners(dirs);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const points = result.summary.runners.reduce((a, r) => a + r.points, 0);
  // maxRSS is in KiB.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ points, seconds, pointsPerSecond: points / seconds, peakRssMiB }));
}

/** Generates and merges each size; returns a row per size. */
export async function benchMerge(sizes: number[] = [1_000_000, 10_000_000]): Promise<MergeBenchRow[]> {
  const rows: MergeBenchRow[] = [];
  for (const size of sizes) {
    const dir = mkdtempSync(path.join(tmpdir(), "merge-bench-"));
    try {
      const dirs = [1, 2, 3].map((i) => path.join(dir, String(i)));
      await Promise.all(
        dirs.map((d, i) => {
          mkdirSync(d);
          return writePoints(path.join(d, "points.csv"), Math.round(size / 3 / 12) * 12, i + 1);
        }),
      );
      const run = spawnSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "--child", ...dirs],
        { encoding: "utf8", maxBuffer: 1 << 20 },
      );
      if (run.status !== 0) throw new Error(`merge bench child failed: ${run.stderr}`);
      rows.push(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as MergeBenchRow);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/** Prints the merge bench as a markdown table. */
export async function printMergeBench(sizes?: number[]): Promise<void> {
  console.log("\n## Load merge benchmark\n");
  console.log(
    "3 runners' k6 CSV points (12 a request: 7 trends, 4 counters and a rate, `admitted`), plain files; " +
      "each size merged in a child process of its own (peak RSS: that process's maxRSS, Node included).\n",
  );
  console.log("| points | seconds | points/s | peak RSS MiB |");
  console.log("|---:|---:|---:|---:|");
  for (const r of await benchMerge(sizes)) {
    console.log(
      `| ${r.points.toLocaleString("en")} | ${r.seconds.toFixed(1)} | ${Math.round(r.pointsPerSecond).toLocaleString("en")} | ${Math.round(r.peakRssMiB)} |`,
    );
  }
}

if (process.argv[2] === "--child") await child(process.argv.slice(3));
