/**
 * Tenant configuration: read once from the environment and an env file, validated, with an error
 * that names every missing or malformed variable and what it is for.
 */
import { createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { isLoopback } from "../mock/http/loopback.ts";

export interface TenantConfig {
  /** Bare tenant hostname, e.g. `dev-abc123.us.auth0.com`. */
  domain: string;
  /** Where requests go: `https://<domain>`, or AUTH0_BASE_URL (the mock or a recording proxy). */
  baseURL: string;
  clientId: string;
  clientSecret: string;
  /** A Native application (authentication method None) for the public-client flow; absent: skipped. */
  publicClientId?: string;
  /** An application with Private Key JWT authentication and its signing key; absent: that flow is skipped. */
  privateKeyJwt?: { clientId: string; privateKeyPem: string; alg: "RS256" | "RS384" | "PS256" };
  connection: string;
  audience?: string;
  management: { clientId: string; clientSecret: string };
  /** Absent: no Action forwards codes, so tests that need a code are skipped. */
  sink?: { url: string; secret: string };
  /** Upper bound on SMS/voice messages one tenant run may cause. */
  messageBudget: number;
  /** How long a suite waits for a code to reach the sink. */
  codeTimeoutMs: number;
  /**
   * TENANT_STEP_UP=1: the step-up tests may install the post-login Action that requires MFA on
   * refresh (tenant/step-up-action.ts; the run removes it at its end). Off: they are skipped.
   */
  stepUp: boolean;
}

/** One variable: what it is for (printed in errors and in the README table) and how it is checked. */
interface VariableSpec {
  name: string;
  purpose: string;
  required: boolean;
  /** Returns a problem description, or undefined when the value is acceptable. */
  check?: (value: string) => string | undefined;
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function checkHostname(v: string): string | undefined {
  if (/^https?:\/\//i.test(v)) return "give the bare hostname, without https://";
  return HOSTNAME.test(v) ? undefined : "not a hostname";
}

function checkHttpUrl(v: string): string | undefined {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  // Plain http only to loopback: codes and secrets must not cross a network in clear text.
  if (url.protocol === "http:" && !isLoopback(url.hostname)) return "must use https unless it is loopback";
  return undefined;
}

function checkInteger(min: number, max: number): (v: string) => string | undefined {
  return (v) => {
    if (!/^\d+$/.test(v)) return `not a whole number (${min}..${max})`;
    const n = Number(v);
    return n < min || n > max ? `out of range (${min}..${max})` : undefined;
  };
}

/** A PEM as given, or with its line breaks written as `\n` (one-line CI secrets). */
function pem(v: string): string {
  return v.includes("\n") ? v : v.replace(/\\n/g, "\n");
}

function checkPrivateKey(v: string): string | undefined {
  try {
    return createPrivateKey(pem(v)).asymmetricKeyType === "rsa" ? undefined : "not an RSA key";
  } catch {
    return "not a PEM private key";
  }
}

function checkSecret(v: string): string | undefined {
  return v.length < 32 ? "too short: use at least 32 random characters (openssl rand -hex 32)" : undefined;
}

/** The variables a tenant run reads, in the order the README documents them. */
export const TENANT_VARIABLES: readonly VariableSpec[] = [
  {
    name: "AUTH0_DOMAIN",
    purpose:
      "tenant domain (e.g. dev-abc123.us.auth0.com) that serves the Authentication and Management APIs",
    required: true,
    check: checkHostname,
  },
  {
    name: "AUTH0_CLIENT_ID",
    purpose: "client id of the application the suites log in with (Password and MFA grant types enabled)",
    required: true,
  },
  { name: "AUTH0_CLIENT_SECRET", purpose: "client secret of that application", required: true },
  {
    name: "AUTH0_PUBLIC_CLIENT_ID",
    purpose:
      "client id of a Native application (Token Endpoint Authentication Method None; Password and MFA " +
      "grant types, the connection enabled) for the public-client flow (optional: without it that test is skipped)",
    required: false,
  },
  {
    name: "AUTH0_PRIVATE_KEY_JWT_CLIENT_ID",
    purpose:
      "client id of an application with Private Key JWT authentication (Password and MFA grant types, " +
      "the connection enabled) for that flow (optional: without it that test is skipped)",
    required: false,
  },
  {
    name: "AUTH0_PRIVATE_KEY_JWT_KEY",
    purpose:
      "the PEM private key of that application's credential (required with AUTH0_PRIVATE_KEY_JWT_CLIENT_ID)",
    required: false,
    check: checkPrivateKey,
  },
  {
    name: "AUTH0_PRIVATE_KEY_JWT_ALG",
    purpose: "the credential's algorithm: RS256 (default), RS384 or PS256",
    required: false,
    check: (v) => (["RS256", "RS384", "PS256"].includes(v) ? undefined : "not RS256, RS384 or PS256"),
  },
  {
    name: "AUTH0_CONNECTION",
    purpose: "database connection the test users are created in (e.g. Username-Password-Authentication)",
    required: true,
  },
  {
    name: "AUTH0_AUDIENCE",
    purpose: "API audience sent with the password grant (optional)",
    required: false,
  },
  {
    name: "AUTH0_MGMT_CLIENT_ID",
    purpose:
      "client id of the machine-to-machine application authorized for the Management API " +
      "(create:users, delete:users, read:authentication_methods, delete:authentication_methods)",
    required: true,
  },
  { name: "AUTH0_MGMT_CLIENT_SECRET", purpose: "client secret of that M2M application", required: true },
  {
    name: "AUTH0_BASE_URL",
    purpose: "URL to call instead of https://<AUTH0_DOMAIN>, e.g. the mock (optional)",
    required: false,
    check: checkHttpUrl,
  },
  {
    name: "SINK_URL",
    purpose:
      "URL of the code sink the phone-message Action posts to (optional: without it @sends-sms tests are skipped)",
    required: false,
    check: checkHttpUrl,
  },
  {
    name: "SINK_SECRET",
    purpose: "HMAC secret shared by the Action and the sink (required with SINK_URL)",
    required: false,
    check: checkSecret,
  },
  {
    name: "TENANT_SMS_BUDGET",
    purpose: "most SMS/voice messages one tenant run may send (default 20)",
    required: false,
    check: checkInteger(0, 1000),
  },
  {
    name: "TENANT_CODE_TIMEOUT_SECONDS",
    purpose: "how long to wait for a code to reach the sink (default 30)",
    required: false,
    check: checkInteger(1, 300),
  },
  {
    name: "TENANT_STEP_UP",
    purpose:
      "1 lets the @step-up tests install the post-login Action that requires MFA on refresh " +
      "(the M2M application then also needs read:actions, create:actions, update:actions, delete:actions, " +
      "read:triggers, update:triggers; see tenant/README.md, Step-up); 0 or unset: those tests are skipped",
    required: false,
    check: (v) => (v === "0" || v === "1" ? undefined : "not 0 or 1"),
  },
];

const DEFAULT_MESSAGE_BUDGET = 20;
const DEFAULT_CODE_TIMEOUT_SECONDS = 30;

/** Thrown with one line per problem, each naming the variable and what it is for. */
export class TenantConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`tenant configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "TenantConfigError";
  }
}

/** Validates a set of variables (already merged from file and environment) into a TenantConfig. */
export function parseTenantConfig(vars: Record<string, string | undefined>): TenantConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = vars[name]?.trim();
    return v === "" ? undefined : v;
  };
  for (const spec of TENANT_VARIABLES) {
    const v = value(spec.name);
    if (v === undefined) {
      if (spec.required) problems.push(`${spec.name} is missing: ${spec.purpose}`);
      continue;
    }
    const problem = spec.check?.(v);
    if (problem) problems.push(`${spec.name} is malformed (${problem}): ${spec.purpose}`);
  }
  const sinkUrl = value("SINK_URL");
  const sinkSecret = value("SINK_SECRET");
  if (sinkUrl && !sinkSecret)
    problems.push("SINK_SECRET is missing: SINK_URL is set, and the sink only accepts signed codes");
  const pkjwtId = value("AUTH0_PRIVATE_KEY_JWT_CLIENT_ID");
  const pkjwtKey = value("AUTH0_PRIVATE_KEY_JWT_KEY");
  if (pkjwtId && !pkjwtKey)
    problems.push(
      "AUTH0_PRIVATE_KEY_JWT_KEY is missing: AUTH0_PRIVATE_KEY_JWT_CLIENT_ID is set, and its assertions need the key",
    );
  if (pkjwtKey && !pkjwtId)
    problems.push(
      "AUTH0_PRIVATE_KEY_JWT_CLIENT_ID is missing: AUTH0_PRIVATE_KEY_JWT_KEY is set but names no application",
    );
  if (sinkSecret && !sinkUrl)
    problems.push("SINK_URL is missing: SINK_SECRET is set but there is no sink to read codes from");
  if (problems.length) throw new TenantConfigError(problems);

  const req = (name: string): string => value(name) ?? "";
  const domain = req("AUTH0_DOMAIN").toLowerCase();
  const audience = value("AUTH0_AUDIENCE");
  const publicClientId = value("AUTH0_PUBLIC_CLIENT_ID");
  const budget = value("TENANT_SMS_BUDGET");
  const timeout = value("TENANT_CODE_TIMEOUT_SECONDS");
  return {
    domain,
    baseURL: (value("AUTH0_BASE_URL") ?? `https://${domain}`).replace(/\/+$/, ""),
    clientId: req("AUTH0_CLIENT_ID"),
    clientSecret: req("AUTH0_CLIENT_SECRET"),
    ...(publicClientId ? { publicClientId } : {}),
    ...(pkjwtId && pkjwtKey
      ? {
          privateKeyJwt: {
            clientId: pkjwtId,
            privateKeyPem: pem(pkjwtKey),
            alg: (value("AUTH0_PRIVATE_KEY_JWT_ALG") ?? "RS256") as "RS256" | "RS384" | "PS256",
          },
        }
      : {}),
    connection: req("AUTH0_CONNECTION"),
    ...(audience ? { audience } : {}),
    management: { clientId: req("AUTH0_MGMT_CLIENT_ID"), clientSecret: req("AUTH0_MGMT_CLIENT_SECRET") },
    ...(sinkUrl && sinkSecret ? { sink: { url: sinkUrl.replace(/\/+$/, ""), secret: sinkSecret } } : {}),
    messageBudget: budget === undefined ? DEFAULT_MESSAGE_BUDGET : Number(budget),
    codeTimeoutMs: (timeout === undefined ? DEFAULT_CODE_TIMEOUT_SECONDS : Number(timeout)) * 1000,
    stepUp: value("TENANT_STEP_UP") === "1",
  };
}

/** Reads KEY=value lines of an env file; a missing default file is no error, a missing named one is. */
function readEnvFile(file: string, mustExist: boolean): Record<string, string> {
  if (!existsSync(file)) {
    if (mustExist) throw new TenantConfigError([`env file ${file} (from --env-file) does not exist`]);
    return {};
  }
  const parsed = parseEnv(readFileSync(file, "utf8"));
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Picks `--env-file <path>` or `--env-file=<path>` out of argv. */
export function envFileFromArgs(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--env-file") return argv[i + 1];
    if (a.startsWith("--env-file=")) return a.slice("--env-file=".length);
  }
  return undefined;
}

/** Loads and validates the tenant configuration from the env file and the environment. */
export function loadTenantConfig(
  opts: { env?: NodeJS.ProcessEnv; argv?: readonly string[] } = {},
): TenantConfig {
  return parseTenantConfig(readTenantEnv(opts));
}

/**
 * Merges the env file (`--env-file`, TENANT_ENV_FILE, or `.env.tenant` when present) under the
 * process environment, which wins so CI secrets override a developer's file.
 */
export function readTenantEnv(
  opts: { env?: NodeJS.ProcessEnv; argv?: readonly string[] } = {},
): Record<string, string> {
  const env = opts.env ?? process.env;
  const named = envFileFromArgs(opts.argv ?? process.argv) ?? env.TENANT_ENV_FILE;
  const fromFile = readEnvFile(named ?? ".env.tenant", named !== undefined);
  // An empty variable (an unset CI secret expands to "") must not hide the file's value.
  const fromEnv = Object.entries(env).filter((e): e is [string, string] => Boolean(e[1]?.trim()));
  return { ...fromFile, ...Object.fromEntries(fromEnv) };
}

/** The secret values of a configuration, for the secrets registry (redaction/secrets.ts) and leak scans. */
export function tenantSecrets(c: TenantConfig): string[] {
  return [
    c.clientSecret,
    c.management.clientSecret,
    ...(c.sink ? [c.sink.secret] : []),
    ...(c.privateKeyJwt ? [c.privateKeyJwt.privateKeyPem] : []),
  ];
}

export interface SinkListenConfig {
  secret: string;
  host: string;
  port: number;
  maxMessages: number;
}

/** The sink server's own settings (`npm run sink`): SINK_SECRET, SINK_HOST, SINK_PORT, SINK_MAX_MESSAGES. */
export function parseSinkListenConfig(vars: Record<string, string | undefined>): SinkListenConfig {
  const problems: string[] = [];
  const get = (name: string) => vars[name]?.trim() || undefined;
  const secret = get("SINK_SECRET");
  if (!secret) problems.push("SINK_SECRET is missing: HMAC secret shared with the phone-message Action");
  else if (checkSecret(secret)) problems.push(`SINK_SECRET is malformed (${checkSecret(secret)})`);
  const int = (name: string, purpose: string, min: number, max: number, dflt: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const problem = checkInteger(min, max)(v);
    if (problem) problems.push(`${name} is malformed (${problem}): ${purpose}`);
    return Number(v);
  };
  const port = int("SINK_PORT", "port the sink listens on (default 8787)", 0, 65535, 8787);
  const maxMessages = int("SINK_MAX_MESSAGES", "most codes kept in memory (default 1000)", 1, 100_000, 1000);
  const host = get("SINK_HOST") ?? "127.0.0.1";
  if (problems.length) throw new TenantConfigError(problems);
  return { secret: secret ?? "", host, port, maxMessages };
}
