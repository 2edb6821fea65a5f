/**
 * Files whose text is public (the repository's own, and what installed tools inline into reports):
 * a recorded value found in one of them is not a leak of ours.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (one folder above this file). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute paths of the files git tracks in this repository and the working tree still has (none outside a git checkout). */
function trackedFiles(): string[] {
  let out: string | undefined;
  try {
    out = execFileSync("git", ["ls-files", "-z"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    out = undefined;
  }
  return out
    ? out
        .split("\0")
        .filter(Boolean)
        .map((f) => path.join(REPO_ROOT, f))
        .filter((f) => existsSync(f))
    : [];
}

/** Where Playwright keeps the template of its HTML report (inlined into every report it writes). */
const PLAYWRIGHT_REPORT_TEMPLATE = path.join(
  REPO_ROOT,
  "node_modules",
  "playwright-core",
  "lib",
  "vite",
  "htmlReport",
);

/**
 * Files whose text is public: the repository's tracked files and the installed Playwright HTML
 * report template. The template's stylesheet and script hold dozens of standalone 6-digit numbers
 * (colours such as `#454545`), so a recorded 6-digit code can equal one by chance; such a value
 * is not a leak of ours, and treating it as one made the leak check fail at random.
 */
export function publicFiles(): string[] {
  let template: string[] = [];
  try {
    template = readdirSync(PLAYWRIGHT_REPORT_TEMPLATE).map((f) => path.join(PLAYWRIGHT_REPORT_TEMPLATE, f));
  } catch {
    // No Playwright installed: nothing of its template can be in the reports either.
  }
  return [...trackedFiles(), ...template];
}
