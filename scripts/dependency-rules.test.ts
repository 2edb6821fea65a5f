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

for (const row of backEdges) {
  test(`refused: ${row.name}`, () => {
    const run = cruise(row.modules);
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, row.rule);
  });
}
