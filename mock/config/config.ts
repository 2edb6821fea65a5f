/**
 * The mock's configuration: defaults from docs/behaviour.md, read once from flags and
 * environment variables, changed at run time through `PUT /__mock/config`, and shown by
 * `GET /__mock/config`. One table of fields drives all four, so a flag, its variable and its JSON key
 * cannot drift apart. Every value is validated; a ConfigError names the flag, variable or field and
 * says what is allowed.
 */
import { availableParallelism } from "node:os";
import { type CommandSpec, helpText, OptionError, type OptionSpec, readOptions } from "../../cli/options.ts";
import { isOperationId, type OperationId, operationIds } from "../../openapi/validate.ts";
import { deviationNames } from "../deviations.ts";
import { type Factor, factorNames, isFactor, normaliseFactors } from "../factors/registry.ts";
import { isProfileName, type ProfileName, profileNames } from "../limits/profiles.ts";
import { randomString } from "../store/random.ts";
import { defaultTlsDir, type TlsOptions } from "../tls/tls.ts";
import { ASSERTION_ALGS, type AssertionAlg, isRsaPublicKeyPem } from "../tokens/client-assertion.ts";

const faultStatuses = [429, 500, 502, 503] as const;
type FaultStatus = (typeof faultStatuses)[number];

export type DeviationName = string; // the names are defined in mock/deviations.ts and checked by the parser below
export interface Faults {
  latencyMs: number;
  errorRate: Partial<Record<OperationId, { status: FaultStatus; share: number }>>;
  deviations: DeviationName[];
}
export interface MockConfig {
  domain: string;
  issuer: string; // "https://<domain>/" unless set
  clientId: string;
  clientSecret: string;
  /** A public client (a native app: token endpoint authentication method None) that sends no secret. */
  publicClientId: string;
  /** A confidential client that authenticates with a client_assertion (Private Key JWT). */
  privateKeyJwtClientId: string;
  /** Its RSA public key (PEM); "" means the key pair the mock generates (private key: GET /__mock/private-key-jwt). */
  privateKeyJwtPublicKey: string;
  privateKeyJwtAlg: AssertionAlg;
  connection: string;
  audience: string; // "" = no default audience
  profile: ProfileName;
  seed: number;
  users: number; // seeded users count
  mfaTokenTtlSeconds: number;
  codeTtlSeconds: number;
  accessTokenTtlSeconds: number;
  mfaAccessTokenTtlSeconds: number;
  recoveryCodes: boolean;
  /** The factors the tenant offers (docs/behaviour.md#factors); the others are refused. */
  factors: Factor[];
  mfaRequirements: boolean;
  invalidGrantStatus: number;
  lockoutStatus: number;
  rateLimitBody: { error: string; error_description: string };
  control: boolean; // /__mock control API on/off
  validateResponses: boolean; // test mode: every response validated, mismatch -> loud failure
  maxBodyBytes: number; // 413 above
  /**
   * Worker threads that sign the tokens of the served mock (default: one per core); 0 signs on the
   * main thread. The in-process app (`handle()`) always signs on its own thread.
   */
  signingThreads: number;
  faults: Faults;
}

/** Thrown for any invalid option; `option` is the flag, variable or JSON field at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly option: string;
  /** `message` should name the option; `option` repeats it for programs. */
  constructor(message: string, option = "") {
    super(message);
    this.option = option;
  }
}

const DEFAULT_PORT = 4010;
const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_DOMAIN = "localhost";

/** Defaults per docs/behaviour.md; the client secret is fresh crypto randomness every call. */
export function defaultConfig(): MockConfig {
  return {
    domain: DEFAULT_DOMAIN,
    issuer: issuerFor(DEFAULT_DOMAIN),
    clientId: "mockClientId00000000000000000000", // not a secret: Auth0 client ids are public
    clientSecret: randomString(64),
    publicClientId: "mockPublicClientId00000000000000",
    privateKeyJwtClientId: "mockPrivateKeyJwtClient000000000",
    privateKeyJwtPublicKey: "",
    privateKeyJwtAlg: "RS256",
    connection: "Username-Password-Authentication", // Auth0's default database connection
    audience: "",
    profile: "essentials", // docs/behaviour.md#plan-limits
    seed: 42,
    users: 10,
    mfaTokenTtlSeconds: 600, // docs/behaviour.md#mfa-token-lifetime
    codeTtlSeconds: 300, // docs/behaviour.md#binding-codes
    accessTokenTtlSeconds: 86_400, // as recorded (docs/behaviour.md#issued-tokens)
    mfaAccessTokenTtlSeconds: 600, // docs/behaviour.md#issued-tokens: /mfa/ audience tokens live 10 minutes
    recoveryCodes: true, // docs/behaviour.md#recovery-codes
    factors: [...factorNames], // docs/behaviour.md#factors
    // Early Access in Auth0 ("Customize MFA"), so off unless asked for (docs/behaviour.md#mfa-requirements).
    mfaRequirements: false,
    invalidGrantStatus: 403, // docs/behaviour.md#code-mismatch-status
    lockoutStatus: 429, // docs/behaviour.md#per-user-limits
    // docs/behaviour.md#throttled-answer
    rateLimitBody: { error: "too_many_requests", error_description: "Rate limit exceeded." },
    control: true,
    validateResponses: false,
    maxBodyBytes: 64 * 1024,
    signingThreads: availableParallelism(),
    faults: { latencyMs: 0, errorRate: {}, deviations: [] },
  };
}

function issuerFor(domain: string): string {
  return `https://${domain}/`;
}

// ---- value parsers: `text` is true for flags and variables (strings), false for JSON values ----

/** Thrown by a parser: what is allowed, and where below the option the problem is (if nested). */
class Expected {
  constructor(
    readonly allowed: string,
    readonly path = "",
    readonly value?: unknown,
  ) {}
}

type Parser = (value: unknown, text: boolean) => unknown;

function integer(min: number, max: number): Parser {
  return (value, text) => {
    const n = text && typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw new Expected(`an integer from ${min} to ${max}`);
    }
    return n;
  };
}

const boolean: Parser = (value, text) => {
  if (typeof value === "boolean") return value;
  if (text && typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
  }
  throw new Expected(text ? "true or false (also 1/0, yes/no, on/off)" : "true or false");
};

function string(opts: { empty?: boolean; pattern?: RegExp; allowed?: string } = {}): Parser {
  return (value) => {
    const ok =
      typeof value === "string" &&
      value.length <= 2048 &&
      (opts.empty || value.length > 0) &&
      (!opts.pattern || opts.pattern.test(value));
    if (!ok) throw new Expected(opts.allowed ?? (opts.empty ? "a string" : "a non-empty string"));
    return value;
  };
}

const domain = string({
  pattern: /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/,
  allowed: 'a host name with an optional port, without scheme or path (e.g. "tenant.example.com")',
});

const url: Parser = (value) => {
  if (typeof value === "string") {
    try {
      const u = new URL(value);
      if ((u.protocol === "https:" || u.protocol === "http:") && !u.search && !u.hash) return value;
    } catch {}
  }
  throw new Expected('an http(s) URL without query or fragment (e.g. "https://tenant.example.com/")');
};

const publicKeyPem: Parser = (value) => {
  if (value === "" || (typeof value === "string" && value.length <= 8192 && isRsaPublicKeyPem(value))) {
    return value;
  }
  throw new Expected('"" (the mock generates the key pair) or an RSA public key in PEM');
};

const assertionAlg: Parser = (value) => {
  if ((ASSERTION_ALGS as readonly unknown[]).includes(value)) return value;
  throw new Expected(`one of ${ASSERTION_ALGS.join(", ")}`);
};

const profile: Parser = (value) => {
  if (isProfileName(value)) return value;
  throw new Expected(`one of ${profileNames.join(", ")}`);
};

const clientStatus = integer(400, 499);

const deviations: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = text
    ? "a comma-separated list of deviation names"
    : "an array of deviation names (strings)";
  if (!Array.isArray(list) || list.length > 100) throw new Expected(allowed);
  return list.map((item, i) => {
    const name = typeof item === "string" ? item.trim() : "";
    if (name === "" || name.length > 100)
      throw new Expected(`a non-empty name of at most 100 characters`, `[${i}]`, item);
    if (!deviationNames.includes(name))
      throw new Expected(
        `a known deviation (GET /__mock/deviations): ${deviationNames.join(", ")}`,
        `[${i}]`,
        item,
      );
    return name;
  });
};

const errorRate: Parser = (value, text) => {
  const rateAllowed = `{"status": ${faultStatuses.join("|")}, "share": a number from 0 to 1}`;
  const entries: Array<[string, unknown, unknown]> = [];
  if (text && typeof value === "string") {
    // "challenge=503:0.1,token=429:0.05"
    for (const item of value.split(",").filter((s) => s.trim() !== "")) {
      const m = /^\s*([A-Za-z]+)\s*=\s*(\d+)\s*:\s*([0-9.]+)\s*$/.exec(item);
      if (!m)
        throw new Expected(
          `comma-separated <operation>=<status>:<share> items (e.g. "challenge=503:0.1")`,
          "",
          item,
        );
      entries.push([m[1] as string, Number(m[2]), Number(m[3])]);
    }
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [op, rate] of Object.entries(value)) {
      if (rate === null || typeof rate !== "object" || Array.isArray(rate))
        throw new Expected(rateAllowed, `.${op}`, rate);
      const { status, share, ...rest } = rate as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined)
        throw new Expected(`absent: only "status" and "share" are allowed`, `.${op}.${extra}`, rest[extra]);
      entries.push([op, status, share]);
    }
  } else {
    throw new Expected(`an object of operation id -> ${rateAllowed}`);
  }
  const out: Faults["errorRate"] = {};
  for (const [op, status, share] of entries) {
    if (!isOperationId(op)) {
      throw new Expected(`an operation id: one of ${operationIds.join(", ")}`, text ? "" : `.${op}`, op);
    }
    if (!(faultStatuses as readonly unknown[]).includes(status)) {
      throw new Expected(`one of ${faultStatuses.join(", ")}`, text ? "" : `.${op}.status`, status);
    }
    if (typeof share !== "number" || !(share >= 0 && share <= 1)) {
      throw new Expected("a number from 0 to 1", text ? "" : `.${op}.share`, share);
    }
    out[op as OperationId] = { status: status as FaultStatus, share };
  }
  return out;
};

const factors: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = `${text ? "a comma-separated list" : "an array"} of factors (${factorNames.join(", ")})`;
  if (!Array.isArray(list) || list.length > factorNames.length * 2) throw new Expected(allowed);
  const named = list.map((item, i) => {
    const name = typeof item === "string" ? item.trim() : item;
    if (!isFactor(name)) throw new Expected(`one of ${factorNames.join(", ")}`, `[${i}]`, item);
    return name;
  });
  const normal = normaliseFactors(named);
  if (typeof normal === "string") throw new Expected(`${allowed}; ${normal}`);
  return normal;
};

const rateLimitBody: Parser = (value) => {
  const { error, error_description, ...rest } = (value ?? {}) as Record<string, unknown>;
  const ok =
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(rest).length === 0 &&
    typeof error === "string" &&
    error !== "" &&
    typeof error_description === "string" &&
    error_description !== "";
  if (!ok) throw new Expected('{"error": a non-empty string, "error_description": a non-empty string}');
  return { error, error_description };
};

// ---- the field table ----

interface Field {
  json: string; // snake_case key; "faults.<key>" for the faults object
  key: string; // MockConfig key, or Faults key for faults.*
  parse: Parser;
  cli?: false; // not settable from flags or variables (JSON only)
  readOnly?: true; // shown by GET, refused by PUT when changed
  secret?: true; // a bad value is not echoed in the error
}

const ttl = integer(1, 31_536_000); // up to a year
const fields: Field[] = [
  { json: "domain", key: "domain", parse: domain },
  { json: "issuer", key: "issuer", parse: url },
  { json: "client_id", key: "clientId", parse: string() },
  { json: "client_secret", key: "clientSecret", parse: string(), secret: true },
  { json: "public_client_id", key: "publicClientId", parse: string() },
  { json: "private_key_jwt_client_id", key: "privateKeyJwtClientId", parse: string() },
  { json: "private_key_jwt_public_key", key: "privateKeyJwtPublicKey", parse: publicKeyPem },
  { json: "private_key_jwt_alg", key: "privateKeyJwtAlg", parse: assertionAlg },
  { json: "connection", key: "connection", parse: string() },
  { json: "audience", key: "audience", parse: string({ empty: true }) },
  { json: "profile", key: "profile", parse: profile },
  { json: "seed", key: "seed", parse: integer(0, 4_294_967_295) },
  { json: "users", key: "users", parse: integer(0, 100_000) },
  { json: "mfa_token_ttl_seconds", key: "mfaTokenTtlSeconds", parse: ttl },
  { json: "code_ttl_seconds", key: "codeTtlSeconds", parse: ttl },
  { json: "access_token_ttl_seconds", key: "accessTokenTtlSeconds", parse: ttl },
  { json: "mfa_access_token_ttl_seconds", key: "mfaAccessTokenTtlSeconds", parse: ttl },
  { json: "recovery_codes", key: "recoveryCodes", parse: boolean },
  { json: "factors", key: "factors", parse: factors },
  { json: "mfa_requirements", key: "mfaRequirements", parse: boolean },
  { json: "invalid_grant_status", key: "invalidGrantStatus", parse: clientStatus },
  { json: "lockout_status", key: "lockoutStatus", parse: clientStatus },
  { json: "rate_limit_body", key: "rateLimitBody", parse: rateLimitBody, cli: false },
  { json: "control", key: "control", parse: boolean, readOnly: true },
  { json: "validate_responses", key: "validateResponses", parse: boolean },
  { json: "max_body_bytes", key: "maxBodyBytes", parse: integer(1024, 16 * 1024 * 1024) },
  { json: "signing_threads", key: "signingThreads", parse: integer(0, 256), readOnly: true },
  { json: "faults.latency_ms", key: "latencyMs", parse: integer(0, 60_000) },
  { json: "faults.error_rate", key: "errorRate", parse: errorRate },
  { json: "faults.deviations", key: "deviations", parse: deviations },
];

/** `--latency-ms` for "faults.latency_ms", `--client-id` for "client_id". */
function flagOf(f: Field): string {
  return `--${f.json.replace(/^faults\./, "").replaceAll("_", "-")}`;
}
/** `MOCK_LATENCY_MS` for "faults.latency_ms". */
function envOf(f: Field): string {
  return `MOCK_${f.json.replace(/^faults\./, "").toUpperCase()}`;
}

function show(value: unknown): string {
  const s = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Runs a parser, turning its Expected into a ConfigError that names `where`. */
function parseAs(f: Field, where: string, value: unknown, text: boolean): unknown {
  try {
    return f.parse(value, text);
  } catch (e) {
    if (!(e instanceof Expected)) throw e;
    const at = `${where}${e.path}`;
    const got = f.secret
      ? `a value of type ${value === null ? "null" : typeof value}`
      : show(e.value === undefined ? value : e.value);
    throw new ConfigError(`${at} must be ${e.allowed}; got ${got}`, at);
  }
}

/** The object a field lives in: the config itself, or its faults. */
function holder(config: MockConfig, f: Field): Record<string, unknown> {
  return (f.json.startsWith("faults.") ? config.faults : config) as unknown as Record<string, unknown>;
}

function assign(config: MockConfig, f: Field, value: unknown): void {
  holder(config, f)[f.key] = value;
}

function read(config: MockConfig, f: Field): unknown {
  return holder(config, f)[f.key];
}

// ---- flags and environment ----

const portField: Field = { json: "port", key: "port", parse: integer(0, 65_535) };
const hostField: Field = {
  json: "host",
  key: "host",
  parse: string({ pattern: /^[^\s/]+$/, allowed: 'a host name or IP address (e.g. "127.0.0.1")' }),
};
const filePath = string({ pattern: /^[^\0]+$/, allowed: "a file or folder path" });
// The server's own options: HTTPS and where its certificate comes from (mock/tls.ts).
const tlsField: Field = { json: "tls", key: "tls", parse: boolean };
const tlsCertField: Field = { json: "tls_cert", key: "cert", parse: filePath };
const tlsKeyField: Field = { json: "tls_key", key: "key", parse: filePath };
const tlsDirField: Field = { json: "tls_dir", key: "dir", parse: filePath };
const serverFields = [portField, hostField, tlsField, tlsCertField, tlsKeyField, tlsDirField];
const cliFields: Field[] = [...serverFields, ...fields.filter((f) => f.cli !== false)];

/** The command line: one option per field, `--latency-ms` and `MOCK_LATENCY_MS` for "faults.latency_ms". */
function mockCommand(): CommandSpec {
  const defaults = toPublicConfig(defaultConfig()) as Record<string, unknown>;
  const faults = defaults.faults as Record<string, unknown>;
  const server = new Map<Field, unknown>([
    [portField, DEFAULT_PORT],
    [hostField, DEFAULT_HOST],
    [tlsField, false],
    [tlsCertField, "(from the local CA)"],
    [tlsKeyField, "(from the local CA)"],
    [tlsDirField, defaultTlsDir()],
  ]);
  const shown = (f: Field): unknown =>
    server.has(f)
      ? server.get(f)
      : f.secret
        ? "(random)"
        : f.json.startsWith("faults.")
          ? faults[f.json.slice(7)]
          : defaults[f.json];
  const options: Record<string, OptionSpec> = {};
  for (const f of cliFields) {
    options[flagOf(f).slice(2)] = {
      type: f.parse === boolean ? "boolean" : "string",
      env: envOf(f),
      defaultText: JSON.stringify(shown(f)),
      parse: (text, where) => parseAs(f, where, text, true),
    };
  }
  return {
    usage: "Usage: auth0-mfa-mock [options]   (flags override MOCK_* environment variables)",
    options,
    notes: [
      `  --profile: ${profileNames.join(", ")}; --error-rate: <operation>=<status>:<share>,...`,
      "  --tls: HTTPS with a certificate from a local CA kept in --tls-dir (made on first use), or from",
      "    --tls-cert and --tls-key (which turn --tls on); the issuer becomes https://localhost:<port>/",
      "  --version: print the version of the auth0-mfa-mock package and exit",
    ],
  };
}

/**
 * Reads flags (`--port 4010`, `--port=4010`, `--flag`/`--no-flag` for switches) over environment
 * variables (`MOCK_PORT`, ...; empty means unset) over the defaults. `help` is true for -h/--help;
 * `given` holds the fields a flag or variable set (by JSON key).
 */
export function parseArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): {
  config: MockConfig;
  port: number;
  host: string;
  /** HTTPS options, when --tls (or --tls-cert and --tls-key) asked for it. */
  tls: TlsOptions | undefined;
  help: boolean;
  given: Set<string>;
} {
  let read: ReturnType<typeof readOptions>;
  try {
    read = readOptions(mockCommand(), argv, env);
  } catch (e) {
    throw e instanceof OptionError ? new ConfigError(e.message, e.option) : e;
  }
  const config = defaultConfig();
  let port = DEFAULT_PORT;
  let host = DEFAULT_HOST;
  let tlsOn = false;
  const tls: TlsOptions = {};
  const given = new Set<string>();
  for (const f of cliFields) {
    const name = flagOf(f).slice(2);
    if (read.sources[name] === undefined) continue;
    given.add(f.json);
    const value: unknown = read.values[name];
    if (f === portField) port = value as number;
    else if (f === hostField) host = value as string;
    else if (f === tlsField) tlsOn = value as boolean;
    else if (f === tlsCertField || f === tlsKeyField || f === tlsDirField)
      tls[f.key as keyof TlsOptions] = value as string;
    else assign(config, f, value);
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? "--tls-cert" : "--tls-key";
    throw new ConfigError(`${missing} is missing: --tls-cert and --tls-key go together`, missing);
  }
  if (!given.has("issuer")) config.issuer = issuerFor(config.domain);
  checkClients(config);
  const https = tlsOn || tls.cert !== undefined;
  return { config, port, host, tls: https ? tls : undefined, help: read.help, given };
}

/** The clients' ids must differ: one client authenticates one way. */
export function checkClients(config: MockConfig): void {
  const ids: Array<[string, string]> = [
    ["client_id", config.clientId],
    ["public_client_id", config.publicClientId],
    ["private_key_jwt_client_id", config.privateKeyJwtClientId],
  ];
  for (const [i, [name, id]] of ids.entries()) {
    const clash = ids.slice(0, i).find(([, other]) => other === id);
    if (clash) throw new ConfigError(`${name} must differ from ${clash[0]} (both ${show(id)})`, name);
  }
}

/** The --help text: every flag with its environment variable and default. */
export function usage(): string {
  return helpText(mockCommand());
}

// ---- JSON: GET and PUT /__mock/config ----

/** The configuration as `GET /__mock/config` answers it (snake_case keys; includes the client secret). */
export function toPublicConfig(config: MockConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const faults: Record<string, unknown> = {};
  for (const f of fields) {
    const value = structuredClone(read(config, f));
    if (f.json.startsWith("faults.")) faults[f.json.slice(7)] = value;
    else out[f.json] = value;
  }
  out.faults = faults;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * `base` changed by a partial JSON patch with `toPublicConfig`'s keys (`PUT /__mock/config`); `base` is
 * not modified. Objects inside (faults.error_rate, faults.deviations, rate_limit_body) are replaced
 * whole. A new `domain` without an `issuer` also sets the issuer to `https://<domain>/`. Unknown or read-only
 * fields and bad values throw a ConfigError naming the field.
 */
export function mergeConfig(base: MockConfig, patch: unknown): MockConfig {
  if (!isObject(patch)) throw new ConfigError("the configuration must be a JSON object", "");
  const next = structuredClone(base);
  const byJson = new Map(fields.map((f) => [f.json, f]));
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key !== "faults") {
      entries.push([key, value]);
      continue;
    }
    if (!isObject(value))
      throw new ConfigError(
        `faults must be an object with latency_ms, error_rate, deviations; got ${show(value)}`,
        key,
      );
    for (const [sub, v] of Object.entries(value)) entries.push([`faults.${sub}`, v]);
  }
  for (const [key, value] of entries) {
    const f = byJson.get(key);
    if (!f) {
      const known = fields.map((x) => x.json).join(", ");
      throw new ConfigError(`${key}: unknown field; known fields: ${known}`, key);
    }
    const parsed = parseAs(f, key, value, false);
    if (f.readOnly && parsed !== read(base, f)) {
      throw new ConfigError(`${key} cannot be changed at run time; set it when starting the mock`, key);
    }
    assign(next, f, parsed);
  }
  // docs/behaviour.md#issuer: a domain alone moves the issuer, as --domain alone sets it.
  if (Object.hasOwn(patch, "domain") && !Object.hasOwn(patch, "issuer")) next.issuer = issuerFor(next.domain);
  checkClients(next);
  return next;
}
