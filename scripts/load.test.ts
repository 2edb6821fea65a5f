/**
 * `npm run load` end to end with a stand-in k6 (a script that records its arguments and writes a
 * summary, as handleSummary would): exit code, reports, secrets registry, refusal before sending.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { readSecretEntries } from "../redaction/secrets.ts";

const dir = mkdtempSync(path.join(tmpdir(), "load-runner-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const fakeK6 = path.join(dir, "k6");
writeFileSync(
  fakeK6,
  `#!/usr/bin/env node
const fs = require("node:fs");
fs.writeFileSync(${JSON.stringify(path.join(dir, "argv.json"))}, JSON.stringify({ argv: process.argv.slice(2), base: process.env.LOAD_BASE_URL }));
fs.writeFileSync(process.env.LOAD_SUMMARY_PATH, JSON.stringify({
  metrics: { http_reqs: { type: "counter", values: { count: 3, rate: 1 } } },
  state: { testRunDurationMs: 3000 },
  harness: { version: 1, scenario: "wrong-codes", target: "mock", host: "127.0.0.1", profile: "essentials", passed: false,
    failedThresholds: ["lockout_enforced: rate==1"], finishedAt: "2026-01-01T00:00:00Z",
    schema: { checked: 3, conforming: 3, findings: 0 }, figures: {} },
}));
fs.writeFileSync(process.env.LOAD_SECRETS_PATH, JSON.stringify([{ kind: "mfa_token", value: "mfa-token-from-setup" }]));
process.exit(99);
`,
);
chmodSync(fakeK6, 0o755);

function load(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/load.ts", ...args], {
    env: { ...process.env, REPORTS_DIR: path.join(dir, "reports"), ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("runs k6 against the embedded mock and keeps its exit code, summary, page and secrets", () => {
  const run = load(["wrong-codes", "--duration", "5s"], { K6_BIN: fakeK6 });
  assert.equal(run.status, 99, run.stderr);
  const called = JSON.parse(readFileSync(path.join(dir, "argv.json"), "utf8")) as {
    argv: string[];
    base: string;
  };
  assert.deepEqual(called.argv.slice(0, 3), ["run", "--quiet", "--no-usage-report"]);
  assert.match(called.argv.at(-1) ?? "", /load[/\\]dist[/\\]wrong-codes\.js$/);
  assert.match(called.base, /^http:\/\/127\.0\.0\.1:\d+$/);
  const out = path.join(dir, "reports", "load", "wrong-codes");
  assert.ok(existsSync(path.join(out, "summary.json")));
  const page = readFileSync(path.join(out, "index.html"), "utf8");
  assert.match(page, /<h1>Load: wrong-codes<\/h1>/);
  assert.match(page, /<span class="badge fail">FAILED<\/span>/);
  const registry = JSON.stringify(readSecretEntries({ dir: path.join(dir, "reports") }));
  assert.match(registry, /"kind":"mfa_token","value":"mfa-token-from-setup"/);
  assert.match(registry, /"kind":"client_secret"/);
});

test("without k6 it says how to install it and fails", () => {
  const run = load(["ramp"], { K6_BIN: "", PATH: path.dirname(process.execPath) });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /k6 was not found/);
  assert.match(run.stderr, /brew install k6/);
});

const approved = { LOAD_AUTH0_APPROVAL: "ticket-0001" };

test("a non-loopback target is refused before anything is sent", () => {
  const rows: Array<[Record<string, string>, RegExp]> = [
    [{}, /not loopback: set LOAD_ALLOW_HOST=tenant\.example/],
    [{ LOAD_ALLOW_HOST: "tenant.example" }, /Auth0's load-testing policy requires .* LOAD_AUTH0_APPROVAL=/],
    [{ LOAD_ALLOW_HOST: "tenant.example", ...approved }, /LOAD_SMS_BUDGET is required/],
    [{ LOAD_ALLOW_HOST: "tenant.example", LOAD_SMS_BUDGET: "3", ...approved }, /over LOAD_SMS_BUDGET=3/],
  ];
  for (const [env, message] of rows) {
    rmSync(path.join(dir, "argv.json"), { force: true });
    const run = load(["sms-per-user", "--target", "tenant"], {
      K6_BIN: fakeK6,
      LOAD_BASE_URL: "https://tenant.example",
      ...env,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, message);
    assert.equal(existsSync(path.join(dir, "argv.json")), false, "k6 never started");
  }
});

test("against a tenant the policy is printed first, and a rate over the limit is refused by name", () => {
  rmSync(path.join(dir, "argv.json"), { force: true });
  const run = load(["challenge-over-limit", "--target", "tenant"], {
    K6_BIN: fakeK6,
    LOAD_BASE_URL: "https://tenant.example",
    LOAD_ALLOW_HOST: "tenant.example",
    LOAD_SMS_BUDGET: "100000",
    ...approved,
  });
  assert.equal(run.status, 2);
  assert.match(run.stdout, /load: Auth0's load-testing policy .*\n.*only Enterprise customers/);
  assert.match(run.stderr, /over the essentials profile's published limit .* Auth0's load-testing policy/);
  assert.equal(existsSync(path.join(dir, "argv.json")), false, "k6 never started");
});
