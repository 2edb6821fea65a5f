import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  compactSecrets,
  RETENTION_DAYS,
  readSecretEntries,
  readSecrets,
  recordSecrets,
  registriesRoot,
  registryDir,
  reportsDir,
} from "./secrets.ts";

const dir = mkdtempSync(path.join(tmpdir(), "secrets-"));
// Every registry of this file, and of the child processes it starts, lives in the temporary folder.
process.env.HARNESS_SECRETS_DIR = path.join(dir, "registries");
after(() => rmSync(dir, { recursive: true, force: true }));

/** The registry's day files, with their contents. */
function registryText(reports: string): string {
  const reg = registryDir({ dir: reports });
  return readdirSync(reg)
    .map((f) => readFileSync(path.join(reg, f), "utf8"))
    .join("");
}

test("records, skips short and empty values, dedupes", () => {
  const d = path.join(dir, "a");
  recordSecrets(["abcd1234", "", undefined, "abc", "abcd1234"], "mfa_token", { dir: d });
  recordSecrets(["abcd1234"], "mfa_token", { dir: d });
  recordSecrets(["+14155550123"], "phone", { dir: d });
  assert.deepEqual(readSecretEntries({ dir: d }), [
    { kind: "mfa_token", value: "abcd1234" },
    { kind: "phone", value: "+14155550123" },
  ]);
  assert.equal(registryText(d).trim().split("\n").length, 2);
});

test("the registry lives outside the reports folder, owner-only, one per reports folder", () => {
  const reports = path.join(dir, "shared", "reports");
  mkdirSync(reports, { recursive: true });
  writeFileSync(path.join(reports, "index.html"), "<p>report</p>");
  recordSecrets(["client-secret-value"], "client_secret", { dir: reports });
  assert.deepEqual(readdirSync(reports), ["index.html"], "reports/ holds the outputs only");
  const reg = registryDir({ dir: reports });
  assert.ok(path.relative(reports, reg).startsWith(".."), "the registry is not inside reports/");
  assert.equal(path.dirname(reg), registriesRoot());
  assert.equal(statSync(reg).mode & 0o777, 0o700);
  for (const f of readdirSync(reg)) assert.equal(statSync(path.join(reg, f)).mode & 0o777, 0o600);
  const other = path.join(dir, "other", "reports");
  assert.notEqual(registryDir({ dir: other }), reg);
  assert.deepEqual(readSecrets({ dir: other }), [], "another reports folder sees none of these");
});

test("reads plain array files and tolerates a torn line; compaction keeps each value once", () => {
  const d = path.join(dir, "b");
  recordSecrets(["first-secret"], "otp", { dir: d });
  const reg = registryDir({ dir: d });
  const [dayFile = ""] = readdirSync(reg);
  writeFileSync(path.join(reg, dayFile), '{"kind":"otp","value":"first-secret"}\n{"kind":"ot');
  writeFileSync(path.join(reg, "2000-01-01.json"), JSON.stringify(["plain-secret", "first-secret", 42]));
  assert.deepEqual(readSecrets({ dir: d }).sort(), ["first-secret", "plain-secret"]);
  assert.equal(compactSecrets({ dir: d }, new Date("2000-01-02T00:00:00Z")), 2);
  assert.equal(registryText(d).trim().split("\n").length, 2);
  assert.deepEqual(readSecrets({ dir: d }).sort(), ["first-secret", "plain-secret"]);
});

test("compaction prunes days older than the retention, and idle registries of other reports folders", () => {
  const now = new Date("2030-06-15T12:00:00Z");
  const d = path.join(dir, "c");
  const idle = path.join(dir, "idle");
  const reg = registryDir({ dir: d });
  mkdirSync(reg, { recursive: true });
  writeFileSync(path.join(reg, "2030-06-15.jsonl"), '{"kind":"otp","value":"recent-secret"}\n');
  writeFileSync(path.join(reg, "2030-06-14.jsonl"), '{"kind":"otp","value":"yesterday"}\n');
  writeFileSync(path.join(reg, "2030-06-01.jsonl"), '{"kind":"otp","value":"two-weeks-ago"}\n');
  mkdirSync(registryDir({ dir: idle }), { recursive: true });
  writeFileSync(path.join(registryDir({ dir: idle }), "2030-06-01.jsonl"), '{"value":"stale-value"}\n');
  compactSecrets({ dir: d }, now);
  assert.ok(RETENTION_DAYS < 14);
  assert.deepEqual(readSecrets({ dir: d }).sort(), ["recent-secret", "yesterday"]);
  assert.equal(existsSync(registryDir({ dir: idle })), false);
});

test("a registry an earlier version left in the reports folder is moved out on first use", () => {
  const reports = path.join(dir, "legacy");
  mkdirSync(reports);
  writeFileSync(path.join(reports, ".secrets.jsonl"), '{"kind":"otp","value":"old-line-secret"}\n');
  writeFileSync(path.join(reports, ".secrets.json"), '["old-plain-secret"]');
  assert.deepEqual(readSecrets({ dir: reports }).sort(), ["old-line-secret", "old-plain-secret"]);
  assert.deepEqual(readdirSync(reports), []);
  for (const f of readdirSync(registryDir({ dir: reports }))) {
    assert.equal(statSync(path.join(registryDir({ dir: reports }), f)).mode & 0o777, 0o600);
  }
});

test("already masked values are not recorded", () => {
  const d = path.join(dir, "masked");
  recordSecrets(["+•••••••0123", "•••[32]", "real-secret"], "secret", { dir: d });
  assert.deepEqual(readSecrets({ dir: d }), ["real-secret"]);
});

test("several processes appending at once lose nothing", () => {
  const d = path.join(dir, "concurrent");
  const mod = new URL("./secrets.ts", import.meta.url).href;
  const script = `import { recordSecrets } from ${JSON.stringify(mod)};
    const id = process.argv[1];
    for (let i = 0; i < 200; i++) recordSecrets(["secret-" + id + "-" + i], "otp", { dir: ${JSON.stringify(d)} });`;
  const children = ["p1", "p2", "p3"].map((id) =>
    spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, id], {
      encoding: "utf8",
    }),
  );
  for (const c of children) assert.equal(c.status, 0, c.stderr);
  assert.equal(readSecrets({ dir: d }).length, 600);
  assert.equal(existsSync(d), false, "recording creates no reports folder");
});

test("an unwritable cache folder falls back to an owner-only folder in the temp dir", () => {
  const saved = { secrets: process.env.HARNESS_SECRETS_DIR, cache: process.env.XDG_CACHE_HOME };
  const file = path.join(dir, "a-file");
  writeFileSync(file, "");
  try {
    delete process.env.HARNESS_SECRETS_DIR;
    process.env.XDG_CACHE_HOME = path.join(file, "cache"); // below a file: cannot be made
    const root = registriesRoot();
    assert.ok(root.startsWith(tmpdir()), root);
    assert.doesNotMatch(root, /a-file/);
  } finally {
    process.env.HARNESS_SECRETS_DIR = saved.secrets;
    if (saved.cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved.cache;
  }
});

test("the reports folder: REPORTS_DIR resolved, an empty one as unset, a given folder first", () => {
  const repoReports = path.resolve(import.meta.dirname, "..", "reports");
  const saved = process.env.REPORTS_DIR;
  // Rows: REPORTS_DIR (undefined: unset), the folder given, what reportsDir() answers.
  const rows: Array<[string | undefined, string | undefined, string]> = [
    [undefined, undefined, repoReports],
    // An empty value is no folder: taken as "", the stages would write among the sources.
    ["", undefined, repoReports],
    ["nightly", undefined, path.resolve("nightly")],
    [path.join(dir, "abs"), undefined, path.join(dir, "abs")],
    [path.join(dir, "abs"), "given", path.resolve("given")],
    ["", "", repoReports],
  ];
  try {
    for (const [env, given, expected] of rows) {
      if (env === undefined) delete process.env.REPORTS_DIR;
      else process.env.REPORTS_DIR = env;
      assert.equal(reportsDir(given === undefined ? {} : { dir: given }), expected, `${env} ${given}`);
    }
  } finally {
    if (saved === undefined) delete process.env.REPORTS_DIR;
    else process.env.REPORTS_DIR = saved;
  }
});
