import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compactSecrets, readSecretEntries, readSecrets, recordSecrets } from "./secrets.ts";

const dir = mkdtempSync(path.join(tmpdir(), "secrets-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("records, skips short and empty values, dedupes", () => {
  const d = path.join(dir, "a");
  recordSecrets(["abcd1234", "", undefined, "abc", "abcd1234"], "mfa_token", { dir: d });
  recordSecrets(["abcd1234"], "mfa_token", { dir: d });
  recordSecrets(["+14155550123"], "phone", { dir: d });
  assert.deepEqual(readSecretEntries({ dir: d }), [
    { kind: "mfa_token", value: "abcd1234" },
    { kind: "phone", value: "+14155550123" },
  ]);
  assert.equal(readFileSync(path.join(d, ".secrets.jsonl"), "utf8").trim().split("\n").length, 2);
});

test("reads the plain array file and tolerates a torn line", () => {
  const d = path.join(dir, "b");
  recordSecrets(["first-secret"], "otp", { dir: d });
  writeFileSync(path.join(d, ".secrets.jsonl"), '{"kind":"otp","value":"first-secret"}\n{"kind":"ot', {
    flag: "w",
  });
  writeFileSync(path.join(d, ".secrets.json"), JSON.stringify(["plain-secret", "first-secret", 42]));
  assert.deepEqual(readSecrets({ dir: d }), ["first-secret", "plain-secret"]);
  assert.equal(compactSecrets({ dir: d }), 2);
  assert.deepEqual(readFileSync(path.join(d, ".secrets.jsonl"), "utf8").trim().split("\n").length, 2);
  assert.deepEqual(readSecrets({ dir: d }), ["first-secret", "plain-secret"]);
});

test("already masked values are not recorded", () => {
  const d = path.join(dir, "masked");
  recordSecrets(["+•••••••0123", "•••[32]", "real-secret"], "secret", { dir: d });
  assert.deepEqual(readSecrets({ dir: d }), ["real-secret"]);
});

test("several processes appending at once lose nothing", () => {
  const d = path.join(dir, "c");
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
});
