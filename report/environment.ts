/** Facts about the machine and checkout for the report: versions, git commit, where k6 is. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (one folder above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command and returns its trimmed stdout, or undefined when it fails or takes over 5 s. */
function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The `version` field of a package.json, or undefined. */
function packageVersion(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The k6 version line ("v0.52.0"), when k6 is installed. */
export function k6Version(bin: string | undefined): string | undefined {
  if (!bin) return undefined;
  return run(bin, ["version"])?.match(/v\d+\.\d+\.\d+\S*/)?.[0];
}

/** The short commit id, with "+changes" when the work tree differs from it. */
export function gitCommit(): string | undefined {
  const commit = run("git", ["rev-parse", "--short=12", "HEAD"]);
  if (!commit) return undefined;
  const dirty = run("git", ["status", "--porcelain", "--untracked-files=no"]);
  return dirty ? `${commit}+changes` : commit;
}

/** Versions shown on the report: Node, Playwright, k6 (when found), this package. */
export function versions(k6?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [["Node.js", process.version]];
  const pw = packageVersion(path.join(REPO_ROOT, "node_modules", "@playwright", "test", "package.json"));
  if (pw) out.push(["Playwright", pw]);
  out.push(["k6", k6 ?? "not installed"]);
  const own = packageVersion(path.join(REPO_ROOT, "package.json"));
  if (own) out.push(["auth0-mfa-harness", own]);
  return out;
}
