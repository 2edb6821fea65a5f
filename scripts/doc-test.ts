/**
 * The README doc-test: every fenced block of README.md, load/README.md and the package's README that
 * a reader is meant to run is run, in order, as a reader would, and an error, an unset variable or
 * an answer other than the one the README shows fails it.
 *
 * How a block is treated is decided by what a reader sees:
 * - `sh` blocks run in one bash session per README (`set -euo pipefail`), so a variable set in one
 *   block is there in the next. A line that starts the mock (`npm run mock -- … --port N`) starts it
 *   in the background and waits until it answers; it is stopped at the end. The ports the README
 *   shows (4010, 4443) are replaced by free ones, HOME is a fresh folder (the mock's CA lands in
 *   `~/.local/share/auth0-mfa-mock/tls` there), and reports go to a folder of the run.
 * - A comment after a command that starts with a status (`# 403 mfa_required …`) is the answer the
 *   README promises: the last HTTP answer of that command must have that status (and, when the
 *   comment names an error code, carry it); a comment that is JSON (`# {"status":"approved"}`) must
 *   be contained in the answer's JSON.
 * - A `js` block whose first line is a comment with the command that runs it
 *   (`// NODE_EXTRA_CA_CERTS=… node app.mjs`) is written to that file and run with that command, in
 *   the session's turn.
 * - A `ts`, `js` or `jsx` block that is one of the package's examples (`packages/auth0-mfa-mock/examples/`)
 *   is run by the package test, which runs the examples; so is a block whose caption says "(run in a
 *   new project by the package test)".
 * - "(needs k6)" in the caption: run only where k6 is found, with `--duration` set to 12 s.
 * - "(not run: why)" in the caption (the paragraph right above the block): not run, and the why shown.
 * - Blocks of any other language (output, JSON, YAML) are data, not commands.
 * A runnable block with none of these marks is an error: a new example is run or says why not.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isEntryPoint } from "../cli/entry.ts";
import { findK6 } from "../load/tooling/find-k6.ts";
import { freePorts } from "../load/tooling/runners.ts";
import { maskText } from "../redaction/mask.ts";

/** The repository's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The READMEs whose blocks are run, relative to the root. */
export const READMES = ["README.md", "load/README.md", "packages/auth0-mfa-mock/README.md"];

/** The ports the READMEs show, each replaced by a free one in a run. */
export const README_PORTS = [4010, 4443];

/** A fenced block of a README, with the paragraph above it (its caption). */
export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  caption: string;
}

/** What the doc-test does with a block. */
export type Plan =
  | { kind: "shell" }
  | { kind: "node"; command: string; filename: string }
  | { kind: "k6" }
  | { kind: "example"; example: string }
  | { kind: "package" }
  | { kind: "skip"; why: string }
  | { kind: "data" }
  | { kind: "unmarked"; why: string };

const SHELL = new Set(["sh", "bash", "shell", "console"]);
const NODE = new Set(["js", "mjs", "javascript"]);
const TYPESCRIPT = new Set(["ts", "typescript"]);
/** A component of an app (an example's `src/*.jsx`): run only as one of the package's examples. */
const COMPONENT = new Set(["jsx", "tsx"]);

/** The fenced blocks of a Markdown text, in order, each with the paragraph right above it. */
export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? "");
    if (!open) continue;
    const fence = open[2] ?? "```";
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? "").trim().startsWith(fence)) body.push(lines[j++] ?? "");
    const above: string[] = [];
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? "").trim() === "") k--;
    for (; k >= 0 && (lines[k] ?? "").trim() !== "" && !/^\s*(`{3,}|~{3,})/.test(lines[k] ?? ""); k--)
      above.unshift(lines[k] ?? "");
    blocks.push({
      file,
      line: i + 1,
      lang: (open[3] ?? "").toLowerCase(),
      text: body.join("\n"),
      caption: above.join(" "),
    });
    i = j;
  }
  return blocks;
}

/** The package's examples by content (trimmed), for recognising a block that quotes one. */
export function packageExamples(
  dir = path.join(ROOT, "packages", "auth0-mfa-mock", "examples"),
): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(dir, name);
    if (/\.([cm]?[jt]s|[jt]sx)$/.test(name))
      found.set(readFileSync(full, "utf8").trim(), path.relative(ROOT, full));
  }
  return found;
}

/** Decides what is done with a block: run (and how), left to the package test, skipped, or unmarked. */
export function planBlock(block: Block, examples: Map<string, string>): Plan {
  const notRun = /\(not run\b:?\s*([^)]*)\)/i.exec(block.caption);
  const runnable =
    SHELL.has(block.lang) || NODE.has(block.lang) || TYPESCRIPT.has(block.lang) || COMPONENT.has(block.lang);
  if (!runnable) return { kind: "data" };
  if (notRun) return { kind: "skip", why: notRun[1]?.trim() || "marked not run" };
  if (/\brun in a new project by the package test\b/i.test(block.caption)) return { kind: "package" };
  const example = examples.get(block.text.trim());
  if (example) return { kind: "example", example };
  if (SHELL.has(block.lang))
    return /\(needs k6\b[^)]*\)/i.test(block.caption) ? { kind: "k6" } : { kind: "shell" };
  if (NODE.has(block.lang)) {
    const run = /^\/\/\s*(.*\bnode\s+([\w.-]+\.m?js))\s*$/.exec(block.text.split("\n")[0] ?? "");
    if (run?.[1] && run[2]) return { kind: "node", command: run[1], filename: run[2] };
    return { kind: "unmarked", why: "a js block runs when its first line is `// <command> node <file>.mjs`" };
  }
  return { kind: "unmarked", why: `a ${block.lang} block that is not one of the package's examples` };
}

/** Replaces each port the README shows by the run's port for it. */
export function rewritePorts(text: string, ports: ReadonlyMap<number, number>): string {
  let out = text;
  for (const [from, to] of ports) out = out.replace(new RegExp(`\\b${from}\\b`, "g"), String(to));
  return out;
}

/** A line that starts the mock and keeps running: its port, and whether it serves TLS. */
function serverLine(code: string): { port: string; scheme: string } | undefined {
  if (!/^\s*(npm run mock --|npx auth0-mfa-mock)\s/.test(code) || /--(help|version)\b/.test(code)) return;
  const port = /--port\s+(\d+)/.exec(code)?.[1];
  if (!port || port === "0") return;
  return { port, scheme: /--tls\b/.test(code) ? "https" : "http" };
}

/** The code of a line and its trailing comment (a `#` after a space, outside quotes). */
export function splitComment(line: string): { code: string; comment?: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) {
      return { code: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
    }
  }
  return { code: line };
}

/** What a comment promises of the answer: a status (and an error code), or a JSON value it contains. */
export function promise(comment: string): { status?: string; error?: string; json?: string } | undefined {
  const status = /^(\d{3})\b\s*([a-z]+(?:_[a-z]+)+)?/.exec(comment);
  if (status?.[1]) return { status: status[1], ...(status[2] ? { error: status[2] } : {}) };
  if (/^[[{]/.test(comment)) {
    try {
      JSON.parse(comment);
      return { json: comment };
    } catch {
      return undefined; // a shape ({oob_code, …}), not a value
    }
  }
  return undefined;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The bash lines of a shell block: server lines started in the background, `--duration` shortened
 * for k6, and after each command whose comment promises an answer, the check of that answer.
 * `where` maps each emitted line to the README line it came from.
 */
export function shellLines(block: Block, k6: boolean): Array<{ text: string; where: number }> {
  const out: Array<{ text: string; where: number }> = [];
  const lines = block.text.split("\n");
  let start = 0; // first line of the current command (continuation lines end with a backslash)
  lines.forEach((raw, i) => {
    const where = block.line + 1 + i;
    const { code, comment } = splitComment(raw);
    const server = serverLine(code);
    let text = server ? `__serve ${server.port} ${server.scheme} ${code.trim()}` : raw;
    if (k6) text = text.replace(/--duration\s+\S+/g, "--duration 12s");
    out.push({ text, where });
    const continued = /\\\s*$/.test(raw);
    const first = lines[start] ?? "";
    const definition = /^\s*[\w-]+\(\)\s*\{/.test(first);
    const expected = comment && !continued && !definition && !server ? promise(comment) : undefined;
    if (expected) {
      const at = quote(`${block.file}:${where}`);
      if (expected.status)
        out.push({ text: `__expect_status ${at} ${expected.status} ${quote(expected.error ?? "")}`, where });
      if (expected.json) out.push({ text: `__expect_json ${at} ${quote(expected.json)}`, where });
    }
    if (!continued) start = i + 1;
  });
  return out;
}

/** Bash run before the blocks: strict mode, the answer checks, the background servers and their end. */
const PRELUDE = readFileSync(path.join(ROOT, "scripts", "doc-test-prelude.sh"), "utf8");

/** One block's outcome. */
export interface BlockResult {
  block: Block;
  plan: Plan;
  status: "passed" | "failed" | "skipped" | "elsewhere";
  note?: string;
}

/** Options of a run: which READMEs (or texts), and which of their blocks. */
export interface DocTestOptions {
  /** Markdown texts by their README path; default: the READMEs read from disk. */
  texts?: Record<string, string>;
  /** Only the blocks this keeps run (the others are reported as skipped). */
  select?: (block: Block, plan: Plan) => boolean;
  /** The k6 to use for "(needs k6)" blocks; default: the one `npm run load` finds. */
  k6?: string | undefined;
  timeoutMs?: number;
}

/** Runs a bash script in a process group of its own; the group is ended on timeout. */
function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    const timer = setTimeout(() => {
      output += `\n@@doctest timed out after ${timeoutMs / 1000} s`;
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Ends the background mocks a script left (when it was killed before its own exit trap ran). */
function stopServers(dir: string): void {
  const file = path.join(dir, "pids");
  if (!existsSync(file)) return;
  for (const pid of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    try {
      process.kill(-Number(pid), "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/**
 * Why a session failed: an answer check's message, else bash's error (an unset variable, a failed
 * command) at the README line it came from, with the last lines of output.
 */
export function failureMessage(output: string, readmeLine: (scriptLine: number) => string): string {
  const check = /@@doctest (?!-)(.*)$/m.exec(output)?.[1];
  if (check) return check;
  const line = /@@doctest-line (\d+)$/m.exec(output)?.[1] ?? /\bline (\d+): /.exec(output)?.[1];
  const lines = output
    .split("\n")
    .map((l) => l.replace(/@@doctest.*$/, "").trimEnd())
    .filter(Boolean);
  // bash's own complaint (an unset variable, a missing command) and the first error say why;
  // without them, the last lines of output.
  const key = lines.filter((l) => /unbound variable|command not found|^\s*\w*Error\b/.test(l)).slice(0, 3);
  const tail = (key.length ? key : lines.slice(-8)).join("\n").trim();
  return `${line ? readmeLine(Number(line)) : "?"}: ${tail}`;
}

/** Runs the blocks of each README (one bash session each, one after the other) and answers each block's outcome. */
export async function runDocTest(opts: DocTestOptions = {}): Promise<BlockResult[]> {
  const texts =
    opts.texts ?? Object.fromEntries(READMES.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")]));
  const examples = packageExamples();
  const k6 = "k6" in opts ? opts.k6 : findK6();
  const results: BlockResult[] = [];
  for (const [file, markdown] of Object.entries(texts)) {
    // Held open together, so no two README ports get the same number.
    const free = await freePorts(README_PORTS.length);
    const ports = new Map(README_PORTS.map((p, i) => [p, free[i] ?? 0]));
    const work = mkdtempSync(path.join(tmpdir(), "doc-test-"));
    try {
      const home = path.join(work, "home");
      mkdirSync(home);
      symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"));
      const script: string[] = [PRELUDE];
      const where: number[] = PRELUDE.split("\n").map(() => 0);
      const emit = (text: string, line: number) => {
        script.push(text);
        for (const _ of text.split("\n")) where.push(line);
      };
      const ran: BlockResult[] = [];
      for (const [i, raw] of extractBlocks(markdown, file).entries()) {
        const block = { ...raw, text: rewritePorts(raw.text, ports) };
        const plan = planBlock(raw, examples);
        const result: BlockResult = { block: raw, plan, status: "skipped" };
        results.push(result);
        if (plan.kind === "data") continue;
        if (plan.kind === "skip") result.note = plan.why;
        else if (plan.kind === "example")
          [result.status, result.note] = ["elsewhere", `the package test runs ${plan.example}`];
        else if (plan.kind === "package")
          [result.status, result.note] = ["elsewhere", "the package test runs it in a new project"];
        else if (plan.kind === "unmarked")
          [result.status, result.note] = ["failed", `neither run nor marked "(not run: why)": ${plan.why}`];
        else if (opts.select && !opts.select(raw, plan)) result.note = "not selected";
        else if (plan.kind === "k6" && !k6) result.note = "needs k6, which was not found (K6_BIN, PATH)";
        else {
          emit(`echo "@@doctest-block ${i} start"`, block.line);
          if (plan.kind === "node") {
            const dir = path.join(work, `block-${i}`);
            mkdirSync(dir);
            writeFileSync(path.join(dir, plan.filename), block.text);
            const out = path.join(work, `block-${i}.out`);
            emit(
              `(cd ${quote(dir)} && ${rewritePorts(plan.command, ports)}) | tee ${quote(out)}`,
              block.line,
            );
            // `console.log(…); // text`: the README shows what the line prints.
            block.text.split("\n").forEach((line, n) => {
              const shown = /console\.log\(.*\);\s*\/\/\s*(.+)$/.exec(line)?.[1]?.trim();
              if (!shown) return;
              const at = quote(`${file}:${block.line + 1 + n}`);
              emit(
                `grep -qF -- ${quote(shown)} ${quote(out)} || { echo "@@doctest "${at}": the README shows ${shown.replace(/[^\w .:/-]/g, "")}, the output was: $(tail -c 300 ${quote(out)})"; exit 1; }`,
                block.line + 1 + n,
              );
            });
          } else {
            for (const l of shellLines(block, plan.kind === "k6")) emit(l.text, l.where);
          }
          emit(`echo "@@doctest-block ${i} ok $SECONDS"`, block.line);
          result.status = "failed";
          result.note = "not reached";
          ran.push(result);
          (result as BlockResult & { index?: number }).index = i;
        }
      }
      if (ran.length === 0) continue;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        DOCTEST_DIR: work,
        REPORTS_DIR: path.join(work, "reports"),
        LOAD_DURATION: "12s",
        NO_COLOR: "1",
        ...(k6 ? { K6_BIN: k6 } : {}),
      };
      delete env.XDG_DATA_HOME;
      delete env.FORCE_COLOR;
      // 5 minutes: the root README's QA path runs the tenant project against the mock (about a minute).
      const { output } = await runBash(script.join("\n"), env, opts.timeoutMs ?? 300_000);
      stopServers(work);
      const done = new Set([...output.matchAll(/@@doctest-block (\d+) ok/g)].map((m) => Number(m[1])));
      const started = [...output.matchAll(/@@doctest-block (\d+) start/g)].map((m) => Number(m[1]));
      const failedAt = started.at(-1);
      // Why it failed: an answer check's message, bash's own error with its line mapped back, or the tail.
      // Masked: the flows print tokens and the client's secret.
      const message = failureMessage(maskText(output), (line) => `${file}:${where[line - 1] ?? "?"}`);
      for (const r of ran) {
        const index = (r as BlockResult & { index?: number }).index ?? -1;
        if (done.has(index)) [r.status, r.note] = ["passed", undefined];
        else if (index === failedAt) r.note = message;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return results;
}

if (isEntryPoint(import.meta.url)) {
  // `--list`: each block's plan, nothing run; README paths as arguments narrow the run.
  const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (process.argv.includes("--list")) {
    const examples = packageExamples();
    for (const f of files.length ? files : READMES)
      for (const b of extractBlocks(readFileSync(path.join(ROOT, f), "utf8"), f))
        console.log(`${f}:${b.line} ${b.lang || "-"} ${JSON.stringify(planBlock(b, examples))}`);
    process.exit(0);
  }
  const results = await runDocTest(
    files.length
      ? { texts: Object.fromEntries(files.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")])) }
      : {},
  );
  for (const r of results.filter((x) => x.plan.kind !== "data")) {
    console.log(
      `${r.status.padEnd(9)} ${r.block.file}:${r.block.line} (${r.plan.kind})${r.note ? ` ${r.note}` : ""}`,
    );
  }
  process.exitCode = results.some((r) => r.status === "failed") ? 1 : 0;
}
