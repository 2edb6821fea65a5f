import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { recordSecrets } from "./report/secrets.ts";

const root = mkdtempSync(path.join(tmpdir(), "check-leaks-"));
after(() => rmSync(root, { recursive: true, force: true }));
const cli = fileURLToPath(new URL("./check-leaks.ts", import.meta.url));

/** Runs the CLI against a folder. */
function run(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", cli, "--dir", dir, ...args], { encoding: "utf8" });
}

test("fails on a planted leak, naming file and kind but not the value", () => {
  const dir = path.join(root, "leaky");
  recordSecrets(["Sup3rSecretClientValue0123"], "client_secret", { dir });
  mkdirSync(path.join(dir, "contracts"), { recursive: true });
  writeFileSync(path.join(dir, "contracts", "results.json"), '{"body":"Sup3rSecretClientValue0123"}');
  const result = run(dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /contracts\/results\.json: client_secret •••\[26\]/);
  assert.ok(!`${result.stdout}${result.stderr}`.includes("Sup3rSecretClientValue0123"));
});

test("passes a clean folder and says how much it scanned", () => {
  const dir = path.join(root, "clean");
  recordSecrets(["Sup3rSecretClientValue0123", "+14155550123"], "secret", { dir });
  writeFileSync(path.join(dir, "index.html"), "<p>+•••••••0123</p>");
  const result = run(dir);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /no leaks in 1 file\(s\) for 2 secret\(s\)/);
});

test("--require-secrets fails when the run recorded none", () => {
  const dir = path.join(root, "empty");
  mkdirSync(dir, { recursive: true });
  assert.equal(run(dir, "--require-secrets").status, 1);
  assert.equal(run(dir).status, 0);
});
