/**
 * The README doc-test: how blocks are read and planned (tables), then every README block run as a
 * reader runs it (one subtest per block, so each counts in `npm test`'s total), then copies of the
 * README broken on purpose, which must fail at the broken line.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import {
  type Block,
  type BlockResult,
  extractBlocks,
  failureMessage,
  packageExamples,
  planBlock,
  promise,
  READMES,
  ROOT,
  rewritePorts,
  runDocTest,
  shellLines,
  splitComment,
} from "./doc-test.ts";

const block = (lang: string, text: string, caption = ""): Block => ({
  file: "X.md",
  line: 10,
  lang,
  text,
  caption,
});

describe("reading the READMEs' blocks", () => {
  it("finds each fenced block with its language, line and the paragraph above it", () => {
    const md = [
      "Intro",
      "",
      "Run it (not run: needs a tenant):",
      "",
      "```sh",
      "echo hi",
      "```",
      "",
      "```",
      "out",
      "```",
    ];
    const blocks = extractBlocks(md.join("\n"), "X.md");
    assert.deepEqual(
      blocks.map((b) => [b.line, b.lang, b.text, b.caption]),
      [
        [5, "sh", "echo hi", "Run it (not run: needs a tenant):"],
        [9, "", "out", ""],
      ],
    );
  });

  it("plans each block from what a reader sees", () => {
    const examples = new Map([["export default 1;", "packages/auth0-mfa-mock/examples/x.ts"]]);
    const rows: Array<[string, Block, string]> = [
      ["a shell block runs", block("sh", "echo hi"), "shell"],
      ["output is data", block("", "rate-limit accuracy: …"), "data"],
      ["JSON is data", block("jsonc", "{}"), "data"],
      [
        "a visible 'not run' caption skips it",
        block("sh", "npm ci", "The two (not run: they run this)"),
        "skip",
      ],
      ["k6 blocks run only with k6", block("sh", "npm run load -- ramp", "(needs k6: where found)"), "k6"],
      ["a js block names the command that runs it", block("js", "// node app.mjs\nconsole.log(1);"), "node"],
      ["a js block without its command is unmarked", block("js", "console.log(1);"), "unmarked"],
      ["a quoted example is run by the package test", block("ts", "export default 1;\n"), "example"],
      [
        "the package test runs a marked block",
        block("js", "x", "(run in a new project by the package test)"),
        "package",
      ],
      ["any other ts block is unmarked", block("ts", "const x = 1;"), "unmarked"],
      [
        "a quoted example's component is run by the package test",
        block("jsx", "export default 1;"),
        "example",
      ],
      ["any other jsx block is unmarked", block("jsx", "<p>hi</p>;"), "unmarked"],
    ];
    for (const [name, b, kind] of rows) assert.equal(planBlock(b, examples).kind, kind, name);
  });

  it("every runnable block of the READMEs is run or says why not", () => {
    const examples = packageExamples();
    for (const file of READMES) {
      for (const b of extractBlocks(readFileSync(path.join(ROOT, file), "utf8"), file)) {
        const plan = planBlock(b, examples);
        assert.notEqual(
          plan.kind,
          "unmarked",
          `${file}:${b.line}: ${plan.kind === "unmarked" ? plan.why : ""}`,
        );
      }
    }
  });
});

describe("what a comment promises", () => {
  it("reads a status, an error code or a JSON value; a shape or a remark promises nothing", () => {
    const rows: Array<[string, ReturnType<typeof promise>]> = [
      ["200 tokens: enrolled", { status: "200" }],
      ["403 mfa_required: its mfa_token", { status: "403", error: "mfa_required" }],
      ["429 slow_down (again within 5 s)", { status: "429", error: "slow_down" }],
      ['{"status":"approved"}', { json: '{"status":"approved"}' }],
      ["[{oob_code, authenticator_id}]", undefined],
      ["the 6-digit code", undefined],
    ];
    for (const [comment, want] of rows) assert.deepEqual(promise(comment), want, comment);
  });

  it("splits a trailing comment off, never a # inside quotes", () => {
    assert.deepEqual(splitComment("curl -s $D/x   # 200 tokens"), {
      code: "curl -s $D/x",
      comment: "200 tokens",
    });
    assert.deepEqual(splitComment(`echo '# 200' "a # b"`), { code: `echo '# 200' "a # b"` });
    assert.deepEqual(splitComment("curl $D/x?a#b"), { code: "curl $D/x?a#b" });
  });

  it("checks the answer after a command, not inside a function's definition or a continued line", () => {
    const text = [
      "login() { curl -s $D/oauth/token \\",
      "  -d client_id=$CID | j .mfa_token; }     # 403 mfa_required: its mfa_token",
      "curl -s $D/oauth/token \\",
      "  -d x=1   # 200 tokens",
      "npm run mock -- --port 4010   # or: npx auth0-mfa-mock --help",
    ].join("\n");
    const lines = shellLines(block("sh", text), false).map((l) => l.text);
    assert.equal(lines.filter((l) => l.startsWith("__expect_status")).length, 1, lines.join("\n"));
    assert.match(lines[4] ?? "", /^__expect_status 'X.md:14' 200 ''$/);
    assert.match(lines.at(-1) ?? "", /^__serve 4010 http npm run mock -- --port 4010$/);
  });

  it("rewrites the README's ports, and --duration for k6", () => {
    const ports = new Map([
      [4010, 50001],
      [4443, 50002],
    ]);
    assert.equal(
      rewritePorts("http://127.0.0.1:4010 localhost:4443 14010", ports),
      "http://127.0.0.1:50001 localhost:50002 14010",
    );
    assert.deepEqual(
      shellLines(block("sh", "npm run load -- ramp --duration 1m"), true).map((l) => l.text),
      ["npm run load -- ramp --duration 12s"],
    );
  });

  it("a failure names the README line: the answer check's message, or bash's error mapped back", () => {
    const map = (n: number) => `README.md:${n + 100}`;
    assert.equal(
      failureMessage("x\n@@doctest README.md:7: the README shows 200\n", map),
      "README.md:7: the README shows 200",
    );
    assert.match(
      failureMessage("bash: line 12: MFA_TOKEN: unbound variable\n", map),
      /^README\.md:112: .*unbound/,
    );
  });
});

it("the READMEs' blocks, run as a reader runs them", { timeout: 10 * 60_000 }, async (t) => {
  // One run for all blocks (each README's blocks share a shell); each block is then its own test.
  const results = await runDocTest();
  for (const r of results.filter((x) => x.plan.kind !== "data")) {
    const name = `${r.block.file}:${r.block.line} (${r.plan.kind})`;
    if (r.status === "skipped" || r.status === "elsewhere") await t.test(name, { skip: r.note ?? r.status });
    else await t.test(name, () => assert.equal(r.status, "passed", r.note));
  }
});

describe("a README broken on purpose fails the doc-test at the broken line", { timeout: 5 * 60_000 }, () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  // The SMS flow and what it needs: the mock the README starts, the shell's helpers.
  const sms = readme.indexOf("**SMS**");
  const select = (b: Block) =>
    b.text.includes("npm run mock -- --port 4010") ||
    b.text.includes("login() {") ||
    (b.line > lineOf(sms) && b.line < lineOf(sms) + 8);
  const lineOf = (offset: number) => readme.slice(0, offset).split("\n").length;
  const rows: Array<{ name: string; from: string; to: string; says: RegExp }> = [
    {
      // The README's first SMS flow used a token it never set.
      name: "a variable never set",
      from: "MFA_TOKEN=$(login ada)\nOOB_CODE",
      to: "OOB_CODE",
      says: /MFA_TOKEN: unbound variable/,
    },
    {
      // The same flow's `-d client_id=...`: the answer is not the one the README shows.
      name: "an answer other than the README's",
      from: "grant-type/mfa-oob -d client_id=$CID \\\n  -d client_secret=$CS -d mfa_token=$MFA_TOKEN -d oob_code=$OOB_CODE -d binding_code=$CODE   # 200 tokens: enrolled",
      to: "grant-type/mfa-oob -d client_id=... \\\n  -d client_secret=$CS -d mfa_token=$MFA_TOKEN -d oob_code=$OOB_CODE -d binding_code=$CODE   # 200 tokens: enrolled",
      says: /the README shows 200, the answer was 401/,
    },
  ];
  it("the breaks apply to this README", () => {
    for (const row of rows) assert.ok(readme.includes(row.from), row.name);
  });
  const runs = rows.map((row) =>
    runDocTest({ texts: { "README.md": readme.replace(row.from, row.to) }, select, k6: undefined }),
  );
  rows.forEach((row, i) => {
    it(row.name, async () => {
      const results: BlockResult[] = await (runs[i] as Promise<BlockResult[]>);
      const failed = results.filter((r) => r.status === "failed");
      assert.equal(
        failed.length,
        1,
        results.map((r) => `${r.block.line} ${r.status} ${r.note ?? ""}`).join("\n"),
      );
      assert.ok((failed[0]?.block.line ?? 0) > lineOf(sms), "the SMS block fails");
      assert.match(failed[0]?.note ?? "", row.says);
      assert.match(failed[0]?.note ?? "", /^README\.md:\d+: /, "the note names the README line");
    });
  });
});
