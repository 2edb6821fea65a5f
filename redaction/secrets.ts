/**
 * The run's secrets registry: every secret value and phone number a run used, so that the leak
 * check can look for each of them in every artifact and the report can mask them in free text.
 *
 * Writers append JSON lines to `reports/.secrets.jsonl` (one `appendFileSync` per call: appends of a
 * few KiB are atomic on local file systems, so Playwright workers, the load runner and the main job
 * can record at the same time without a lock). Readers also accept `reports/.secrets.json`, a plain
 * array of strings, which `compactSecrets` writes atomically (temp file + rename).
 * Neither file is ever rendered; the leak check skips them.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** What a secret is; the leak check names the kind (never the value) when it finds one. */
export type SecretKind =
  | "client_secret"
  | "client_assertion"
  | "private_key"
  | "mfa_token"
  | "oob_code"
  | "binding_code"
  | "otp"
  | "recovery_code"
  | "access_token"
  | "id_token"
  | "refresh_token"
  | "password"
  | "phone"
  | "secret";

export interface SecretEntry {
  kind: string;
  value: string;
}

export interface RegistryOptions {
  /** The reports folder; defaults to `reports/` at the repository root (or `$REPORTS_DIR`). */
  dir?: string;
}

/** File names of the registry, relative to the reports folder; the leak check skips them. */
export const REGISTRY_FILES = [".secrets.jsonl", ".secrets.json"];

/** Values shorter than this cannot be told apart from ordinary text, so they are not recorded. */
const MIN_LENGTH = 4;

/** True for a value worth recording: long enough, and not already masked (holds the mask glyph). */
function recordable(value: unknown): value is string {
  return typeof value === "string" && value.length >= MIN_LENGTH && !value.includes("•");
}

/** Values this process already recorded per file, so repeated calls do not grow the file. */
const recorded = new Map<string, Set<string>>();

/** The reports folder: `$REPORTS_DIR`, or `reports/` at the repository root whatever the cwd. */
export function reportsDir(opts: RegistryOptions = {}): string {
  return (
    opts.dir ??
    process.env.REPORTS_DIR ??
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "reports")
  );
}

/** Records secret values (empty, short and repeated ones are skipped) under a kind; safe across processes. */
export function recordSecrets(
  values: Iterable<string | null | undefined>,
  kind: SecretKind = "secret",
  opts: RegistryOptions = {},
): void {
  const dir = reportsDir(opts);
  const file = path.join(dir, ".secrets.jsonl");
  const seen = recorded.get(file) ?? new Set<string>();
  recorded.set(file, seen);
  let lines = "";
  for (const value of values) {
    if (!recordable(value)) continue;
    const key = `${kind}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines += `${JSON.stringify({ kind, value })}\n`;
  }
  if (!lines) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(file, lines, { mode: 0o600 });
}

/** Every recorded secret with its kind, deduplicated by value (first kind wins), from both registry files. */
export function readSecretEntries(opts: RegistryOptions = {}): SecretEntry[] {
  const dir = reportsDir(opts);
  const byValue = new Map<string, string>();
  for (const line of readOrEmpty(path.join(dir, ".secrets.jsonl")).split("\n")) {
    const entry = parseLine(line);
    if (entry && !byValue.has(entry.value)) byValue.set(entry.value, entry.kind);
  }
  const plain = readOrEmpty(path.join(dir, ".secrets.json"));
  if (plain.trim()) {
    const parsed: unknown = JSON.parse(plain);
    for (const item of Array.isArray(parsed) ? parsed : []) {
      const entry = typeof item === "string" ? { kind: "secret", value: item } : toEntry(item);
      if (entry && recordable(entry.value) && !byValue.has(entry.value)) {
        byValue.set(entry.value, entry.kind);
      }
    }
  }
  return [...byValue].map(([value, kind]) => ({ kind, value }));
}

/** Every recorded secret value (for `maskText`). */
export function readSecrets(opts: RegistryOptions = {}): string[] {
  return readSecretEntries(opts).map((e) => e.value);
}

/**
 * Rewrites `.secrets.jsonl` without duplicates (each worker records what it saw, so values repeat),
 * atomically. Only safe when no run is recording; returns how many entries remain.
 */
export function compactSecrets(opts: RegistryOptions = {}): number {
  const dir = reportsDir(opts);
  const entries = readSecretEntries(opts);
  const target = path.join(dir, ".secrets.jsonl");
  const tmp = `${target}.${process.pid}.tmp`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(tmp, entries.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
  renameSync(tmp, target);
  recorded.delete(target);
  return entries.length;
}

/** Reads a file as UTF-8, or "" when it does not exist. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/** Parses one JSON line; a torn or foreign line is skipped rather than failing the whole read. */
function parseLine(line: string): SecretEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    return toEntry(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** Narrows an unknown value to a secret entry. */
function toEntry(item: unknown): SecretEntry | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const { kind, value } = item as Record<string, unknown>;
  if (!recordable(value)) return undefined;
  return { kind: typeof kind === "string" ? kind : "secret", value };
}
