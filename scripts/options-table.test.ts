import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { usage } from "../mock/config/cli.ts";
import { fields } from "../mock/config/schema.ts";
import { END, optionsTable, START, shownDefault, TABLE_READMES, withTable } from "./options-table.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Like the generated-code check: a README whose table is not what the field table gives fails, so a
// new option (or a changed help line or default) reaches the READMEs through `npm run docs:options`.
for (const file of TABLE_READMES) {
  test(`${file}: the options table is the one the field table generates (npm run docs:options)`, () => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    assert.equal(text, withTable(text), `${file} differs: run npm run docs:options`);
  });
}

test("a README whose table was edited by hand is caught", () => {
  const fresh = `# x\n\n${START}\n${optionsTable()}\n${END}\n`;
  const edited = fresh.replace("| `--port` |", "| `--prot` |");
  assert.notEqual(edited, fresh);
  assert.notEqual(withTable(edited), edited);
  assert.equal(withTable(edited), fresh);
});

test("a README without the markers is refused, not silently left alone", () => {
  assert.throws(() => withTable("# no table\n"), /markers/);
  assert.throws(() => withTable(`${END}\n${START}\n`), /markers/);
});

test("the table has a row for every option of the field table, options added later included", () => {
  const table = optionsTable();
  for (const f of fields) assert.ok(table.includes(`| \`${f.name}\` |`), `a row for ${f.name}`);
  assert.equal(table.split("\n").length, fields.length + 2);
  for (const option of ["--mfa-requirements", "--audience", "--invalid-grant-status", "--lockout-status"])
    assert.ok(table.includes(`\`${option}`), option);
});

test("every option line of --help carries a description", () => {
  // The option lines: the block between the usage line and the notes.
  const lines = usage().split("\n\n")[1]?.split("\n") ?? [];
  assert.equal(lines.length, fields.filter((f) => f.flag).length + 1, "a line per flag, and --help");
  for (const line of lines.slice(0, -1)) {
    // flag, variable, "default <value>", then the description after two spaces
    assert.match(line, / {2}default \S.*? {2}\S.{3,}$/, "a default and a description");
  }
});

test("--help shows the issuer as it will be, on plain HTTP and with --tls", () => {
  const issuer = usage()
    .split("\n")
    .find((l) => l.trimStart().startsWith("--issuer"));
  assert.match(issuer ?? "", /default http:\/\/127\.0\.0\.1:<port>\//);
  assert.match(issuer ?? "", /https:\/\/localhost:<port>\/ with --tls/);
  assert.doesNotMatch(usage(), /\/root\/|\/home\//, "no path of this machine in the help");
});

const defaults: Array<[string | undefined, string]> = [
  ['"essentials"', "`essentials`"],
  ['""', '`""`'],
  ['"(random)"', "(random)"],
  ["42", "`42`"],
  ['["sms","voice"]', '`["sms","voice"]`'],
  ["one per core", "one per core"],
  ["http://127.0.0.1:<port>/", "`http://127.0.0.1:<port>/`"],
  [undefined, "—"],
];
for (const [text, cell] of defaults) {
  test(`a default shown as ${text} is written ${cell}`, () => assert.equal(shownDefault(text), cell));
}
