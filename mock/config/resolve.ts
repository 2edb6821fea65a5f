/**
 * The one path a configuration takes: `resolveConfig` turns what a caller gave (the command line's
 * values, a `PUT /__mock/config` patch, `createMockApp`'s or `startMock`'s options) into a whole
 * `MockConfig`: defaults or the running configuration underneath, every value checked by its
 * field's parser, the issuer following a domain given alone, the clients' ids apart. Every refusal
 * is a ConfigError naming the option the way that caller wrote it (the `Naming`).
 * `resolveServer` does the same for where the mock listens (port, host, TLS).
 */
import type { TlsNames } from "../tls/tls.ts";
import { ConfigError } from "./errors.ts";
import { Expected, show } from "./parsers.ts";
import {
  type ConfigInput,
  configFields,
  defaultConfig,
  type Field,
  fieldOf,
  issuerFor,
  type MockConfig,
  type Naming,
  nameOf,
  readField,
  writeField,
} from "./schema.ts";

/** Runs a field's parser, turning its Expected into a ConfigError that names `where`. */
export function parseAs(f: Field, where: string, value: unknown, text: boolean): unknown {
  try {
    return (text && f.flagParse ? f.flagParse : f.parse)(value, text);
  } catch (e) {
    if (!(e instanceof Expected)) throw e;
    const at = `${where}${e.path}`;
    const got = f.secret
      ? `a value of type ${value === null ? "null" : typeof value}`
      : show(e.value === undefined ? value : e.value);
    throw new ConfigError(`${at} must be ${e.allowed}; got ${got}`, at);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const byName = new Map(configFields.map((f) => [f.name, f]));

/**
 * The whole configuration from `partial` (camelCase, `faults` partial too; undefined values count as
 * not given) over `base` (the running configuration; defaults when absent). `base` is not modified
 * and shares nothing with the answer. With a `base`, a read-only field (`control`, `signingThreads`)
 * may not change. A domain given without an issuer moves the issuer to `https://<domain>/`
 * (docs/behaviour.md#issuer). Throws a ConfigError naming the option as `naming` says.
 */
export function resolveConfig(partial: ConfigInput, base?: MockConfig, naming: Naming = "api"): MockConfig {
  if (!isObject(partial)) throw new ConfigError("the configuration must be an object", "");
  const next = structuredClone(base ?? defaultConfig());
  const given = new Set<string>();
  for (const [name, value] of entries(partial, naming)) {
    if (value === undefined) continue;
    const f = byName.get(name);
    if (!f) {
      const known = configFields.map((x) => nameOf(x, naming)).join(", ");
      throw new ConfigError(`${name}: unknown option; known options: ${known}`, name);
    }
    const where = nameOf(f, naming);
    const parsed = parseAs(f, where, value, false);
    if (base && f.readOnly && JSON.stringify(parsed) !== JSON.stringify(readField(base, f))) {
      throw new ConfigError(`${where} cannot be changed at run time; set it when starting the mock`, where);
    }
    // Copied, so the caller's object and the configuration never share a list or an object.
    writeField(next, f, structuredClone(parsed));
    given.add(name);
  }
  // docs/behaviour.md#issuer: a domain alone moves the issuer, whatever it was.
  if (given.has("domain") && !given.has("issuer")) next.issuer = issuerFor(next.domain);
  checkClients(next, naming);
  return next;
}

/** The given entries by library name: `faults`' own fields as `faults.<key>`. */
function entries(partial: ConfigInput, naming: Naming): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(partial)) {
    if (key !== "faults" || value === undefined) {
      out.push([key, value]);
      continue;
    }
    if (!isObject(value)) {
      const subs = configFields.filter((f) => f.name.startsWith("faults."));
      const names = subs.map((f) => nameOf(f, naming).replace(/^faults\./, "")).join(", ");
      throw new ConfigError(`faults must be an object with ${names}; got ${show(value)}`, "faults");
    }
    for (const [sub, v] of Object.entries(value)) out.push([`faults.${sub}`, v]);
  }
  return out;
}

/** The clients' ids must differ: one client authenticates one way. */
function checkClients(config: MockConfig, naming: Naming): void {
  const ids = ["clientId", "publicClientId", "privateKeyJwtClientId", "spaClientId"].map((name) => {
    const f = fieldOf(name);
    return [nameOf(f, naming), readField(config, f)] as const;
  });
  for (const [i, [name, id]] of ids.entries()) {
    const clash = ids.slice(0, i).find(([, other]) => other === id);
    if (clash) throw new ConfigError(`${name} must differ from ${clash[0]} (both ${show(id)})`, name);
  }
}

// ---- where the mock listens ----

/** How HTTPS is asked for: true (the local CA), its files, or nothing. */
export type TlsInput = boolean | { dir?: string; cert?: string; key?: string };

/** Where the mock listens, checked; `tls` is undefined for plain HTTP. */
export interface ServerOptions {
  port: number | undefined;
  host: string | undefined;
  tls: { dir?: string; cert?: string; key?: string } | undefined;
  /** How the TLS options were named, for the errors of reading their files. */
  tlsNames: TlsNames;
}

/**
 * Checks where the mock listens (given values only; the caller keeps its own defaults): the port,
 * the host, and TLS, whose certificate and key go together. Throws a ConfigError naming the option.
 */
export function resolveServer(
  input: { port?: unknown; host?: unknown; tls?: unknown },
  naming: Naming = "api",
): ServerOptions {
  const check = (name: string, value: unknown) =>
    value === undefined ? undefined : parseAs(fieldOf(name), nameOf(fieldOf(name), naming), value, false);
  const tls = check("tls", input.tls) as TlsInput | undefined;
  const tlsNames: TlsNames = {
    cert: nameOf(fieldOf("tls.cert"), naming),
    key: nameOf(fieldOf("tls.key"), naming),
    dir: nameOf(fieldOf("tls.dir"), naming),
  };
  const files = tls === true ? {} : tls || undefined;
  if (files && (files.cert === undefined) !== (files.key === undefined)) {
    const missing = files.cert === undefined ? tlsNames.cert : tlsNames.key;
    throw new ConfigError(`${missing} is missing: ${tlsNames.cert} and ${tlsNames.key} go together`, missing);
  }
  return {
    port: check("port", input.port) as number | undefined,
    host: check("host", input.host) as string | undefined,
    tls: files,
    tlsNames,
  };
}

// ---- JSON: GET and PUT /__mock/config ----

/**
 * The configuration as `GET /__mock/config` answers it (snake_case keys; includes the client secret;
 * never the control token).
 */
export function toPublicConfig(config: MockConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const faults: Record<string, unknown> = {};
  for (const f of configFields) {
    if (f.hidden) continue; // the control token is never answered
    const key = f.control as string;
    const value = structuredClone(readField(config, f));
    if (key.startsWith("faults.")) faults[key.slice(7)] = value;
    else out[key] = value;
  }
  out.faults = faults;
  return out;
}

const byControl = new Map(configFields.map((f) => [f.control as string, f]));

/**
 * A `PUT /__mock/config` body (`toPublicConfig`'s keys, any subset) as resolveConfig's input; values
 * are left to resolveConfig. An unknown field, or a body or `faults` that is no object, is a
 * ConfigError naming the field.
 */
export function fromControlJson(patch: unknown): ConfigInput {
  if (!isObject(patch)) throw new ConfigError("the configuration must be a JSON object", "");
  const out: Record<string, unknown> = {};
  const faults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === "faults") {
      if (!isObject(value))
        throw new ConfigError(
          `faults must be an object with latency_ms, error_rate, deviations; got ${show(value)}`,
          key,
        );
      for (const [sub, v] of Object.entries(value)) put(`faults.${sub}`, v);
      out.faults = faults;
    } else {
      put(key, value);
    }
  }
  return out as ConfigInput;

  function put(key: string, value: unknown): void {
    const f = byControl.get(key);
    if (!f) {
      const known = configFields.map((x) => x.control).join(", ");
      throw new ConfigError(`${key}: unknown field; known fields: ${known}`, key);
    }
    // `null` is a value the parser refuses, not "not given".
    const held = value === undefined ? null : value;
    if (f.name.startsWith("faults.")) faults[f.name.slice(7)] = held;
    else out[f.name] = held;
  }
}

/**
 * `base` changed by a `PUT /__mock/config` body: `fromControlJson` then `resolveConfig` with the
 * control API's names. Objects inside (faults.error_rate, faults.deviations, rate_limit_body) are
 * replaced whole.
 */
export function mergeConfig(base: MockConfig, patch: unknown): MockConfig {
  return resolveConfig(fromControlJson(patch), base, "control");
}
