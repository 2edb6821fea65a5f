/**
 * One thread of mock/tokens/signing-pool.ts: answers each `{ id, inputs }` with the RS256 signatures of the
 * inputs, made with the key the thread was started with. Plain JavaScript, so the thread starts
 * without the TypeScript loader.
 */
import { sign } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";

const key = workerData.key;
parentPort?.on("message", ({ id, inputs }) => {
  const signatures = inputs.map((input) => sign("sha256", Buffer.from(input), key).toString("base64url"));
  parentPort?.postMessage({ id, signatures });
});
