/**
 * Benchmark of response validation: the median time of one `validateResponse` call per operation
 * (status, headers, content type and body), in microseconds. Goal: under 5 µs for a list of three
 * authenticators. `npm run bench` (scripts/bench.ts) calls `benchValidation()`; run this file directly to print it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { auth0PageAuthenticators, response } from "./examples.ts";
import { formatFinding, type OperationId, type ResponseLike, validateResponse } from "./validate.ts";

/** One benchmark figure. */
export interface Row {
  operation: OperationId;
  case: string;
  medianMicros: number;
  /** Validations timed in all (samples × iterations per sample). */
  runs: number;
}

const SAMPLES = 41;
const ITERATIONS = 2_000;
const WARMUP = 5_000;

const cases: { operation: OperationId; case: string; res: ResponseLike }[] = [
  {
    operation: "associateAuthenticator",
    case: "200 sms",
    res: response("associateAuthenticator", 200, {
      authenticator_type: "oob",
      binding_method: "prompt",
      recovery_codes: ["N3BGPZZWJ85JLCNPZBDW6QXC"],
      oob_channel: "sms",
      oob_code: "Fe26.2*SERVER_1726721698*68ae",
    }),
  },
  {
    operation: "listAuthenticators",
    case: "200, 3 items",
    res: response("listAuthenticators", 200, auth0PageAuthenticators),
  },
  { operation: "deleteAuthenticator", case: "204", res: response("deleteAuthenticator", 204, undefined) },
  {
    operation: "challenge",
    case: "200 oob",
    res: response("challenge", 200, {
      challenge_type: "oob",
      oob_code: "Fe26.2*x",
      binding_method: "prompt",
    }),
  },
  {
    operation: "token",
    case: "200 tokens",
    res: response("token", 200, {
      access_token: "eyJ.a.b",
      id_token: "eyJ.c.d",
      token_type: "Bearer",
      expires_in: 600,
    }),
  },
  {
    operation: "token",
    case: "403 mfa_required",
    res: response("token", 403, {
      error: "mfa_required",
      error_description: "Multifactor authentication required",
      mfa_token: "Fe26.2*m",
    }),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Times `validateResponse` for one conforming response per operation; medians in microseconds. */
export async function benchValidation(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of cases) {
    // A benchmark of a response that fails would time the error path: refuse it.
    const findings = validateResponse(c.operation, c.res);
    if (findings.length)
      throw new Error(`bench response does not conform: ${findings.map(formatFinding).join("; ")}`);
    for (let i = 0; i < WARMUP; i++) validateResponse(c.operation, c.res);
    const perCall: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const start = performance.now();
      for (let i = 0; i < ITERATIONS; i++) validateResponse(c.operation, c.res);
      perCall.push(((performance.now() - start) * 1000) / ITERATIONS);
    }
    rows.push({
      operation: c.operation,
      case: c.case,
      medianMicros: Math.round(median(perCall) * 100) / 100,
      runs: SAMPLES * ITERATIONS,
    });
    // Yield between cases so a caller's timers and I/O are not starved.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const rows = await benchValidation();
  console.log(
    `response validation, median of ${SAMPLES} samples × ${ITERATIONS} calls (Node ${process.version})`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.operation.padEnd(24)} ${r.case.padEnd(18)} ${r.medianMicros.toFixed(2).padStart(7)} µs`,
    );
  }
}
