import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_DIR, packageOf, readPackageJson, specifiers } from "./build-package.ts";

const ROOT = path.resolve(PACKAGE_DIR, "..", "..");
const EXAMPLES = ["playwright/playwright.config.ts", "playwright/global-setup.ts", "vitest/mfa.test.ts"];

/** The README section that documents the package, up to the next section. */
function section(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.notEqual(start, -1, `the README has a section "${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("the auth0-mfa-mock package's sources", () => {
  it("depends on what the repository depends on, at the same versions", () => {
    const pkg = readPackageJson("package");
    const root = readPackageJson("root");
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      assert.equal(range, root.dependencies?.[name], `${name}: the package and the repository agree`);
    }
    assert.equal(pkg.devDependencies, undefined, "an installed package needs no devDependencies");
  });

  it("ships dist, its bin and its CHANGELOG; never the examples; and the repository stays private", () => {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"));
    assert.deepEqual(pkg.files, ["dist", "bin", "CHANGELOG.md"]);
    assert.equal(pkg.type, "module");
    assert.equal(pkg.engines.node, ">=20");
    assert.equal(pkg.exports["."].default, "./dist/mock/start.js");
    assert.equal(pkg.private, undefined);
    assert.equal(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).private, true);
  });

  it("has a CHANGELOG entry for its version", () => {
    const { version } = readPackageJson("package");
    const changelog = readFileSync(path.join(PACKAGE_DIR, "CHANGELOG.md"), "utf8");
    assert.match(changelog, new RegExp(`^## \\[${version.replaceAll(".", "\\.")}\\]`, "m"));
  });

  // The READMEs quote the examples that scripts/package.test.ts runs: a change to one is a change to both.
  for (const [readme, title] of [
    [path.join(ROOT, "README.md"), "Use the mock in your own tests"],
    [path.join(PACKAGE_DIR, "README.md"), "In your tests"],
  ] as const) {
    it(`${path.relative(ROOT, readme)} quotes the tested examples as they are`, () => {
      const whole = readFileSync(readme, "utf8");
      const text = section(whole, title);
      const quoted = EXAMPLES.filter((file) =>
        text.includes(readFileSync(path.join(PACKAGE_DIR, "examples", file), "utf8").trimEnd()),
      );
      assert.deepEqual(quoted, EXAMPLES);
      // Not published yet: the README installs the built tarball (or links to the steps that do).
      assert.match(
        whole,
        /npm install --save-dev "\$HARNESS\/auth0-mfa-mock-[\d.]+\.tgz"|README\.md#install/,
      );
      assert.doesNotMatch(whole, /npm install --save-dev auth0-mfa-mock\s/);
      assert.match(whole, /npx auth0-mfa-mock --port 0 --tls/);
    });
  }
});

describe("the import scanner of the build's checks", () => {
  const rows: Array<[string, string, string[]]> = [
    ["a static import", 'import { a } from "./a.js";', ["./a.js"]],
    ["a re-export", 'export { b } from "../b.js";', ["../b.js"]],
    ["a type-only import", 'import type { C } from "@scope/c";', ["@scope/c"]],
    ["a dynamic import", 'const { d } = await import("selfsigned");', ["selfsigned"]],
    ["a side-effect import", 'import "../dist/mock/cli.js";', ["../dist/mock/cli.js"]],
    ["text in a comment", '// copied from "somewhere"\nconst x = 1;', []],
    ["text in a string", 'const s = "import x from \\"y\\"";', []],
  ];
  for (const [name, source, expected] of rows) {
    it(`finds ${name}`, () => assert.deepEqual(specifiers(source), expected));
  }

  const packages: Array<[string, string]> = [
    ["@faker-js/faker", "@faker-js/faker"],
    ["@faker-js/faker/locale/en", "@faker-js/faker"],
    ["otpauth", "otpauth"],
    ["selfsigned/dist/x.js", "selfsigned"],
  ];
  for (const [specifier, name] of packages) {
    it(`names the package of ${specifier}`, () => assert.equal(packageOf(specifier), name));
  }
});
