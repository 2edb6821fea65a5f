/**
 * The version of the `auth0-mfa-mock` package, read from its package.json (the one place it is
 * written): `--version` prints it and `GET /__mock/health` answers it.
 */
import { readFileSync } from "node:fs";

/** The package's name on npm. */
export const PACKAGE_NAME = "auth0-mfa-mock";

// Run from this repository the module is mock/version.ts; installed, it is dist/mock/version.js.
const PACKAGE_JSONS = [
  new URL("../packages/auth0-mfa-mock/package.json", import.meta.url),
  new URL("../../package.json", import.meta.url),
];

function readVersion(): string {
  for (const file of PACKAGE_JSONS) {
    let pkg: { name?: unknown; version?: unknown };
    try {
      pkg = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    // The name check keeps a package.json above the installed package (the user's) from answering.
    if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return pkg.version;
  }
  throw new Error(`${PACKAGE_NAME}: its package.json was not found beside the mock's code`);
}

/** The package's version, e.g. "0.1.0". */
export const mockVersion: string = readVersion();
