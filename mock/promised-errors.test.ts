import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { parseArgs } from "./config/cli.ts";
import * as pkg from "./start.ts";
import {
  ConfigError,
  createMock,
  type StartMockOptions,
  startMock,
  TlsError,
  UnknownDeviationError,
} from "./start.ts";

// What the package README promises: every bad option throws a ConfigError (exported, with its kinds)
// whose message and `option` name the option as the caller wrote it, before anything listens; and
// on the command line a flag overrides its variable, so a variable a flag overrides is not checked.

const dir = mkdtempSync(path.join(tmpdir(), "promised-errors-"));
const notPem = path.join(dir, "not.pem");
writeFileSync(notPem, "not a certificate");
after(() => rmSync(dir, { recursive: true, force: true }));

const library: Array<{ options: unknown; kind: typeof ConfigError; option: string }> = [
  { options: { port: -1 }, kind: ConfigError, option: "port" },
  { options: { port: 70_000 }, kind: ConfigError, option: "port" },
  { options: { host: "" }, kind: ConfigError, option: "host" },
  { options: { profile: "bogus" }, kind: ConfigError, option: "profile" },
  { options: { nope: 1 }, kind: ConfigError, option: "nope" },
  { options: { faults: { latencyMs: -1 } }, kind: ConfigError, option: "faults.latencyMs" },
  // the list entry at fault, as written
  {
    options: { faults: { deviations: ["no-such-deviation"] } },
    kind: ConfigError,
    option: "faults.deviations[0]",
  },
  { options: { tls: { cert: notPem } }, kind: ConfigError, option: "tls.key" },
  {
    options: { tls: { cert: path.join(dir, "missing.pem"), key: notPem } },
    kind: TlsError,
    option: "tls.cert",
  },
  { options: { tls: { cert: notPem, key: notPem } }, kind: TlsError, option: "tls.cert" },
];
for (const row of library) {
  test(`startMock(${JSON.stringify(row.options).replaceAll(dir, "<dir>")}) throws ${row.kind.name} naming ${row.option}`, async () => {
    await assert.rejects(startMock(row.options as StartMockOptions), (e: unknown) => {
      assert.ok(e instanceof row.kind, `a ${row.kind.name}, got ${String(e)}`);
      assert.ok(e instanceof ConfigError, "one family: catch ConfigError once");
      assert.equal(e.option, row.option);
      assert.ok(e.message.includes(row.option), e.message);
      assert.doesNotMatch(e.message, /--|MOCK_/, "no command-line names for a library caller");
      return true;
    });
  });
}

test("createMock refuses the same way, without a port", () => {
  assert.throws(
    () => createMock({ profile: "bogus" as never }),
    (e) => e instanceof ConfigError && e.option === "profile",
  );
});

test("every error type the library throws is exported by the package", () => {
  for (const kind of [ConfigError, TlsError, UnknownDeviationError])
    assert.ok(Object.values(pkg).includes(kind), kind.name);
});

const cli: Array<{
  argv: string[];
  env: Record<string, string>;
  is?: Record<string, unknown>;
  refused?: string;
}> = [
  // A flag overrides its variable, as --help says: the variable is not checked.
  { argv: ["--profile", "free"], env: { MOCK_PROFILE: "bogus" }, is: { profile: "free" } },
  { argv: ["--port", "0"], env: { MOCK_PORT: "-1" }, is: { port: 0 } },
  { argv: ["--no-recovery-codes"], env: { MOCK_RECOVERY_CODES: "maybe" }, is: { recoveryCodes: false } },
  // Without the flag, the variable is read and a bad one names itself.
  { argv: [], env: { MOCK_PROFILE: "bogus" }, refused: "MOCK_PROFILE" },
  { argv: ["--port", "-1"], env: {}, refused: "--port" },
  { argv: ["--port=-1"], env: {}, refused: "--port" },
];
for (const row of cli) {
  test(`the command line ${row.argv.join(" ")} with ${JSON.stringify(row.env)}`, () => {
    if (row.refused) {
      assert.throws(
        () => parseArgs(row.argv, row.env),
        (e) =>
          e instanceof ConfigError && e.option === row.refused && e.message.startsWith(row.refused ?? ""),
      );
      return;
    }
    const parsed = parseArgs(row.argv, row.env);
    for (const [key, value] of Object.entries(row.is ?? {})) {
      const got = key === "port" ? parsed.port : (parsed.config as unknown as Record<string, unknown>)[key];
      assert.equal(got, value, key);
    }
  });
}
