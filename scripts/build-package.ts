/**
 * `npm run build:package`: the mock (library and command line) and the response validators as the
 * `auth0-mfa-mock` package, built to JavaScript with declarations in packages/auth0-mfa-mock/dist/.
 *
 * tsc, not a bundler: the sources already are the modules a user imports, tsc emits them one for one
 * with their .d.ts (a bundler would need a second tool for declarations), rewrites the `.ts`
 * extensions of relative imports to `.js` (rewriteRelativeImportExtensions), and compiles only what
 * the entry points reach (tsconfig.package.json). Then this script copies the files that are not
 * TypeScript (the compiled validators, the signing thread), rewrites the `.ts` specifiers tsc leaves
 * in declarations, and checks the result: no `.ts` import left, every relative import resolves, and
 * the bare imports are exactly the package's dependencies, at the repository's versions.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { isEntryPoint } from "../cli/entry.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The package's folder: its package.json, README, CHANGELOG, bin and (built) dist. */
export const PACKAGE_DIR = path.join(ROOT, "packages", "auth0-mfa-mock");

/** Files tsc does not emit that the built code loads, relative to the repository (and to dist/). */
const COPIED = [
  "openapi/generated/validators.js",
  "openapi/generated/validators.d.ts",
  "mock/tokens/signing-worker.mjs",
];

interface PackageJson {
  name: string;
  version: string;
  exports?: Record<string, string | Record<string, string>>;
  types?: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The package.json of the package (in `packageDir`) or, with "root", of the repository. */
export function readPackageJson(which: "package" | "root", packageDir = PACKAGE_DIR): PackageJson {
  const file = which === "root" ? path.join(ROOT, "package.json") : path.join(packageDir, "package.json");
  return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/**
 * Builds `<packageDir>/dist` from scratch (packageDir: the package's folder, or a copy of it, as the
 * pack test uses so that it leaves this tree alone); throws with tsc's output when it fails, or with
 * every problem the checks find. Answers the files of dist/.
 */
export function buildPackage(packageDir = PACKAGE_DIR): { files: string[] } {
  const dist = path.join(packageDir, "dist");
  rmSync(dist, { recursive: true, force: true });
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const config = path.join(ROOT, "tsconfig.package.json");
  const run = spawnSync(process.execPath, [tsc, "-p", config, "--outDir", dist], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`tsc failed:\n${run.stdout}${run.stderr}`);
  for (const file of COPIED) {
    mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dist, file));
  }
  const files = listFiles(dist);
  // tsc rewrites `.ts` specifiers in the JavaScript it emits but not in declarations.
  for (const file of files.filter((f) => f.endsWith(".d.ts"))) {
    const full = path.join(dist, file);
    const text = readFileSync(full, "utf8");
    const fixed = text.replace(RELATIVE_TS, (_m, before: string, spec: string, quote: string) => {
      return `${before}${spec.slice(0, -3)}.js${quote}`;
    });
    if (fixed !== text) writeFileSync(full, fixed);
  }
  const problems = checkDist(packageDir, files);
  if (problems.length > 0) throw new Error(`the built package is not usable:\n  ${problems.join("\n  ")}`);
  return { files };
}

// `from "./x.ts"`, `import("../y.ts")`, `import "./z.ts"`: a relative specifier ending in .ts.
const RELATIVE_TS = /((?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'])(\.\.?\/[^"']*\.ts)(["'])/g;

/** Every file below `dir`, relative to it, with forward slashes, sorted. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

/** The module specifiers a file imports (static, dynamic and re-exports), as TypeScript's scanner finds them. */
export function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The npm package a bare specifier names: "@scope/name" or "name". */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** What makes dist/ unusable for an installed package; empty when it is fine. */
function checkDist(packageDir: string, files: string[]): string[] {
  const dist = path.join(packageDir, "dist");
  const problems: string[] = [];
  const pkg = readPackageJson("package", packageDir);
  const root = readPackageJson("root");
  const declared = Object.keys(pkg.dependencies ?? {});
  const used = new Set<string>();
  for (const file of files.filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    const text = readFileSync(path.join(dist, file), "utf8");
    for (const spec of specifiers(text)) {
      if (spec.startsWith(".")) {
        if (spec.endsWith(".ts") && !spec.endsWith(".d.ts"))
          problems.push(`${file} imports ${spec} (TypeScript)`);
        else if (!existsSync(path.join(dist, path.dirname(file), spec)))
          problems.push(`${file} imports ${spec}, which is not in the package`);
      } else if (!spec.startsWith("node:")) {
        used.add(packageOf(spec));
      }
    }
  }
  // Every file package.json points at (exports, types, bin) must be there once built.
  const targets = [
    ...Object.values(pkg.exports ?? {}).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t))),
    ...(pkg.types ? [pkg.types] : []),
    ...Object.values(pkg.bin ?? {}),
  ];
  for (const target of targets) {
    if (!existsSync(path.join(packageDir, target)))
      problems.push(`package.json points at ${target}, which is missing`);
  }
  for (const name of used) {
    if (!declared.includes(name))
      problems.push(`the built code imports ${name}, not in the package's dependencies`);
  }
  for (const name of declared) {
    if (!used.has(name)) problems.push(`dependency ${name} is not imported by the built code`);
    const want = root.dependencies?.[name] ?? root.devDependencies?.[name];
    if (pkg.dependencies?.[name] !== want)
      problems.push(
        `dependency ${name}: ${pkg.dependencies?.[name]} in the package, ${want} in the repository`,
      );
  }
  return problems;
}

if (isEntryPoint(import.meta.url)) {
  const started = Date.now();
  try {
    const { files } = buildPackage();
    const { name, version } = readPackageJson("package");
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const dist = path.relative(ROOT, path.join(PACKAGE_DIR, "dist"));
    console.log(`${name}@${version}: ${files.length} files in ${dist} (${seconds}s)`);
  } catch (e) {
    console.error(`build:package: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
