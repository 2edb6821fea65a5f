/**
 * The layering rules (.dependency-cruiser.cjs) can fail: a tree with an import against the direction,
 * a leaf that imports a part, or a cycle is refused by the same command `npm run lint` runs, and a
 * tree that only imports downwards passes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

const root = path.resolve(import.meta.dirname, "..");
const config = path.join(root, ".dependency-cruiser.cjs");
const depcruise = path.join(root, "node_modules", ".bin", "depcruise");
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes a throwaway tree of modules (path → imports) and cruises it with the project's rules. */
function cruise(modules: Record<string, string[]>): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "layering-"));
  dirs.push(dir);
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
  );
  for (const [file, imports] of Object.entries(modules)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    const lines = imports.map(
      (to, i) =>
        `import * as m${i} from "${path.relative(path.dirname(file), to).replace(/^(?!\.)/, "./")}";`,
    );
    writeFileSync(path.join(dir, file), `${lines.join("\n")}\nexport const x = 1;\n`);
  }
  const run = spawnSync(depcruise, ["--config", config, "."], { cwd: dir, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("imports that flow downwards pass", () => {
  const run = cruise({
    "openapi/validate.ts": [],
    "redaction/mask.ts": [],
    "mock/app.ts": ["openapi/validate.ts", "redaction/mask.ts"],
    "contracts/fixtures.ts": ["mock/app.ts"],
    "tenant/target.ts": ["contracts/fixtures.ts"],
    "load/plan.ts": ["tenant/target.ts"],
    "report/compose.ts": ["load/plan.ts"],
    "scripts/main.ts": ["report/compose.ts"],
    "mock/app.test.ts": ["mock/app.ts", "openapi/validate.ts"],
  });
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /no dependency violations/);
});

const backEdges: Array<{ name: string; modules: Record<string, string[]>; rule: RegExp }> = [
  {
    name: "mock importing contracts",
    modules: { "mock/app.ts": ["contracts/flows.ts"], "contracts/flows.ts": [] },
    rule: /mock-imports-downwards-only/,
  },
  {
    name: "contracts importing tenant",
    modules: { "contracts/fixtures.ts": ["tenant/drift.ts"], "tenant/drift.ts": [] },
    rule: /contracts-imports-downwards-only/,
  },
  {
    name: "openapi importing mock",
    modules: { "openapi/validate.ts": ["mock/config.ts"], "mock/config.ts": [] },
    rule: /openapi-imports-downwards-only/,
  },
  {
    name: "report importing scripts",
    modules: { "report/compose.ts": ["scripts/main.ts"], "scripts/main.ts": [] },
    rule: /report-imports-downwards-only/,
  },
  {
    name: "a test reaching up",
    modules: { "load/plan.test.ts": ["report/load.ts"], "report/load.ts": [] },
    rule: /load-imports-downwards-only/,
  },
  {
    name: "a leaf importing a part",
    modules: { "redaction/mask.ts": ["report/html.ts"], "report/html.ts": [] },
    rule: /redaction-is-a-leaf/,
  },
  {
    name: "a cycle inside one part",
    modules: { "mock/a.ts": ["mock/b.ts"], "mock/b.ts": ["mock/a.ts"] },
    rule: /no-circular/,
  },
];

test("imports inside mock/ that follow its folders' rules pass", () => {
  const run = cruise({
    "mock/store/state.ts": ["mock/tokens/jwt.ts"],
    "mock/tokens/jwt.ts": [],
    "mock/tls/tls.ts": ["mock/config/errors.ts"],
    "mock/config/errors.ts": [],
    "mock/config/schema.ts": ["mock/factors/registry.ts", "mock/store/state.ts"],
    "mock/factors/registry.ts": [],
    "mock/reply.ts": ["mock/limits/rate-limit.ts"],
    "mock/limits/rate-limit.ts": ["mock/store/state.ts"],
    "mock/factors/phone.ts": ["mock/reply.ts", "mock/store/state.ts"],
    "mock/http/body.ts": ["mock/reply.ts"],
    "mock/operations/challenge.ts": ["mock/factors/phone.ts", "mock/http/body.ts"],
    "mock/control/api.ts": ["mock/factors/phone.ts", "mock/http/body.ts"],
    "mock/routes.ts": ["mock/operations/challenge.ts", "mock/control/api.ts"],
    "mock/app.ts": ["mock/routes.ts"],
    "mock/http/server.ts": ["mock/app.ts", "mock/tls/tls.ts"],
    "mock/start.ts": ["mock/http/server.ts"],
    // Tests drive the mock whole.
    "mock/factors/phone.test.ts": ["mock/start.ts", "mock/http/server.ts"],
  });
  assert.equal(run.status, 0, run.output);
});

/** Inside mock/: a wrong import between its folders is refused by the rule that names it. */
const insideMock: Array<{ name: string; from: string; to: string; rule: RegExp }> = [
  {
    name: "operations importing control",
    from: "mock/operations/challenge.ts",
    to: "mock/control/api.ts",
    rule: /mock-handlers-apart/,
  },
  {
    name: "management importing operations",
    from: "mock/management/users.ts",
    to: "mock/operations/associate.ts",
    rule: /mock-management-apart/,
  },
  {
    name: "login importing operations",
    from: "mock/login/authorize.ts",
    to: "mock/operations/code-grants.ts",
    rule: /mock-login-apart/,
  },
  {
    name: "operations importing login",
    from: "mock/operations/code-grants.ts",
    to: "mock/login/authorize.ts",
    rule: /mock-handlers-apart/,
  },
  {
    name: "control importing management",
    from: "mock/control/api.ts",
    to: "mock/management/users.ts",
    rule: /mock-control-apart/,
  },
  {
    name: "a factor importing http",
    from: "mock/factors/phone.ts",
    to: "mock/http/body.ts",
    rule: /mock-factors-never-import-http-or-handlers/,
  },
  {
    name: "a factor importing an operation",
    from: "mock/factors/email.ts",
    to: "mock/operations/challenge.ts",
    rule: /mock-factors-never-import-http-or-handlers/,
  },
  {
    name: "config importing a handler",
    from: "mock/config/schema.ts",
    to: "mock/control/api.ts",
    rule: /mock-config-below-the-handlers/,
  },
  {
    name: "config importing a factor module",
    from: "mock/config/schema.ts",
    to: "mock/factors/push.ts",
    rule: /mock-config-below-the-handlers/,
  },
  {
    name: "the store importing limits",
    from: "mock/store/state.ts",
    to: "mock/limits/rate-limit.ts",
    rule: /mock-store-tokens-tls-are-leaves/,
  },
  {
    name: "limits importing a factor",
    from: "mock/limits/throttle.ts",
    to: "mock/factors/phone.ts",
    rule: /mock-limits-below-the-handlers/,
  },
  {
    name: "a handler importing the app",
    from: "mock/operations/token.ts",
    to: "mock/app.ts",
    rule: /mock-handlers-below-the-app/,
  },
  {
    name: "http's body parser importing an operation",
    from: "mock/http/body.ts",
    to: "mock/operations/token.ts",
    rule: /mock-http-is-the-wire/,
  },
  {
    name: "the server importing a handler",
    from: "mock/http/server.ts",
    to: "mock/control/api.ts",
    rule: /mock-server-wraps-the-app/,
  },
  {
    name: "a module importing the package entry",
    from: "mock/app.ts",
    to: "mock/start.ts",
    rule: /mock-entry-points-on-top/,
  },
];

for (const row of insideMock) {
  test(`refused inside mock/: ${row.name}`, () => {
    const run = cruise({ [row.from]: [row.to], [row.to]: [] });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, row.rule);
  });
}

for (const row of backEdges) {
  test(`refused: ${row.name}`, () => {
    const run = cruise(row.modules);
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, row.rule);
  });
}
