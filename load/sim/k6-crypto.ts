/** Simulated `k6/crypto`: the HMAC the scenarios use (TOTP codes), from Node's crypto. */
import { createHmac } from "node:crypto";

/** k6's `hmac(algorithm, secret, data, outputEncoding)` for the hex output. */
export function hmac(
  algorithm: string,
  secret: string | ArrayBuffer,
  data: string | ArrayBuffer,
  encoding: "hex",
): string {
  if (encoding !== "hex") throw new Error(`the simulated k6/crypto answers hex only, not ${encoding}`);
  const bytes = (v: string | ArrayBuffer) =>
    typeof v === "string" ? Buffer.from(v) : Buffer.from(new Uint8Array(v));
  return createHmac(algorithm, bytes(secret)).update(bytes(data)).digest("hex");
}

export default { hmac };
