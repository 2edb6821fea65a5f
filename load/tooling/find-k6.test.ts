import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { findK6, installHelp } from "./find-k6.ts";

const dir = mkdtempSync(path.join(tmpdir(), "find-k6-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const k6 = path.join(dir, "k6");
writeFileSync(k6, "#!/bin/sh\n");
chmodSync(k6, 0o755);

test("K6_BIN wins, then PATH; nothing found is undefined", {
  skip: process.platform === "win32" ? "POSIX modes" : false,
}, () => {
  assert.equal(findK6({ K6_BIN: k6, PATH: "" }), k6);
  assert.equal(findK6({ PATH: `/nonexistent${path.delimiter}${dir}` }), k6);
  assert.equal(findK6({ PATH: "/nonexistent" }), undefined);
  assert.throws(() => findK6({ K6_BIN: path.join(dir, "missing") }), /K6_BIN=.* is not an executable file/);
});

test("the install help names every way to get k6", () => {
  for (const way of ["apt-get install k6", "brew install k6", "winget install k6", "grafana/k6", "K6_BIN"]) {
    assert.ok(installHelp.includes(way), way);
  }
});
