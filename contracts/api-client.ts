/**
 * The suites' HTTP client. It checks every response it receives against the description (whether
 * or not the test looks at it), counts it, keeps its findings, records the secrets it saw, and
 * (unless told otherwise) waits out a global 429 until x-ratelimit-reset instead of failing.
 */
import {
  type Finding,
  formatFinding,
  type OperationId,
  operationFor,
  type ResponseLike,
  validateResponse,
} from "../openapi/validate.ts";
import { maskText } from "../redaction/mask.ts";
import { recordSecrets, type SecretKind } from "../redaction/secrets.ts";

/** A request as the suites write it; exactly one of json, form or body (raw) at most. */
export interface ApiRequest {
  method?: string;
  path: string;
  bearer?: string;
  json?: unknown;
  form?: Record<string, string>;
  /** A raw body sent as is, with `contentType` (or none). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A response: lower-case headers, body parsed when it is JSON (else the text; undefined when empty). */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked by the validators; tests read fields freely
  body: any;
  text: string;
  operation?: OperationId;
  findings: Finding[];
  /** Masks a text with every secret the test has seen (for assertion messages). */
  mask(text: string): string;
}

/** One exchange, kept (masked on output) for the failure attachment. */
interface Exchange {
  request: string;
  response: string;
}

/** Options of a client. */
export interface ApiClientOptions {
  baseURL: string;
  /** Wait out 429 too_many_requests until x-ratelimit-reset (false in the rate-limit specs). */
  waitOutRateLimits: boolean;
  /** Called for every schema-checked response. */
  onChecked(operation: OperationId, findings: Finding[], res: ResponseLike): void;
  /** Called when a global 429 is waited out (for the run's figures). */
  onWaited?(ms: number): void;
  /** Called once per request with the answer the test gets (a 429 waited out and retried is none): the drift report's steps. */
  onAnswered?(operation: OperationId, res: ResponseLike): void;
}

/** Most a test waits in total for global rate limits (against a tenant) before returning the 429. */
const MAX_TOTAL_WAIT_MS = 20_000;
/** Most one wait lasts; a reset further away is not a transient global limit. */
const MAX_SINGLE_WAIT_MS = 5_000;

/**
 * How long to wait before sending again after an answer, when it is a global 429 (throttling, not a
 * lockout) whose reset is near and `waitedMs` leaves room; undefined to hand the answer to the test.
 */
export function globalLimitWait(
  status: number,
  error: unknown,
  resetHeader: string | null | undefined,
  waitedMs: number,
): number | undefined {
  // Lockouts (invalid_request "Too many failed codes…", "Too many SMS…") are answers, not throttling.
  if (status !== 429 || error !== "too_many_requests") return undefined;
  const reset = Number(resetHeader);
  const wait = Number.isFinite(reset) && resetHeader ? Math.max(50, reset * 1000 - Date.now()) : 1_000;
  if (wait > MAX_SINGLE_WAIT_MS || waitedMs + wait > MAX_TOTAL_WAIT_MS) return undefined;
  return wait;
}

/** Fields whose values are secrets, with the kind the registry files them under. */
const SECRET_FIELDS: Record<string, SecretKind> = {
  mfa_token: "mfa_token",
  oob_code: "oob_code",
  binding_code: "binding_code",
  otp: "otp",
  recovery_code: "recovery_code",
  recovery_codes: "recovery_code",
  access_token: "access_token",
  id_token: "id_token",
  refresh_token: "refresh_token",
  client_secret: "client_secret",
  client_assertion: "client_assertion",
  password: "password",
  phone_number: "phone",
  email: "email",
  secret: "otp_secret",
  totp_secret: "otp_secret",
  barcode_uri: "otp_secret",
};

/** Records the secret fields of a request or response body in the run's registry; returns the values. */
function recordBodySecrets(body: unknown): string[] {
  const values: string[] = [];
  if (!body || typeof body !== "object") return values;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const kind = SECRET_FIELDS[key];
    if (!kind) continue;
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    recordSecrets(list, kind);
    values.push(...list);
  }
  return values;
}

/** The HTTP client of one test. */
export class ApiClient {
  /** Every exchange of the test, for the failure attachment. */
  readonly exchanges: Exchange[] = [];
  /** Every finding of the test, in order. */
  readonly findings: Finding[] = [];
  /** Secret values this test sent or received (masked wherever text leaves the test). */
  readonly secrets = new Set<string>();
  private waitedMs = 0;

  constructor(private readonly opts: ApiClientOptions) {}

  /** Marks values as secret for masking (and records them in the run's registry). */
  secret(kind: SecretKind, ...values: string[]): void {
    recordSecrets(values, kind);
    for (const v of values) this.secrets.add(v);
  }

  /** Masks a text with everything this test knows to be secret. */
  mask(text: string): string {
    return maskText(text, [...this.secrets]);
  }

  /** GET shorthand. */
  get(path: string, opts: Omit<ApiRequest, "path" | "method"> = {}): Promise<ApiResponse> {
    return this.send({ ...opts, path, method: "GET" });
  }

  /** POST shorthand (JSON unless form or body is given). */
  post(path: string, opts: Omit<ApiRequest, "path" | "method"> = {}): Promise<ApiResponse> {
    return this.send({ ...opts, path, method: "POST" });
  }

  /** DELETE shorthand. */
  delete(path: string, opts: Omit<ApiRequest, "path" | "method"> = {}): Promise<ApiResponse> {
    return this.send({ ...opts, path, method: "DELETE" });
  }

  /** Sends a request, checks the answer against the description, waits out global 429s when allowed. */
  async send(req: ApiRequest): Promise<ApiResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.once(req);
      const wait = this.rateLimitWait(res);
      if (wait === undefined || attempt >= 10) {
        if (res.operation) this.opts.onAnswered?.(res.operation, res);
        return res;
      }
      this.waitedMs += wait;
      this.opts.onWaited?.(wait);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** How long to wait before retrying a 429, or undefined to hand the 429 to the test. */
  private rateLimitWait(res: ApiResponse): number | undefined {
    if (!this.opts.waitOutRateLimits) return undefined;
    return globalLimitWait(res.status, res.body?.error, res.headers["x-ratelimit-reset"], this.waitedMs);
  }

  private async once(req: ApiRequest): Promise<ApiResponse> {
    const method = req.method ?? "GET";
    const headers: Record<string, string> = { ...req.headers };
    let body: string | undefined;
    if (req.bearer !== undefined) {
      headers.authorization = `Bearer ${req.bearer}`;
      this.secret(req.bearer.split(".").length === 3 ? "access_token" : "mfa_token", req.bearer);
    }
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers["content-type"] ??= "application/json";
      for (const v of recordBodySecrets(req.json)) this.secrets.add(v);
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers["content-type"] ??= "application/x-www-form-urlencoded";
      for (const v of recordBodySecrets(req.form)) this.secrets.add(v);
    } else if (req.body !== undefined) {
      body = req.body;
      if (req.contentType) headers["content-type"] = req.contentType;
    }
    const res = await fetch(`${this.opts.baseURL}${req.path}`, { method, headers, body });
    const text = await res.text();
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      resHeaders[name.toLowerCase()] = value;
    });
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    for (const v of recordBodySecrets(parsed)) this.secrets.add(v);
    const operation = operationFor(method, req.path.split("?")[0] ?? req.path);
    const seen: ResponseLike = { status: res.status, headers: resHeaders, body: parsed };
    const findings = operation ? validateResponse(operation, seen) : [];
    if (operation) {
      this.findings.push(...findings);
      this.opts.onChecked(operation, findings, seen);
    }
    this.exchanges.push({
      request: `${method} ${req.path}${body ? ` ${body}` : ""}`,
      response: `${res.status} ${resHeaders["content-type"] ?? "-"} ${text}`,
    });
    return {
      status: res.status,
      headers: resHeaders,
      body: parsed,
      text,
      operation,
      findings,
      mask: (t) => this.mask(t),
    };
  }

  /** The test's exchanges as masked text (for the failure attachment). */
  transcript(): string {
    return this.exchanges.map((e) => this.mask(`> ${e.request}\n< ${e.response}`)).join("\n\n");
  }

  /** The test's findings, one masked line each. */
  findingLines(): string[] {
    return this.findings.map((f) => this.mask(formatFinding(f)));
  }
}
