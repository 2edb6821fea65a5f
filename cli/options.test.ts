import assert from "node:assert/strict";
import { test } from "node:test";
import { type CommandSpec, helpText, OptionError, readOptions } from "./options.ts";

const command = {
  usage: "Usage: demo [options] <name>",
  positionals: true,
  rest: true,
  options: {
    port: {
      type: "integer",
      env: "DEMO_PORT",
      default: 4010,
      min: 0,
      max: 65_535,
      description: "listen here",
    },
    seconds: { type: "number", min: 1, max: 60, default: 3 },
    target: { type: "string", env: "DEMO_TARGET", value: "mock|tenant" },
    quick: { type: "boolean", env: "DEMO_QUICK" },
    secret: { type: "string", multiple: true, value: "NAME" },
    profile: { type: "string", parse: (text: string) => text.toUpperCase() },
  },
  notes: ["A note."],
} satisfies CommandSpec;

type Row = { name: string; argv: string[]; env?: Record<string, string>; is: Record<string, unknown> };
const good: Row[] = [
  { name: "defaults", argv: [], is: { port: 4010, seconds: 3, target: undefined, quick: false, secret: [] } },
  { name: "flag", argv: ["--port", "80"], is: { port: 80 } },
  { name: "flag=value", argv: ["--port=81"], is: { port: 81 } },
  { name: "variable when no flag", argv: [], env: { DEMO_PORT: "82" }, is: { port: 82 } },
  { name: "flag beats variable", argv: ["--port", "83"], env: { DEMO_PORT: "82" }, is: { port: 83 } },
  // A flag overrides its variable, so a bad value there is not checked: it would never be used.
  { name: "flag beats a bad variable", argv: ["--port", "84"], env: { DEMO_PORT: "x" }, is: { port: 84 } },
  { name: "switch beats a bad variable", argv: ["--quick"], env: { DEMO_QUICK: "no!" }, is: { quick: true } },
  { name: "empty variable is unset", argv: [], env: { DEMO_PORT: "" }, is: { port: 4010 } },
  { name: "number", argv: ["--seconds", "1.5"], is: { seconds: 1.5 } },
  { name: "switch", argv: ["--quick"], is: { quick: true } },
  { name: "switch off", argv: ["--no-quick"], env: { DEMO_QUICK: "yes" }, is: { quick: false } },
  { name: "switch=false", argv: ["--quick=false"], is: { quick: false } },
  { name: "switch from variable", argv: [], env: { DEMO_QUICK: "on" }, is: { quick: true } },
  { name: "list", argv: ["--secret", "A", "--secret=B"], is: { secret: ["A", "B"] } },
  { name: "own parser", argv: ["--profile", "free"], is: { profile: "FREE" } },
];
for (const row of good) {
  test(`readOptions reads ${row.name}`, () => {
    const { values } = readOptions(command, row.argv, row.env ?? {});
    for (const [key, value] of Object.entries(row.is))
      assert.deepEqual(values[key as keyof typeof values], value, key);
  });
}

test("readOptions says where each value came from", () => {
  const { sources } = readOptions(command, ["--quick"], { DEMO_PORT: "1", DEMO_TARGET: "mock" });
  assert.deepEqual(sources, { port: "DEMO_PORT", target: "DEMO_TARGET", quick: "--quick" });
});

test("positionals, help, and arguments after -- are returned in order", () => {
  const r = readOptions(command, ["ramp", "-h", "--quick", "--", "--http-debug", "x"], {});
  assert.deepEqual([r.positionals, r.help, r.rest], [["ramp"], true, ["--http-debug", "x"]]);
});

test("a pass-through command hands unknown options and positionals on, in order", () => {
  const spec = {
    usage: "u",
    passThrough: true,
    options: { budget: { type: "integer" }, "with-mock": { type: "boolean" } },
  } satisfies CommandSpec;
  const r = readOptions(
    spec,
    ["--grep", "enrol", "--budget", "5", "--with-mock", "-g", "x", "--workers=2", "--", "y"],
    {},
  );
  assert.deepEqual(r.values, { budget: 5, "with-mock": true });
  assert.deepEqual(r.rest, ["--grep", "enrol", "-g", "x", "--workers=2", "--", "y"]);
});

const bad: Array<{ argv: string[]; env?: Record<string, string>; option: string; says: RegExp }> = [
  { argv: ["--speed", "3"], option: "--speed", says: /^--speed: unknown option; run with --help/ },
  {
    argv: ["--port", "x"],
    option: "--port",
    says: /^--port \(DEMO_PORT\) must be an integer from 0 to 65535; got "x"$/,
  },
  {
    argv: [],
    env: { DEMO_PORT: "80.5" },
    option: "DEMO_PORT",
    says: /^DEMO_PORT \(--port\) must be an integer/,
  },
  {
    argv: ["--seconds", "61"],
    option: "--seconds",
    says: /^--seconds must be a number from 1 to 60; got "61"$/,
  },
  { argv: ["--port"], option: "--port", says: /^--port needs a value$/ },
  { argv: ["--target="], option: "--target", says: /^--target needs a value$/ },
  { argv: ["--quick=maybe"], option: "--quick", says: /must be true or false/ },
  {
    argv: [],
    env: { DEMO_QUICK: "maybe" },
    option: "DEMO_QUICK",
    says: /^DEMO_QUICK \(--quick\) must be true or false/,
  },
  { argv: ["--no-quick=1"], option: "--no-quick", says: /^--no-quick takes no value$/ },
  { argv: ["--no-port"], option: "--no-port", says: /only switches have a --no- form/ },
];
for (const row of bad) {
  test(`readOptions refuses ${[...row.argv, ...Object.keys(row.env ?? {})].join(" ")}`, () => {
    assert.throws(
      () => readOptions(command, row.argv, row.env ?? {}),
      (e) => e instanceof OptionError && e.option === row.option && row.says.test(e.message),
    );
  });
}

test("a command without positionals or rest refuses them", () => {
  const spec = { usage: "u", options: {} } satisfies CommandSpec;
  assert.throws(() => readOptions(spec, ["4010"], {}), /unexpected argument "4010"; options start with --/);
  assert.throws(() => readOptions(spec, ["--", "x"], {}), /unexpected argument "--"/);
});

test("the help lists every flag with its variable, default and description", () => {
  const text = helpText(command);
  const lines = text.split("\n");
  assert.equal(lines[0], "Usage: demo [options] <name>");
  for (const s of [
    /--port <value> +DEMO_PORT +default 4010 {2}listen here/,
    /--target mock\|tenant +DEMO_TARGET/,
    /--quick, --no-quick +DEMO_QUICK/,
    /--secret NAME/,
    /-h, --help +this text/,
  ]) {
    assert.ok(
      lines.some((l) => s.test(l)),
      String(s),
    );
  }
  assert.equal(lines.at(-1), "A note.");
});
