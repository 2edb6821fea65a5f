/**
 * The mock's configuration as data: the `MockConfig` type, its defaults (docs/behaviour.md) and the
 * field table. One row per option gives its name in each place a caller can set it (the library's
 * `tls.cert`, the command line's `--tls-cert` and `MOCK_TLS_CERT`, the control API's `client_id`),
 * its parser and its help line, so a flag, its variable, its JSON key and its check cannot drift
 * apart. resolve.ts applies the table; cli.ts reads flags and variables through it.
 */
import { availableParallelism } from "node:os";
import type { DeviationName } from "../deviations.ts";
import { type Factor, factorNames } from "../factors/registry.ts";
import type { ProfileName } from "../limits/profiles.ts";
import { randomString } from "../store/random.ts";
import type { AssertionAlg } from "../tokens/client-assertion.ts";
import {
  allowedHosts,
  assertionAlg,
  audienceList,
  boolean,
  clientStatus,
  controlToken,
  deviations,
  domain,
  type ErrorRates,
  errorRate,
  factors,
  filePath,
  host,
  integer,
  logTarget,
  type Parser,
  profile,
  publicKeyPem,
  rateLimitBody,
  scopeList,
  string,
  tlsOption,
  url,
  urlList,
} from "./parsers.ts";

export type { DeviationName } from "../deviations.ts";
export type { ErrorRates, FaultStatus } from "./parsers.ts";

/** What the mock injects: latency, errors by operation, named deviations from Auth0. */
export interface Faults {
  latencyMs: number;
  errorRate: ErrorRates;
  deviations: DeviationName[];
}

/** The mock's whole configuration (camelCase; the control API shows it in snake_case). */
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
  /** A single-page app (token endpoint authentication method None, PKCE): the login surface's own client. */
  spaClientId: string;
  /** Where /authorize may send the browser back (and /v2/logout's returnTo); [] = any loopback origin. */
  callbackUrls: string[];
  /** Origins allowed to call /oauth/token, /mfa/*, /.well-known/* and /userinfo from a browser; [] = any loopback origin. */
  webOrigins: string[];
  /** A refresh answers mfa_required until MFA is done in its family (docs/behaviour.md#mfa-on-refresh). */
  mfaOnRefresh: boolean;
  /** Step-up: MFA on refresh only for these audiences (the refresh's, else its family's); [] = every audience. */
  mfaOnRefreshAudiences: string[];
  /** Step-up: MFA on refresh only when the refresh's scope has one of these; [] = any scope. */
  mfaOnRefreshScopes: string[];
  /** Refresh tokens rotate (each used once, reuse revokes the family); false: one token, reusable. */
  refreshTokenRotation: boolean;
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
  /**
   * The control credential (docs/behaviour.md#control-token): "" for none; otherwise every `/__mock`
   * route needs `Authorization: Bearer <token>`. Required off loopback unless `control` is off.
   * Never shown: not by `--help`, not by `GET /__mock/config`.
   */
  controlToken: string;
  /** Host names (besides loopback and the domain) a request's `Host` may carry; "." + name: its subdomains too. */
  allowedHosts: string[];
  /** The request log: "" (off), "stdout", or a file path (one JSON line per request). */
  log: string;
  faults: Faults;
}

/** A configuration as code gives it: any fields, `faults` partial too; the rest comes from defaults. */
export type ConfigInput = Partial<Omit<MockConfig, "faults">> & { faults?: Partial<Faults> };

/** Where the command line listens unless told otherwise (the library picks a free port). */
export const DEFAULT_PORT = 4010;
/** Loopback unless told otherwise. */
export const DEFAULT_HOST = "127.0.0.1";
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
    spaClientId: "mockSpaClientId00000000000000000",
    callbackUrls: [], // docs/behaviour.md#login: any loopback origin
    webOrigins: [], // docs/behaviour.md#cors: any loopback origin
    mfaOnRefresh: false,
    mfaOnRefreshAudiences: [], // docs/behaviour.md#mfa-on-refresh: every audience
    mfaOnRefreshScopes: [], // docs/behaviour.md#mfa-on-refresh: any scope
    refreshTokenRotation: true, // docs/behaviour.md#refresh-tokens
    invalidGrantStatus: 403, // docs/behaviour.md#code-mismatch-status
    lockoutStatus: 429, // docs/behaviour.md#per-user-limits
    // docs/behaviour.md#throttled-answer
    rateLimitBody: { error: "too_many_requests", error_description: "Rate limit exceeded." },
    control: true,
    validateResponses: false,
    maxBodyBytes: 64 * 1024,
    signingThreads: availableParallelism(),
    controlToken: "", // docs/behaviour.md#control-token: optional on loopback
    allowedHosts: [],
    log: "", // off
    faults: { latencyMs: 0, errorRate: {}, deviations: [] },
  };
}

/** The issuer a domain implies (docs/behaviour.md#issuer): `https://<domain>/`. */
export function issuerFor(domain: string): string {
  return `https://${domain}/`;
}

// ---- the field table ----

/** One option, named as each caller writes it. */
export interface Field {
  /** The library's name: a MockConfig key, `faults.<key>`, or a server option (`port`, `tls.cert`). */
  name: string;
  /** The control API's field (`client_id`, `faults.latency_ms`); undefined when it has none. */
  control: string | undefined;
  /** `--client-id`; undefined when the command line does not take it. */
  flag: string | undefined;
  /** `MOCK_CLIENT_ID`; set exactly when `flag` is. */
  env: string | undefined;
  parse: Parser;
  /** The command line's own parser, where the flag differs from the library's value (`--tls` is a switch). */
  flagParse?: Parser;
  /** The line `--help` shows. */
  help: string;
  /** Where the mock listens: an option of the server, not of MockConfig. */
  server?: true;
  /** Shown by the control API, refused when changed at run time. */
  readOnly?: true;
  /** A bad value is not echoed in the error. */
  secret?: true;
  /** Never answered by `GET /__mock/config` nor shown as a `--help` default (the control token). */
  hidden?: true;
}

type Extra = Partial<Pick<Field, "flagParse" | "readOnly" | "secret" | "hidden">> & { cli?: false };

/** A MockConfig field: its control API key is the snake_case of its name; the flag follows the key. */
function config(name: string, control: string, parse: Parser, help: string, extra: Extra = {}): Field {
  const { cli, ...rest } = extra;
  return { name, control, ...flagAndEnv(cli === false ? undefined : control), parse, help, ...rest };
}

/** A server option: on the command line and in the library, not in the control API. */
function server(name: string, parse: Parser, help: string, extra: Extra = {}): Field {
  return { name, control: undefined, ...flagAndEnv(name), parse, help, server: true, ...extra };
}

/** `--latency-ms` and `MOCK_LATENCY_MS` for "faults.latency_ms"; `--tls-cert` for "tls.cert". */
function flagAndEnv(key: string | undefined): Pick<Field, "flag" | "env"> {
  if (key === undefined) return { flag: undefined, env: undefined };
  const base = key.replace(/^faults\./, "").replace(/[._]/g, "-");
  return { flag: `--${base}`, env: `MOCK_${base.replaceAll("-", "_").toUpperCase()}` };
}

const ttl = integer(1, 31_536_000); // up to a year

/** Every option: first where the mock listens, then MockConfig's fields in the control API's order. */
export const fields: readonly Field[] = [
  server("port", integer(0, 65_535), "the port (0: a free one)"),
  server("host", host, "the address to listen on (loopback unless told otherwise)"),
  server("tls", tlsOption, "serve HTTPS (a certificate from the local CA unless --tls-cert)", {
    flagParse: boolean,
  }),
  server(
    "tls.cert",
    filePath,
    "your server certificate (PEM file) instead of the local CA's; turns --tls on",
  ),
  server("tls.key", filePath, "its private key (PEM file); goes with --tls-cert"),
  server("tls.dir", filePath, "where the local CA is kept (made on first use)"),
  config("domain", "domain", domain, "the tenant's domain (host[:port]); moves the issuer too"),
  config("issuer", "issuer", url, "iss of the tokens and discovery's issuer"),
  config("clientId", "client_id", string(), "the confidential client's id"),
  config("clientSecret", "client_secret", string(), "its secret", { secret: true }),
  config("publicClientId", "public_client_id", string(), "a public client's id (no secret)"),
  config("privateKeyJwtClientId", "private_key_jwt_client_id", string(), "the Private Key JWT client's id"),
  config("privateKeyJwtPublicKey", "private_key_jwt_public_key", publicKeyPem, "its RSA public key (PEM)"),
  config("privateKeyJwtAlg", "private_key_jwt_alg", assertionAlg, "its client_assertion algorithm"),
  config("connection", "connection", string(), "the database connection of the users"),
  config("audience", "audience", string({ empty: true }), 'the default audience ("" for none)'),
  config("profile", "profile", profile, "the rate-limit profile (an Auth0 plan)"),
  config("seed", "seed", integer(0, 4_294_967_295), "the seed of users, codes and fault shares"),
  config("users", "users", integer(0, 100_000), "how many users are seeded at start and reset"),
  config("mfaTokenTtlSeconds", "mfa_token_ttl_seconds", ttl, "mfa_token lifetime, seconds"),
  config("codeTtlSeconds", "code_ttl_seconds", ttl, "oob_code and binding code lifetime, seconds"),
  config("accessTokenTtlSeconds", "access_token_ttl_seconds", ttl, "access token lifetime, seconds"),
  config("mfaAccessTokenTtlSeconds", "mfa_access_token_ttl_seconds", ttl, "/mfa/ token lifetime, seconds"),
  config("recoveryCodes", "recovery_codes", boolean, "a recovery code answered at the first enrollment"),
  config("factors", "factors", factors, "the factors the tenant offers, comma-separated"),
  config("mfaRequirements", "mfa_requirements", boolean, "mfa_requirements in mfa_required answers"),
  config("spaClientId", "spa_client_id", string(), "the single-page app's id (no secret, PKCE)"),
  config(
    "callbackUrls",
    "callback_urls",
    urlList,
    "allowed callback and logout URLs ([]: any loopback origin)",
  ),
  config("webOrigins", "web_origins", urlList, "allowed browser origins for CORS ([]: any loopback origin)"),
  config("mfaOnRefresh", "mfa_on_refresh", boolean, "a refresh answers mfa_required until MFA is done"),
  config(
    "mfaOnRefreshAudiences",
    "mfa_on_refresh_audiences",
    audienceList,
    "MFA on refresh only for these audiences ([]: every audience)",
  ),
  config(
    "mfaOnRefreshScopes",
    "mfa_on_refresh_scopes",
    scopeList,
    "MFA on refresh only for a scope with one of these ([]: any scope)",
  ),
  config("refreshTokenRotation", "refresh_token_rotation", boolean, "rotate refresh tokens (reuse revokes)"),
  config("invalidGrantStatus", "invalid_grant_status", clientStatus, "the HTTP status of a wrong code"),
  config("lockoutStatus", "lockout_status", clientStatus, "the HTTP status once a user is locked out"),
  config("rateLimitBody", "rate_limit_body", rateLimitBody, "the body of a throttled answer", { cli: false }),
  config("control", "control", boolean, "the /__mock control API", { readOnly: true }),
  config("validateResponses", "validate_responses", boolean, "check every answer against the description"),
  config("maxBodyBytes", "max_body_bytes", integer(1024, 16 * 1024 * 1024), "largest request body, bytes"),
  config("signingThreads", "signing_threads", integer(0, 256), "token signing threads (0: main thread)", {
    readOnly: true,
  }),
  config("controlToken", "control_token", controlToken, "the control credential: /__mock needs Bearer <it>", {
    readOnly: true,
    secret: true,
    hidden: true,
  }),
  config("allowedHosts", "allowed_hosts", allowedHosts, "more Host names to serve (comma-separated)", {
    readOnly: true,
  }),
  config("log", "log", logTarget, 'the request log: "stdout" or a file ("" for none)', { readOnly: true }),
  config("faults.latencyMs", "faults.latency_ms", integer(0, 60_000), "latency added to every answer, ms"),
  config("faults.errorRate", "faults.error_rate", errorRate, "injected errors: <op>=<status>:<share>,..."),
  config(
    "faults.deviations",
    "faults.deviations",
    deviations,
    "named deviations from Auth0, comma-separated (GET /__mock/deviations)",
  ),
];

/** MockConfig's fields (not the server's), in the control API's order. */
export const configFields: readonly Field[] = fields.filter((f) => !f.server);

/** The field of a library name (`clientId`, `faults.latencyMs`, `tls.cert`). */
export function fieldOf(name: string): Field {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no configuration field ${name}`);
  return f;
}

/**
 * How an error names an option: as the library does (`tls.cert`, `faults.latencyMs`), as the control
 * API does (`client_id`), or per field (the command line names each by the flag or variable it came from).
 */
export type Naming = "api" | "control" | ((field: Field) => string);

/** The option's name for `naming`; a field the control API lacks keeps its library name. */
export function nameOf(f: Field, naming: Naming): string {
  if (naming === "api") return f.name;
  if (naming === "control") return f.control ?? f.name;
  return naming(f);
}

/** The object a field lives in: the config itself, or its faults. */
function holder(config: MockConfig, f: Field): Record<string, unknown> {
  return (f.name.startsWith("faults.") ? config.faults : config) as unknown as Record<string, unknown>;
}

/** The field's key in its holder: `latencyMs` for "faults.latencyMs". */
function keyOf(f: Field): string {
  return f.name.replace(/^faults\./, "");
}

/** A MockConfig field's value. */
export function readField(config: MockConfig, f: Field): unknown {
  return holder(config, f)[keyOf(f)];
}

/** Sets a MockConfig field's value. */
export function writeField(config: MockConfig, f: Field, value: unknown): void {
  holder(config, f)[keyOf(f)] = value;
}
