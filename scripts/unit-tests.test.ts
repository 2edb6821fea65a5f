/**
 * The unit runner and the reports folder: a run of the client tests replaces the SDK flows there, and
 * the secrets those flows declared reach the registry that `npm run check:leaks` reads, although the
 * tests themselves record into a registry of the runner's own.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { readSecretEntries, recordSecrets } from "../redaction/secrets.ts";
import { keepRecordedSecrets, runsClientTests, selectTests } from "./unit-tests.ts";

const repo = path.resolve(import.meta.dirname, "..");
const temp = mkdtempSync(path.join(tmpdir(), "unit-runner-"));
after(() => rmSync(temp, { recursive: true, force: true }));

// Rows: the filters, and whether the run then owns <reports>/clients/.
const selections: Array<[filters: string[], clients: boolean]> = [
  [[], true],
  [["clients"], true],
  [["clients/spa-js"], true],
  [["mock", "report"], false],
  [["client"], true],
  [["clients-x"], false],
];
const found = [
  "clients/spa-js.test.ts",
  "clients/steps.test.ts",
  "mock/app.test.ts",
  "report/clients.test.ts",
];
for (const [filters, clients] of selections) {
  test(`filters [${filters.join(", ")}]: ${clients ? "a run of client tests" : "no client test"}`, () => {
    const files = selectTests(filters, found);
    assert.ok(files.every((f) => filters.length === 0 || filters.some((x) => f.startsWith(x))));
    assert.equal(runsClientTests(files), clients, files.join(", "));
  });
}

test("keepRecordedSecrets copies the reports folder's entries, with their kinds, and no other folder's", () => {
  const runRoot = path.join(temp, "keep-run");
  const userRoot = path.join(temp, "keep-user");
  const reports = path.join(temp, "keep-reports");
  const other = path.join(temp, "keep-other");
  const saved = process.env.HARNESS_SECRETS_DIR;
  try {
    process.env.HARNESS_SECRETS_DIR = runRoot;
    recordSecrets(["flow-mfa-token-1"], "mfa_token", { dir: reports });
    recordSecrets(["+15555550123"], "phone", { dir: reports });
    recordSecrets(["a-test-folder-secret"], "secret", { dir: other });
    process.env.HARNESS_SECRETS_DIR = userRoot;
    assert.equal(keepRecordedSecrets(runRoot, reports), 2);
    assert.deepEqual(
      readSecretEntries({ dir: reports })
        .map((e) => `${e.kind}:${e.value}`)
        .sort(),
      ["mfa_token:flow-mfa-token-1", "phone:+15555550123"],
    );
    assert.deepEqual(
      readSecretEntries({ dir: other }),
      [],
      "a test's own folder stays in the run's registry",
    );
  } finally {
    if (saved === undefined) delete process.env.HARNESS_SECRETS_DIR;
    else process.env.HARNESS_SECRETS_DIR = saved;
  }
});

test("a client flow run through the unit runner: its old flows are gone, check:leaks knows its secrets", {
  timeout: 180_000,
}, () => {
  const reports = path.join(temp, "reports");
  const registries = path.join(temp, "registries");
  const env: NodeJS.ProcessEnv = { ...process.env, REPORTS_DIR: reports, HARNESS_SECRETS_DIR: registries };
  // Set by the test runner this test runs in: the nested runner would report to it, not run its files.
  delete env.NODE_TEST_CONTEXT;
  const run = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: repo, env, encoding: "utf8" });
  // A flow an earlier run wrote that this one does not run (renamed, or left out): not this run's.
  mkdirSync(path.join(reports, "clients"), { recursive: true });
  writeFileSync(path.join(reports, "clients", "renamed-flow.json"), "{}");

  const unit = run("scripts/unit-tests.ts", "clients/auth0-server-js");
  assert.equal(unit.status, 0, `${unit.stdout}\n${unit.stderr}`);
  assert.equal(existsSync(path.join(reports, "clients", "renamed-flow.json")), false);
  const flow = JSON.parse(readFileSync(path.join(reports, "clients", "auth0-server-js.json"), "utf8"));
  assert.ok(flow.finishedAt && flow.steps.every((s: { outcome: string }) => s.outcome === "passed"));
  assert.ok(existsSync(path.join(reports, "junit", "unit-clients_auth0_server_js.xml")), "JUnit beside them");

  // What check:leaks reads: the reports folder's registry under the user's root, not the runner's.
  const secret = readSecretEntries({ dir: reports, root: registries }).find(
    (e) => e.kind === "client_secret",
  );
  assert.ok(secret, "the flow's client secret is in the reports folder's registry");
  const clean = run("scripts/check-leaks.ts", "--require-secrets");
  assert.equal(clean.status, 0, `${clean.stdout}\n${clean.stderr}`);
  // And it looks for it: the same value written into the reports folder is a leak.
  writeFileSync(path.join(reports, "clients", "leaked.txt"), `secret=${secret.value}\n`);
  const leaked = run("scripts/check-leaks.ts");
  assert.equal(leaked.status, 1, leaked.stdout);
  assert.match(leaked.stderr, /clients\/leaked\.txt: client_secret/);
  assert.ok(!`${leaked.stdout}${leaked.stderr}`.includes(secret.value), "the value itself is never printed");
});
