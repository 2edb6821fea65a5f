/**
 * What a contract run observes of each response: its shape (status, error code, field pointers,
 * header names), never its values, so nothing secret is kept. The drift report (tenant/drift.ts)
 * lines up these observations across targets, step by step.
 */

/** What one response looked like, without values (so nothing secret is kept). */
export interface StepObservation {
  project: string;
  test: string;
  /** `<operation>#<n>`: the n-th call (1-based) of that operation in the test; stable when flows add calls elsewhere. */
  step: string;
  operation: string;
  status: number;
  /** The body's `error` code, when it has one. */
  error?: string;
  /** JSON pointers of the body's fields, sorted (values are never kept). */
  fields: string[];
  /** Response header names, lower-case, sorted; plus content-type's value, which is part of the contract. */
  headers: string[];
  contentType?: string;
}

/** Beside each project's observations (`<project>.meta.json`): when, and against which mock source. */
export interface ObservationsMeta {
  recordedAt: string;
  /** `mockSourceFingerprint()` at recording time (mock/fingerprint.ts). */
  mockSource: string;
}

/** Headers that vary by deployment (CDN, tracing, dates), not by contract: left out of comparisons. */
const VOLATILE_HEADERS = new Set([
  "date",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
  "etag",
  "vary",
  "server",
  "via",
  "age",
  "alt-svc",
  "x-auth0-requestid",
  "x-request-id",
  "traceparent",
  "strict-transport-security",
  "set-cookie",
  "report-to",
  "nel",
  "access-control-expose-headers",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "cache-control",
  "pragma",
]);
const VOLATILE_PREFIXES = ["cf-", "x-envoy-", "x-amz", "x-cache"];

/** True for a header that varies by deployment, not by contract. */
export function volatile(header: string): boolean {
  return VOLATILE_HEADERS.has(header) || VOLATILE_PREFIXES.some((p) => header.startsWith(p));
}

/** JSON pointers of every field of a JSON value (array items collapse to `/-`, so lengths do not matter). */
export function fieldPointers(value: unknown, base = ""): string[] {
  if (Array.isArray(value)) {
    const items = new Set<string>();
    for (const item of value) for (const p of fieldPointers(item, `${base}/-`)) items.add(p);
    return [...items].sort();
  }
  if (typeof value !== "object" || value === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = `${base}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    out.push(p, ...fieldPointers(v, p));
  }
  return out.sort();
}

/** The observation of one response (shape only, no values); `n` is the call's ordinal for its operation. */
export function observeResponse(
  project: string,
  test: string,
  operation: string,
  n: number,
  res: { status: number; headers: Record<string, string | undefined>; body: unknown },
): StepObservation {
  const headers = Object.keys(res.headers)
    .map((h) => h.toLowerCase())
    .filter((h) => !volatile(h))
    .sort();
  const error = (res.body as { error?: unknown } | null | undefined)?.error;
  const contentType = res.headers["content-type"];
  return {
    project,
    test,
    step: `${operation}#${n}`,
    operation,
    status: res.status,
    ...(typeof error === "string" ? { error } : {}),
    fields: fieldPointers(res.body),
    headers,
    ...(contentType ? { contentType } : {}),
  };
}

/** The meta file beside an observations file: `<project>.jsonl` → `<project>.meta.json`. */
export function metaFileOf(observationsFile: string): string {
  return observationsFile.replace(/\.jsonl$/, ".meta.json");
}

/** A meta file, or undefined when missing or not of that shape (the baseline then has no provenance). */
export function readObservationsMeta(
  fs: { existsSync(p: string): boolean; readFileSync(p: string, enc: "utf8"): string },
  file: string,
): ObservationsMeta | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const meta = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ObservationsMeta>;
    return typeof meta.recordedAt === "string" && typeof meta.mockSource === "string"
      ? { recordedAt: meta.recordedAt, mockSource: meta.mockSource }
      : undefined;
  } catch {
    return undefined;
  }
}
