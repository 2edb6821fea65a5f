/**
 * The run's secrets registry: every secret value, phone number and email address a run used, so that the leak
 * check can look for each of them in every artifact and the report can mask them in free text.
 *
 * It lives outside the reports folder, so that reports/ can be zipped and shared as a whole and the
 * leak check scans all of it: one owner-only folder (0700, files 0600) per reports folder, under
 * `$HARNESS_SECRETS_DIR` when set, else `$XDG_CACHE_HOME/auth0-mfa-harness/secrets` (default
 * `~/.cache/...`), named after the resolved reports folder (`reports-<hash>`), so two checkouts or
 * two `$REPORTS_DIR` values never mix. Child processes (Playwright workers, the load runner, the
 * tenant suites) find the same folder from the same reports folder and environment.
 *
 * Writers append JSON lines to the day's file, `YYYY-MM-DD.jsonl` (one `appendFileSync` per call:
 * appends of a few KiB are atomic on local file systems, so workers, the load runner and the main
 * job can record at the same time without a lock). Readers also accept `*.json` files holding a plain
 * array of strings. Day files older than RETENTION_DAYS, and registries of reports folders unused for
 * as long, are deleted when `compactSecrets` runs. A registry left in the reports folder by an
 * earlier version (`.secrets.jsonl`, `.secrets.json`) is moved out on first use.
 */
import { createHash } from "node:crypto";
import {
  accessSync,
  appendFileSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
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
  | "email"
  | "otp_secret"
  | "secret";

export interface SecretEntry {
  kind: string;
  value: string;
}

export interface RegistryOptions {
  /** The reports folder; defaults to `reports/` at the repository root (or `$REPORTS_DIR`). */
  dir?: string;
  /** The folder holding the registries; default registriesRoot() (to read one a child run kept apart). */
  root?: string;
}

/** Day files older than this are pruned; a run's outputs are replaced by later runs long before. */
export const RETENTION_DAYS = 7;

/** Where an earlier version kept the registry, inside the reports folder; moved out on first use. */
const LEGACY_FILES = [".secrets.jsonl", ".secrets.json"];

/** Values shorter than this cannot be told apart from ordinary text, so they are not recorded. */
const MIN_LENGTH = 4;

/** A registry folder's name: the reports folder's name and 16 hex digits of its resolved path. */
const REGISTRY_NAME = /^.+-[0-9a-f]{16}$/;

/** A registry file's name starts with its UTC day. */
const DAY_FILE = /^(\d{4}-\d{2}-\d{2}).*\.jsonl?$/;

/** True for a value worth recording: long enough, and not already masked (holds the mask glyph). */
function recordable(value: unknown): value is string {
  return typeof value === "string" && value.length >= MIN_LENGTH && !value.includes("•");
}

/** Values this process already recorded per file, so repeated calls do not grow the file. */
const recorded = new Map<string, Set<string>>();

/** Registry folders this process already created and cleared of legacy files. */
const prepared = new Set<string>();

/**
 * The reports folder, absolute: `$REPORTS_DIR`, or `reports/` at the repository root whatever the
 * cwd. An empty REPORTS_DIR counts as unset, as the shell's `${REPORTS_DIR:-reports}` reads it: taken
 * as "", every stage would write (and clear its folder) among the sources.
 */
export function reportsDir(opts: RegistryOptions = {}): string {
  const given = opts.dir || process.env.REPORTS_DIR;
  return given
    ? path.resolve(given)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "reports");
}

/** Roots found writable (or not) by this process, so the check runs once per root. */
const writableRoots = new Map<string, boolean>();

/** True when the folder exists or can be made, and can be written. */
function writable(dir: string): boolean {
  let ok = writableRoots.get(dir);
  if (ok === undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      accessSync(dir, constants.W_OK);
      ok = true;
    } catch {
      ok = false;
    }
    writableRoots.set(dir, ok);
  }
  return ok;
}

/**
 * The folder that holds every reports folder's registry: `$HARNESS_SECRETS_DIR`, else the user's
 * cache, else (a read-only home, as in some CI containers) an owner-only folder in the temp dir.
 * Every process of a run makes the same choice, so they share one registry.
 */
export function registriesRoot(): string {
  if (process.env.HARNESS_SECRETS_DIR) return path.resolve(process.env.HARNESS_SECRETS_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  const root = path.join(cache, "auth0-mfa-harness", "secrets");
  if (writable(root)) return root;
  return path.join(tmpdir(), `auth0-mfa-harness-${process.getuid?.() ?? "user"}`, "secrets");
}

/** The registry folder of a reports folder (outside it; see the module comment). */
export function registryDir(opts: RegistryOptions = {}): string {
  const reports = path.resolve(reportsDir(opts));
  const hash = createHash("sha256").update(reports).digest("hex").slice(0, 16);
  return path.join(opts.root ?? registriesRoot(), `${path.basename(reports) || "reports"}-${hash}`);
}

/** Records secret values (empty, short and repeated ones are skipped) under a kind; safe across processes. */
export function recordSecrets(
  values: Iterable<string | null | undefined>,
  kind: SecretKind = "secret",
  opts: RegistryOptions = {},
): void {
  const dir = registryDir(opts);
  const file = path.join(dir, `${day(new Date())}.jsonl`);
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
  prepare(opts);
  try {
    appendFileSync(file, lines, { mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // First record, or compactSecrets in another process pruned this folder while it sat idle.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    appendFileSync(file, lines, { mode: 0o600 });
  }
}

/** Every recorded secret with its kind, deduplicated by value (first kind wins), from every registry file. */
export function readSecretEntries(opts: RegistryOptions = {}): SecretEntry[] {
  const dir = prepare(opts);
  const byValue = new Map<string, string>();
  for (const name of registryFiles(dir)) {
    for (const entry of readEntries(path.join(dir, name))) {
      if (!byValue.has(entry.value)) byValue.set(entry.value, entry.kind);
    }
  }
  return [...byValue].map(([value, kind]) => ({ kind, value }));
}

/** Every recorded secret value (for `maskText`). */
export function readSecrets(opts: RegistryOptions = {}): string[] {
  return readSecretEntries(opts).map((e) => e.value);
}

/**
 * Rewrites each day file without duplicates (each worker records what it saw, so values repeat; a
 * value is kept in its newest file only), atomically, and prunes what is older than RETENTION_DAYS.
 * Only safe when no run is recording; returns how many entries remain.
 */
export function compactSecrets(opts: RegistryOptions = {}, now = new Date()): number {
  const dir = prepare(opts);
  pruneRegistries(now);
  const seen = new Set<string>();
  for (const name of registryFiles(dir).reverse()) {
    const file = path.join(dir, name);
    const keep: SecretEntry[] = [];
    for (const entry of readEntries(file)) {
      if (seen.has(entry.value)) continue;
      seen.add(entry.value);
      keep.push(entry);
    }
    recorded.delete(file);
    if (keep.length === 0) {
      rmSync(file, { force: true });
      continue;
    }
    const target = file.replace(/\.json$/, ".jsonl");
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, keep.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
    renameSync(tmp, target);
    if (target !== file) rmSync(file, { force: true });
  }
  return seen.size;
}

/** Deletes day files older than RETENTION_DAYS in every registry, and registries left empty. */
function pruneRegistries(now: Date): void {
  const oldest = day(new Date(now.getTime() - RETENTION_DAYS * 86_400_000));
  const root = registriesRoot();
  for (const name of listOrEmpty(root).filter((n) => REGISTRY_NAME.test(n))) {
    const dir = path.join(root, name);
    const files = registryFiles(dir);
    const stale = files.filter((file) => (DAY_FILE.exec(file)?.[1] ?? "") < oldest);
    // A registry with nothing recent goes as a whole, with any temporary file a killed compaction left.
    if (stale.length === files.length) rmSync(dir, { recursive: true, force: true });
    else for (const file of stale) rmSync(path.join(dir, file), { force: true });
  }
}

/** The registry folder of a reports folder, once per process clear of a registry an earlier version left in it. */
function prepare(opts: RegistryOptions): string {
  const dir = registryDir(opts);
  if (prepared.has(dir)) return dir;
  prepared.add(dir);
  const reports = reportsDir(opts);
  LEGACY_FILES.forEach((name, i) => {
    const to = `${day(new Date())}-moved-${process.pid}-${i}${path.extname(name)}`;
    moveIfPresent(path.join(reports, name), dir, to);
  });
  return dir;
}

/** Moves a file into the registry folder (owner-only), also across file systems; gone already is fine. */
function moveIfPresent(from: string, dir: string, name: string): void {
  if (!existsSync(from)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const to = path.join(dir, name);
  try {
    renameSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return; // another process moved it first
    if (code !== "EXDEV") throw error;
    copyFileSync(from, to);
    rmSync(from, { force: true });
  }
  chmodSync(to, 0o600);
}

/** The registry files of a folder (day files, `.jsonl` and plain-array `.json`), oldest day first. */
function registryFiles(dir: string): string[] {
  return listOrEmpty(dir)
    .filter((name) => DAY_FILE.test(name))
    .sort();
}

/** The entries of one registry file: JSON lines, or a plain array of strings for a `.json` file. */
function readEntries(file: string): SecretEntry[] {
  const text = readOrEmpty(file);
  if (!file.endsWith(".json")) return text.split("\n").flatMap((line) => parseLine(line) ?? []);
  if (!text.trim()) return [];
  const parsed: unknown = JSON.parse(text);
  return (Array.isArray(parsed) ? parsed : []).flatMap(
    (item: unknown) => (typeof item === "string" ? toEntry({ value: item }) : toEntry(item)) ?? [],
  );
}

/** The UTC day of a date, as a registry file names it. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The names in a folder, or none when it does not exist. */
function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
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
