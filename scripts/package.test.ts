/**
 * The `auth0-mfa-mock` package as a user installs it: by the package README's own install steps
 * (build, `npm pack`, install the tarball), run as written in a fresh project outside this
 * repository against a copy of it, beside only what the examples need from the registry (Auth0's
 * SDK, Playwright, Vitest). There: the README's smallest test, its CommonJS and import blocks, the
 * type resolutions it promises, the command line over TLS with Auth0's SDK flow against it
 * (clients/auth0-sdk-flow.mjs), and the examples the READMEs quote (Playwright, Vitest, node:test, and
 * an auth0-react app's MFA screens in Chromium, skipped with the reason where there is no Chromium).
 * The README blocks marked
 * "run in a new project by the package test" are the ones run here; each has its step below.
 *
 * Installing from the registry makes this the slowest unit test (30 to 40 s on 2 cores with npm's cache
 * warm); every child has a time limit, so a hung install or server fails the test instead of the run.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
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
import { after, before, describe, it } from "node:test";
import { stripVTControlCharacters } from "node:util";
import { findChromium, skipWithoutChromium } from "../cli/chromium.ts";
import { freePorts } from "../load/tooling/runners.ts";
import { PACKAGE_DIR, readPackageJson } from "./build-package.ts";
import { extractBlocks, packageExamples, planBlock } from "./doc-test.ts";

const ROOT = path.resolve(PACKAGE_DIR, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
/** Vitest 4 is the last major that runs on Node 20 (5 needs 22). */
const VITEST = "4.1.12";
const INSTALL_MS = 5 * 60_000;
const RUN_MS = 3 * 60_000;

/** Files an installed package must never carry. */
const FORBIDDEN = [/^reports\//, /\.(test|spec)\.[cm]?[jt]s$/, /(^|\/)fixtures?(\/|\.)/, /(^|\/)examples\//];

/** What a copy of the repository needs for `npm run build:package` (its node_modules is linked). */
const CHECKOUT = [
  "package.json",
  "tsconfig.json",
  "tsconfig.package.json",
  "scripts",
  "mock",
  "openapi",
  "cli",
  "redaction",
];

/** The package README's blocks that this test runs, by what each one is (the doc-test leaves them here). */
function readmeBlocks(): Record<"install" | "smallest" | "commonjs" | "cli" | "imports" | "spa", string> {
  const file = path.join(PACKAGE_DIR, "README.md");
  const examples = packageExamples();
  const marked = extractBlocks(readFileSync(file, "utf8"), "README.md").filter(
    (b) => planBlock(b, examples).kind === "package",
  );
  const pick = (what: string, test: (text: string) => boolean) => {
    const found = marked.filter((b) => test(b.text));
    assert.equal(found.length, 1, `one README block is the ${what}`);
    return found[0]?.text ?? "";
  };
  const blocks = {
    install: pick("install steps", (t) => t.includes("npm pack")),
    smallest: pick("smallest test", (t) => t.startsWith("// mfa.test.mjs")),
    commonjs: pick("CommonJS check", (t) => t.startsWith("// check.cjs")),
    cli: pick("command line", (t) => t.startsWith("npx auth0-mfa-mock")),
    imports: pick("entry points", (t) => t.startsWith("import ")),
    spa: pick("SPA example's run", (t) => t.includes("playwright test -c auth0-react/")),
  };
  // A block marked for this test that none of the steps runs would go untested.
  assert.equal(marked.length, Object.keys(blocks).length, "every marked block has its step here");
  return blocks;
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

/**
 * The environment of a child in the temporary project: npm's variables of the `npm test` that runs
 * this would point npm at this repository, so they go (except the cache and registry settings); so
 * do colours, which the checks of the runners' output would have to read through.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith("npm_") || keep.has(name.toLowerCase())) env[name] = value;
  }
  delete env.FORCE_COLOR;
  return { ...env, NO_COLOR: "1", ...extra };
}

/** Runs a command to its end; throws with its output (the last 4000 characters) when it fails. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }) {
  const result = spawnSync(cmd, args, { ...opts, encoding: "utf8", killSignal: "SIGKILL" });
  const output = stripVTControlCharacters(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    throw new Error(`${cmd} ${args.join(" ")} failed (${why}):\n${output.slice(-4000)}`);
  }
  return output;
}

/** The running command line: what it printed, parsed; and a way to stop its whole process group. */
interface Cli {
  url: string;
  clientId: string;
  clientSecret: string;
  caPath: string;
  stop(): Promise<void>;
}

/**
 * Starts `npx auth0-mfa-mock --port 0 --tls` in `cwd` and waits for its banner. `--no --`: the bin
 * installed in the project or a failure, never a download. npx runs the bin in a child of its own,
 * so the process group is what gets stopped.
 */
async function startCli(cwd: string, env: NodeJS.ProcessEnv): Promise<Cli> {
  const child: ChildProcess = spawn(npx, ["--no", "--", "auth0-mfa-mock", "--port", "0", "--tls"], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, "SIGTERM");
      const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const field = (pattern: RegExp) => pattern.exec(out)?.[1];
  const deadline = Date.now() + RUN_MS;
  while (!/NODE_EXTRA_CA_CERTS=\S+/.test(out) || !/client_secret +\S+/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      // The banner holds the generated client secret: only the error output is shown.
      throw new Error(`the CLI did not start (exit ${child.exitCode}):\n${err.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: field(/listening on (\S+)/) ?? "",
    clientId: field(/client_id +(\S+)/) ?? "",
    clientSecret: field(/client_secret +(\S+)/) ?? "",
    caPath: field(/NODE_EXTRA_CA_CERTS=(\S+)/) ?? "",
    stop,
  };
}

describe("the auth0-mfa-mock package, installed from its tarball", { timeout: 15 * 60_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), "auth0-mfa-mock-package-"));
  const project = path.join(work, "project");
  // A copy of the repository (the README's checkout), without the package's dist/: the README's
  // steps build and pack there, and this tree is left alone.
  const harness = path.join(work, "harness");
  const staged = path.join(harness, "packages", "auth0-mfa-mock");
  const dataHome = path.join(work, "data");
  const blocks = readmeBlocks();
  let packed: Packed;
  let env: NodeJS.ProcessEnv;

  before(() => {
    for (const entry of CHECKOUT)
      cpSync(path.join(ROOT, entry), path.join(harness, entry), { recursive: true });
    const distDir = path.join(PACKAGE_DIR, "dist");
    cpSync(PACKAGE_DIR, staged, { recursive: true, filter: (src) => src !== distDir });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(harness, "node_modules"));

    mkdirSync(project);
    mkdirSync(dataHome);
    writeFileSync(
      path.join(project, "package.json"),
      `${JSON.stringify({ name: "uses-auth0-mfa-mock", private: true, type: "module" }, null, 2)}\n`,
    );
    // The CLI's local CA goes to a folder of this run, not the user's home.
    env = childEnv({ XDG_DATA_HOME: dataHome });
    // The README's install steps as written, with HARNESS naming the copy.
    const steps = blocks.install.replace(/^HARNESS=.*$/m, `HARNESS=${JSON.stringify(harness)}`);
    assert.notEqual(steps, blocks.install, "the install steps set HARNESS on their first line");
    run("bash", ["-euo", "pipefail", "-c", steps], {
      cwd: project,
      env: { ...env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" },
      timeout: INSTALL_MS,
    });
    // stdout alone: npm writes the prepack script's banner to stderr, beside the JSON.
    const listing = spawnSync(npm, ["pack", "--dry-run", "--json", "--loglevel=error"], {
      cwd: staged,
      env: childEnv({}),
      encoding: "utf8",
      timeout: RUN_MS,
    });
    assert.equal(listing.status, 0, listing.stderr);
    [packed] = JSON.parse(listing.stdout.slice(listing.stdout.indexOf("["))) as [Packed];
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `${packed.filename}: ${kib(packed.size)} packed, ${kib(packed.unpackedSize)} unpacked, ${packed.files.length} files`,
    );
    for (const f of packed.files) console.log(`  ${f.path}  (${f.size} B)`);

    cpSync(path.join(PACKAGE_DIR, "examples"), project, { recursive: true });
    cpSync(path.join(ROOT, "clients", "auth0-sdk-flow.mjs"), path.join(project, "auth0-sdk-flow.mjs"));
    const root = readPackageJson("root");
    // The SPA example's app: auth0-react, React and its bundler, at the versions the repository tests.
    const app = ["@auth0/auth0-react", "react", "react-dom", "esbuild"].map(
      (name) => `${name}@${root.devDependencies?.[name]}`,
    );
    const playwright = JSON.parse(
      readFileSync(path.join(ROOT, "node_modules", "@playwright", "test", "package.json"), "utf8"),
    ) as { version: string };
    run(
      npm,
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `@auth0/auth0-auth-js@${root.devDependencies?.["@auth0/auth0-auth-js"]}`,
        `@playwright/test@${playwright.version}`,
        `vitest@${VITEST}`,
        ...app,
      ],
      { cwd: project, env, timeout: INSTALL_MS },
    );
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("carries the built code, its bin, README and CHANGELOG; nothing from reports, tests, fixtures or examples", () => {
    const paths = packed.files.map((f) => f.path);
    for (const must of ["package.json", "README.md", "CHANGELOG.md", "bin/auth0-mfa-mock.js"]) {
      assert.ok(paths.includes(must), `${must} is in the tarball`);
    }
    assert.ok(paths.includes("dist/mock/start.js") && paths.includes("dist/mock/start.d.ts"));
    assert.ok(
      paths.includes("dist/openapi/validate.js") && paths.includes("dist/openapi/generated/validators.js"),
    );
    const forbidden = paths.filter((p) => FORBIDDEN.some((re) => re.test(p)));
    assert.deepEqual(forbidden, []);
    assert.deepEqual(
      paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts")),
      [],
      "no TypeScript source",
    );
  });

  it("installs only its runtime dependencies and runs on plain node: --version", () => {
    const installed = JSON.parse(
      readFileSync(path.join(project, "node_modules", "auth0-mfa-mock", "package.json"), "utf8"),
    ) as { version: string; devDependencies?: object; dependencies: object };
    assert.equal(installed.devDependencies, undefined);
    assert.deepEqual(installed.dependencies, readPackageJson("package").dependencies);
    const version = run(npx, ["--no", "--", "auth0-mfa-mock", "--version"], {
      cwd: project,
      env,
      timeout: RUN_MS,
    });
    assert.equal(version.trim(), readPackageJson("package").version);
    // No tsx: a TypeScript loader in the tree would hide a .ts import left in the built code.
    assert.throws(() => readFileSync(path.join(project, "node_modules", "tsx", "package.json")));
  });

  it("the README's install steps installed the tarball they packed, as a dev dependency", () => {
    const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as {
      devDependencies?: Record<string, string>;
    };
    assert.match(manifest.devDependencies?.["auth0-mfa-mock"] ?? "", /auth0-mfa-mock-[\d.]+\.tgz$/);
    assert.ok(
      blocks.install.includes(`auth0-mfa-mock-${readPackageJson("package").version}.tgz`),
      "the README names this version's tarball",
    );
    const manifestOfPackage = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"));
    assert.equal(typeof manifestOfPackage.license, "string", "the package says its license");
  });

  it("npm pack refuses a package folder without dist/ (prepack)", () => {
    const bare = path.join(work, "bare");
    cpSync(PACKAGE_DIR, bare, {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(PACKAGE_DIR, "dist")),
    });
    assert.throws(
      () => run(npm, ["pack", "--dry-run"], { cwd: bare, env: childEnv({}), timeout: RUN_MS }),
      /dist\/ is missing[\s\S]*npm run build:package/,
    );
  });

  it("the README's smallest test passes (node --test)", () => {
    writeFileSync(path.join(project, "mfa.test.mjs"), blocks.smallest);
    // Without this runner's context, which would make the child a subtest of this file.
    const { NODE_TEST_CONTEXT: _, ...own } = env;
    const out = run(process.execPath, ["--test", "mfa.test.mjs"], {
      cwd: project,
      env: own,
      timeout: RUN_MS,
    });
    assert.match(out, /# pass 1\b/);
  });

  it("the README's entry points import, and CommonJS require()s them as the README says", () => {
    writeFileSync(
      path.join(project, "imports.mjs"),
      `${blocks.imports}\nconsole.log(typeof startMock, typeof validateResponse);\n`,
    );
    assert.equal(
      run(process.execPath, ["imports.mjs"], { cwd: project, env, timeout: RUN_MS }).trim(),
      "function function",
    );
    writeFileSync(path.join(project, "check.cjs"), blocks.commonjs);
    const shown = /\/\/ (.+)$/m.exec(
      blocks.commonjs
        .split("\n")
        .filter((l) => l.includes("console.log"))
        .join("\n"),
    )?.[1];
    const out = run(process.execPath, ["check.cjs"], { cwd: project, env, timeout: RUN_MS });
    assert.equal(out.trim(), shown, "what the README shows it prints, and no warning");
  });

  it("TypeScript resolves both entry points under the moduleResolution settings the README names", () => {
    // Rows: the setting, its module system, the file (an .mts is an ES module under node16).
    // nodenext is the last test's setting, not repeated here.
    const rows: Array<[string, string, string]> = [
      ["node16", "node16", "uses.mts"],
      ["bundler", "esnext", "uses.ts"],
      ["node10", "commonjs", "uses.ts"],
    ];
    const source = `${blocks.imports}\nexport const used: unknown[] = [createMock, mockControl, startMock, validateResponse];\n`;
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    for (const [resolution, module, file] of rows) {
      const dir = path.join(project, `types-${resolution}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, file), source);
      const args = [
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--module",
        module,
        "--moduleResolution",
        resolution,
      ];
      args.push("--types", "node", "--typeRoots", path.join(ROOT, "node_modules", "@types"), file);
      run(process.execPath, [tsc, ...args], { cwd: dir, env, timeout: RUN_MS });
    }
  });

  it("the CLI over TLS: Auth0's SDK runs the whole MFA flow against it", async () => {
    assert.equal(
      blocks.cli.trim(),
      "npx auth0-mfa-mock --port 0 --tls",
      "the README's command is the one run here",
    );
    const cli = await startCli(project, env);
    try {
      assert.match(cli.url, /^https:\/\/localhost:\d+$/);
      const flow = spawnSync(process.execPath, ["auth0-sdk-flow.mjs"], {
        cwd: project,
        env: {
          ...env,
          NODE_EXTRA_CA_CERTS: cli.caPath,
          AUTH0_DOMAIN: new URL(cli.url).host,
          AUTH0_CLIENT_ID: cli.clientId,
          AUTH0_CLIENT_SECRET: cli.clientSecret,
        },
        encoding: "utf8",
        timeout: RUN_MS,
      });
      // The flow prints tokens and codes as shapes only, so its output may be shown.
      assert.equal(flow.status, 0, `${flow.stdout}${flow.stderr}`);
      const last = JSON.parse(flow.stdout.trim().split("\n").at(-1) ?? "{}") as {
        step?: string;
        ok?: boolean;
      };
      assert.deepEqual({ step: last.step, ok: last.ok }, { step: "done", ok: true });
      const health = spawnSync(
        process.execPath,
        ["-e", `fetch(${JSON.stringify(`${cli.url}/__mock/health`)}).then(r => r.text()).then(console.log)`],
        { env: { ...env, NODE_EXTRA_CA_CERTS: cli.caPath }, encoding: "utf8", timeout: RUN_MS },
      );
      assert.deepEqual(JSON.parse(health.stdout), {
        status: "ok",
        version: readPackageJson("package").version,
      });
    } finally {
      await cli.stop();
    }
  });

  it("the Playwright example (globalSetup) passes", () => {
    const out = run(npx, ["--no", "--", "playwright", "test", "-c", "playwright/playwright.config.ts"], {
      cwd: project,
      env,
      timeout: RUN_MS,
    });
    assert.match(out, /2 passed/);
  });

  it("the SPA example passes: auth0-react's MFA screens in Chromium, the code from the outbox", {
    skip: skipWithoutChromium(),
  }, async () => {
    // The ports the config defaults to (4443, 5173) may be taken on a shared machine: free ones.
    const [mockPort, appPort] = await freePorts(2);
    // The README's command as written, with this machine's Chromium where it names Debian's.
    const command = blocks.spa.replace("/usr/bin/chromium", findChromium() ?? "");
    const out = run("bash", ["-euo", "pipefail", "-c", command], {
      cwd: project,
      env: { ...env, AUTH0_MOCK_PORT: String(mockPort), APP_PORT: String(appPort) },
      timeout: RUN_MS,
    });
    assert.match(out, /1 passed/);
  });

  it("the package README shows every file of the SPA example as it is", () => {
    const readme = extractBlocks(readFileSync(path.join(PACKAGE_DIR, "README.md"), "utf8"), "README.md");
    const shown = new Set(readme.map((b) => b.text.trim()));
    const dir = path.join(PACKAGE_DIR, "examples", "auth0-react");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.\w+$/.test(f));
    assert.ok(files.length >= 6, `the example's files: ${files.join(", ")}`);
    const missing = files.filter((f) => !shown.has(readFileSync(path.join(dir, f), "utf8").trim()));
    assert.deepEqual(missing, [], "each file is a block of the README, character for character");
  });

  it("the node:test example passes: every factor, push through the Guardian stand-in", () => {
    const { NODE_TEST_CONTEXT: _, ...own } = env; // as above: a run of its own, not a subtest
    const out = run(process.execPath, ["--test", "node-test/factors.test.mjs"], {
      cwd: project,
      env: own,
      timeout: RUN_MS,
    });
    assert.match(out, /# pass 6\b/);
    assert.match(out, /# fail 0\b/);
  });

  it("the Vitest example passes", () => {
    const out = run(npx, ["--no", "--", "vitest", "run", "--dir", "vitest"], {
      cwd: project,
      env,
      timeout: RUN_MS,
    });
    assert.match(out, /Tests +2 passed/);
  });

  it("the examples and the package's declarations type-check", () => {
    // This repository's TypeScript and Node types, run over the project: the package ships .d.ts for
    // users who type-check, and the examples are what such a user writes. The declarations are
    // checked on their own (skipLibCheck off), the examples against them.
    const compilerOptions = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules", "@types")],
    };
    const dist = "node_modules/auth0-mfa-mock/dist";
    const configs = {
      "tsconfig.examples.json": {
        compilerOptions: { ...compilerOptions, skipLibCheck: true },
        include: ["playwright", "vitest", "auth0-react"],
      },
      "tsconfig.declarations.json": {
        compilerOptions: { ...compilerOptions, skipLibCheck: false },
        files: [`${dist}/mock/start.d.ts`, `${dist}/openapi/validate.d.ts`],
      },
    };
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(path.join(project, name), JSON.stringify(config));
      run(process.execPath, [tsc, "-p", name], { cwd: project, env, timeout: RUN_MS });
    }
  });
});
