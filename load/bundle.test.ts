/**
 * Every scenario bundles into one file that k6 v0.48+ can run: imports only k6's built-in modules,
 * nothing from Node or npm left to resolve at run time, no syntax past the bundle's ES level, and
 * no regular-expression feature goja lacks.
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
      const output = result.outputFiles?.[0];
      assert.ok(output && result.metafile, "esbuild produced a bundle and its metafile");
      const code = output.text;

      const meta = Object.values(result.metafile.outputs)[0];
      for (const imp of meta?.imports ?? []) {
        assert.ok(imp.external, `${imp.path} is bundled or external`);
        assert.match(imp.path, /^k6(\/[a-z-]+)*$/, `only k6 modules stay imports (found ${imp.path})`);
      }
      for (const input of Object.keys(result.metafile.inputs)) {
        assert.ok(!nodeBuiltins.has(input), `a Node builtin (${input}) is in the bundle`);
      }
      // Unresolved require() calls become esbuild's __require shim, which throws inside k6.
      assert.doesNotMatch(code, /\b__require\(/);
      assert.doesNotMatch(code, /\bprocess\.env\b/);
      assert.doesNotMatch(code, /from\s+["']node:/);

      // Lowering to the target changes nothing: no syntax newer than the target is left.
      const same = await transform(code, { format: "esm", target: "esnext" });
      const lowered = await transform(code, { format: "esm", target: BUNDLE_TARGET });
      assert.ok(same.code === lowered.code, `the bundle has syntax newer than ${BUNDLE_TARGET}`);

      // goja's regular expressions: no lookbehind, named groups or Unicode property escapes.
      assert.doesNotMatch(code, /\(\?<[=!]|\(\?<[A-Za-z]|\\[pP]\{/);
      assert.match(code, /export\s*\{[^}]*\bdefault\b/);
      assert.match(code, /export\s*\{[^}]*\boptions\b/);
      assert.match(code, /export\s*\{[^}]*\bhandleSummary\b/);
    });
  }
});
