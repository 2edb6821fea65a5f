/**
 * The leak scanner behind `npm run check:leaks`: looks for every recorded secret in every file
 * under a folder, including inside zips, gzip files and base64 blobs (the Playwright HTML report
 * embeds its data as a base64 zip; the JSON reporter inlines attachments as base64).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { isWholeToken, maskEmail, maskPhone, maskSecret, maskText } from "./mask.ts";
import type { SecretEntry } from "./secrets.ts";

export interface LeakHit {
  /** Path relative to the scanned folder, with `!inner/name` for each archive or blob level. */
  file: string;
  kind: string;
  masked: string;
  /** The text around the first occurrence, masked, so a person can find where it came from. */
  context: string;
}

export interface LeakScan {
  files: number;
  secrets: number;
  hits: LeakHit[];
  /** Recorded values left out because the repository's own files contain them. */
  committed?: number;
}

/** One searchable form of a secret (raw, URL-, JSON- or HTML-encoded, phone digits). */
interface Form {
  text: string;
  entry: number;
  /** Short forms only count as whole tokens, so a 6-digit code inside a longer number is no hit. */
  whole: boolean;
}

/**
 * Finds many secrets in one pass: forms are bucketed by their first PREFIX characters, so the cost
 * grows with the text, not with the number of secrets (a load run can record thousands).
 */
class Matcher {
  private readonly buckets = new Map<string, Form[]>();

  constructor(entries: readonly SecretEntry[]) {
    entries.forEach((entry, index) => {
      for (const text of formsOf(entry)) {
        const key = text.slice(0, PREFIX);
        const bucket = this.buckets.get(key) ?? [];
        bucket.push({ text, entry: index, whole: text.length < 12 });
        this.buckets.set(key, bucket);
      }
    });
  }

  /** Indexes of the entries that occur in a text, with the offset of their first occurrence. */
  find(text: string): Map<number, number> {
    const found = new Map<number, number>();
    if (this.buckets.size === 0) return found;
    for (let i = 0; i + PREFIX <= text.length; i++) {
      const bucket = this.buckets.get(text.slice(i, i + PREFIX));
      if (!bucket) continue;
      for (const form of bucket) {
        if (found.has(form.entry) || !text.startsWith(form.text, i)) continue;
        if (form.whole && !isWholeToken(text, i, form.text.length)) continue;
        found.set(form.entry, i);
      }
    }
    return found;
  }
}

const PREFIX = 4;

/** Bounds on nested archives and blobs, so a crafted file cannot make the scan run away. */
const MAX_DEPTH = 4;
const MIN_BLOB = 24;
const BASE64_RUN = /[A-Za-z0-9+/]{24,}={0,2}/g;

/** Scans every file below `dir`, dot-files included, for every secret; hits name the file and kind only. */
export function scanForLeaks(dir: string, secrets: readonly SecretEntry[]): LeakScan {
  const scan: Scan = { matcher: new Matcher(secrets), secrets, hits: [] };
  let scanned = 0;
  for (const file of listFiles(dir)) {
    let buf: Buffer;
    try {
      buf = readFileSync(path.join(dir, file));
    } catch (error) {
      // Another run may remove its files while we scan (Playwright clears test-results): gone is not leaking.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    scanned++;
    scanBuffer(buf, file.split(path.sep).join("/"), scan, 0);
  }
  return { files: scanned, secrets: secrets.length, hits: scan.hits };
}

/**
 * The recorded values that also occur in the given public files (see publicFiles()):
 * a value written in the source, such as a deliberately malformed token or a wrong code a negative
 * test sends, is public by definition, and Playwright's report quotes the source of a failing test.
 */
function valuesInFiles(secrets: readonly SecretEntry[], files: Iterable<string>): Set<string> {
  const matcher = new Matcher(secrets);
  const found = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const index of matcher.find(text).keys()) {
      const entry = secrets[index];
      if (entry) found.add(entry.value);
    }
  }
  return found;
}

/** The leak check of `npm run check:leaks` and `npm start`: every recorded secret not found in a public file (the repository's source, Playwright's report template). */
export function checkLeaks(
  dir: string,
  secrets: readonly SecretEntry[],
  publicFiles: Iterable<string>,
): LeakScan {
  const committed = valuesInFiles(secrets, publicFiles);
  const scan = scanForLeaks(
    dir,
    secrets.filter((s) => !committed.has(s.value)),
  );
  return { ...scan, secrets: secrets.length, committed: committed.size };
}

/** Masks a secret for a leak message, by kind. */
function maskEntry(entry: SecretEntry): string {
  if (entry.kind === "phone") return maskPhone(entry.value);
  return entry.kind === "email" ? maskEmail(entry.value) : maskSecret(entry.value);
}

/** Every file below a folder, recursively, sorted, relative to it; a missing folder has none. */
function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return names.filter((name) => isFile(path.join(dir, name))).sort();
}

/** True for a regular file, or a link to one (an archive of the folder may carry its content); false when gone. */
function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * The forms a secret can take in a file: raw, URL-, JSON- and HTML-encoded; a phone also without its
 * "+"; an email address also in lower case (addresses are compared without case).
 */
function formsOf(entry: SecretEntry): string[] {
  const v = entry.value;
  const forms = new Set([v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), escapeHtml(v)]);
  if (entry.kind === "phone" || /^\+\d{7,15}$/.test(v)) forms.add(v.replace(/\D/g, ""));
  if (entry.kind === "email") {
    forms.add(v.toLowerCase());
    forms.add(encodeURIComponent(v.toLowerCase()));
  }
  return [...forms].filter((f) => f.length >= PREFIX);
}

/** Escapes the five HTML-special characters the way our report and Playwright's do. */
function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Scan {
  matcher: Matcher;
  secrets: readonly SecretEntry[];
  hits: LeakHit[];
}

/** Scans one buffer, descending into zips, gzip and base64 blobs up to MAX_DEPTH. */
function scanBuffer(buf: Buffer, where: string, scan: Scan, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (isZip(buf)) {
    try {
      const entries = unzipSync(buf, { filter: (file) => !file.name.endsWith("/") });
      for (const [name, data] of Object.entries(entries)) {
        scanBuffer(
          Buffer.from(data.buffer, data.byteOffset, data.length),
          `${where}!${name}`,
          scan,
          depth + 1,
        );
      }
      return;
    } catch {
      // Not a zip we can read: fall through and scan its bytes as they are.
    }
  }
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      scanBuffer(gunzipSync(buf), `${where}!gunzip`, scan, depth + 1);
      return;
    } catch {
      // Truncated gzip: scan the raw bytes.
    }
  }
  const text = buf.toString("utf8");
  for (const [index, at] of scan.matcher.find(text)) {
    const entry = scan.secrets[index];
    if (!entry) continue;
    const around = text.slice(Math.max(0, at - 40), at + entry.value.length + 40).replace(/\s+/g, " ");
    const context = maskText(around, [entry.value, ...formsOf(entry)]);
    scan.hits.push({ file: where, kind: entry.kind, masked: maskEntry(entry), context });
  }
  for (const match of text.matchAll(BASE64_RUN)) {
    const blob = Buffer.from(match[0], "base64");
    if (blob.length >= MIN_BLOB && (isZip(blob) || isMostlyText(blob) || blob[0] === 0x1f)) {
      scanBuffer(blob, `${where}!base64@${match.index}`, scan, depth + 1);
    }
  }
}

/** True when a buffer starts like a zip archive (a local file header). */
function isZip(buf: Buffer): boolean {
  return buf.length >= 22 && buf.readUInt32LE(0) === 0x04034b50;
}

/** True when a decoded blob is printable text (so it is worth scanning), not random bytes. */
function isMostlyText(buf: Buffer): boolean {
  const sample = buf.subarray(0, 512);
  let printable = 0;
  for (const b of sample) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return printable / sample.length > 0.9;
}
