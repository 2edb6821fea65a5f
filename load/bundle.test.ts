/**
 * Every scenario bundles into one file that k6 v0.48+ can run: requires only k6's built-in modules,
 * nothing from Node or npm left to resolve at run time, no syntax past the bundle's ES level, no
 * regular-expression feature goja lacks, CommonJS that k6 v0.48 runs without its Babel, and a source
 * map beside it that the bundle names.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, test } from "node:test";
import { build, transform } from "esbuild";
import { scenarioNames } from "./lib/plan.ts";
import { BUNDLE_TARGET, bundleOptions, listScenarios } from "./tooling/build.ts";

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Past this size k6 v0.48 warns and drops source maps for a script it sends through Babel (an ES
 * module). The CommonJS bundles skip Babel; the bound keeps them clear of it should that change.
 */
const BABEL_SOURCE_MAP_LIMIT = 256_000;

test("every planned scenario has a file, and every file is a planned scenario", () => {
  assert.deepEqual(listScenarios(), [...scenarioNames].sort());
});

test("load/lib/*.ts is pure: no k6 and no Node import, so Node unit-tests what k6 runs", () => {
  const dir = path.join(import.meta.dirname, "lib");
  const modules = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  assert.ok(modules.length >= 8);
  for (const file of modules) {
    const source = readFileSync(path.join(dir, file), "utf8");
    assert.doesNotMatch(source, /from\s+["'](k6|node:)/, `${file} imports k6 or Node`);
  }
});

describe("bundles", () => {
  for (const scenario of listScenarios()) {
    test(`${scenario} is self-contained ${BUNDLE_TARGET} for k6`, async () => {
      const result = await build(bundleOptions(scenario, false));
      const output = result.outputFiles?.find((f) => f.path.endsWith(".js"));
      const map = result.outputFiles?.find((f) => f.path.endsWith(".js.map"));
      assert.ok(
        output && map && result.metafile,
        "esbuild produced a bundle, its source map and its metafile",
      );
      const code = output.text;

      const meta = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(".js"))?.[1];
      assert.ok(meta, "the metafile describes the bundle");
      for (const imp of meta.imports) {
        assert.ok(imp.external, `${imp.path} is bundled or external`);
        assert.match(imp.path, /^k6(\/[a-z-]+)*$/, `only k6 modules stay imports (found ${imp.path})`);
      }
      for (const input of Object.keys(result.metafile.inputs)) {
        assert.ok(!nodeBuiltins.has(input), `a Node builtin (${input}) is in the bundle`);
      }
      // Unresolved require() calls become esbuild's __require shim, which throws inside k6.
      assert.doesNotMatch(code, /\b__require\(/);
      assert.doesNotMatch(code, /\bprocess\.env\b/);
      assert.doesNotMatch(code, /from\s+["']node:|require\(["']node:/);

      // Lowering to the target changes nothing: no syntax newer than the target is left.
      const same = await transform(code, { format: "cjs", target: "esnext" });
      const lowered = await transform(code, { format: "cjs", target: BUNDLE_TARGET });
      assert.ok(same.code === lowered.code, `the bundle has syntax newer than ${BUNDLE_TARGET}`);

      // goja's regular expressions: no lookbehind, named groups or Unicode property escapes.
      assert.doesNotMatch(code, /\(\?<[=!]|\(\?<[A-Za-z]|\\[pP]\{/);

      // CommonJS only (k6 v0.53+ refuses a file that mixes it with ES module syntax): esbuild's export
      // table, then module.exports, with what k6 reads from a script.
      assert.doesNotMatch(code, /(^|[;}])\s*export\s*\{/m);
      const table = /\(\w+,\s*\{([^}]*)\}\);\s*module\.exports\s*=/.exec(code)?.[1] ?? "";
      const exported = [...table.matchAll(/(\w+):\s*\(\)\s*=>/g)].map((m) => m[1]).sort();
      assert.deepEqual(exported, ["default", "handleSummary", "options", "setup"]);
      assert.ok(code.length < BABEL_SOURCE_MAP_LIMIT, `${code.length} bytes: minify the bundle`);

      // The map beside the bundle, named by its last line, maps back to the TypeScript (positions only).
      assert.match(code, new RegExp(`\\n//# sourceMappingURL=${scenario}\\.js\\.map\\n?$`));
      const sourceMap = JSON.parse(map.text) as {
        version: number;
        sources: string[];
        sourcesContent?: unknown;
      };
      assert.equal(sourceMap.version, 3);
      assert.equal(sourceMap.sourcesContent, undefined);
      const entry = `scenarios/${scenario}.ts`;
      assert.ok(
        sourceMap.sources.some((s) => s.endsWith(entry)),
        `the map's sources include ${entry}`,
      );
    });
  }
});
