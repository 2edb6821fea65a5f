import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { recordSecrets } from "../redaction/secrets.ts";

const root = mkdtempSync(path.join(tmpdir(), "check-leaks-"));
after(() => rmSync(root, { recursive: true, force: true }));
const cli = fileURLToPath(new URL("./check-leaks.ts", import.meta.url));
// Made at run time: a value written in the repository counts as public and is not looked for.
const SECRET = `S${randomBytes(18).toString("base64url")}9z`;

/** Runs the CLI against a folder. */
function run(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", cli, "--dir", dir, ...args], { encoding: "utf8" });
}

test("fails on a planted leak, naming file and kind but not the value", () => {
  const dir = path.join(root, "leaky");
  recordSecrets([SECRET, "000000"], "client_secret", { dir });
  mkdirSync(path.join(dir, "contracts"), { recursive: true });
  // "000000" is written in this file, so it is public: only SECRET is a leak.
  writeFileSync(path.join(dir, "contracts", "results.json"), `{"body":"${SECRET}","code":"000000"}`);
  const result = run(dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /1 leak\(s\) found/);
  assert.match(result.stderr, /contracts\/results\.json: client_secret •••\[27\]/);
  assert.match(result.stderr, /\{"body":"•••\[27\]","code":"000000"\}/);
  assert.match(result.stderr, /1 of them also in the repository's source/);
  assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET));
});

test("passes a clean folder and says how much it scanned", () => {
  const dir = path.join(root, "clean");
  recordSecrets([SECRET, "+14155550199"], "secret", { dir });
  mkdirSync(dir, { recursive: true });
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
