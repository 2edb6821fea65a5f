/**
 * The mock's command line: one option per row of the field table (schema.ts) that has a flag, read
 * through cli/options.ts (`--latency-ms 5`, `MOCK_LATENCY_MS=5`; a flag beats its variable), then
 * resolved like every other configuration (resolve.ts). A refusal names the flag or the variable
 * the value came from; `--help` is generated from the same rows.
 */
import { type CommandSpec, helpText, OptionError, type OptionSpec, readOptions } from "../../cli/options.ts";
import { profileNames } from "../limits/profiles.ts";
import { defaultTlsDir } from "../tls/tls.ts";
import { ConfigError } from "./errors.ts";
import { boolean } from "./parsers.ts";
import { parseAs, resolveConfig, resolveServer, type ServerOptions, toPublicConfig } from "./resolve.ts";
import {
  type ConfigInput,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultConfig,
  type Field,
  fields,
  type MockConfig,
} from "./schema.ts";

const cliFields = fields.filter((f) => f.flag !== undefined);

/** Options whose variable, set but empty, is refused rather than unset: an empty list they refuse. */
const EMPTY_REFUSED = new Set(["factors"]);

/** The option's key in the command's table: `latency-ms` for `--latency-ms`. */
function optionName(f: Field): string {
  return (f.flag as string).slice(2);
}

/**
 * Defaults that depend on how the mock is started or on the machine, shown as the rule that gives
 * them (the issuer as it will be, not the library's placeholder).
 */
const DEFAULT_RULES: Record<string, string> = {
  "tls.dir": "$XDG_DATA_HOME/auth0-mfa-mock/tls, else ~/.local/share/auth0-mfa-mock/tls",
  domain: "localhost (localhost:<port> with --tls)",
  issuer: "http://127.0.0.1:<port>/ (https://localhost:<port>/ with --tls; https://<domain>/ with --domain)",
  signingThreads: "one per core",
};

/** The command line: one option per field, `--latency-ms` and `MOCK_LATENCY_MS` for "faults.latency_ms". */
export function mockCommand(): CommandSpec {
  const defaults = toPublicConfig(defaultConfig());
  const faults = defaults.faults as Record<string, unknown>;
  const server: Record<string, unknown> = {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    tls: false,
    "tls.cert": "(from the local CA)",
    "tls.key": "(from the local CA)",
    "tls.dir": defaultTlsDir(),
  };
  const shown = (f: Field): unknown => {
    if (f.server) return server[f.name];
    if (f.hidden) return "(none)"; // the control token: never its value
    if (f.secret) return "(random)";
    const key = f.control as string;
    return key.startsWith("faults.") ? faults[key.slice(7)] : defaults[key];
  };
  const options: Record<string, OptionSpec> = {};
  for (const f of cliFields) {
    options[optionName(f)] = {
      type: (f.flagParse ?? f.parse) === boolean ? "boolean" : "string",
      env: f.env,
      defaultText: DEFAULT_RULES[f.name] ?? JSON.stringify(shown(f)),
      description: f.help,
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

/** What the command line asks for. */
export interface ParsedArgs {
  config: MockConfig;
  port: number;
  host: string;
  /** HTTPS options, when --tls (or --tls-cert and --tls-key) asked for it. */
  tls: ServerOptions["tls"];
  /** The TLS options as this command line named them (`--tls-cert` or `MOCK_TLS_CERT`). */
  tlsNames: ServerOptions["tlsNames"];
  help: boolean;
  /** The fields a flag or variable set, by library name (`clientSecret`, `faults.latencyMs`, `tls.cert`). */
  given: Set<string>;
  /** How this command line named each option (the flag as typed, or its variable), for later refusals. */
  naming: (f: Field) => string;
}

/**
 * Reads flags (`--port 4010`, `--port=4010`, `--flag`/`--no-flag` for switches) over environment
 * variables (`MOCK_PORT`, ...; empty means unset) over the defaults. `help` is true for -h/--help.
 */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  let read: ReturnType<typeof readOptions>;
  try {
    read = readOptions(mockCommand(), argv, env);
  } catch (e) {
    throw e instanceof OptionError ? new ConfigError(e.message, e.option) : e;
  }
  // Each option named as it was given: the flag as typed, or its variable; the flag when not given.
  const naming = (f: Field) => (f.flag ? (read.sources[optionName(f)] ?? f.flag) : f.name);
  // An empty variable counts as unset, except where "empty" would be a value the mock refuses from
  // every other caller (docs/behaviour.md#one-rule): MOCK_FACTORS="" is no factor at all, refused
  // as --factors "" and {"factors": []} are, not read as "all factors".
  for (const f of cliFields) {
    if (!EMPTY_REFUSED.has(f.name) || f.env === undefined) continue;
    if (env[f.env] === "" && read.sources[optionName(f)] === undefined) parseAs(f, f.env, "", true);
  }
  const partial: Record<string, unknown> = {};
  const faults: Record<string, unknown> = {};
  const server: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const f of cliFields) {
    const name = optionName(f);
    if (read.sources[name] === undefined) continue;
    given.add(f.name);
    const value: unknown = read.values[name];
    if (f.server) server[f.name] = value;
    else if (f.name.startsWith("faults.")) faults[f.name.slice(7)] = value;
    else partial[f.name] = value;
  }
  // Your own certificate turns HTTPS on; the local CA's folder alone does not.
  const files = { cert: server["tls.cert"], key: server["tls.key"], dir: server["tls.dir"] };
  const https = server.tls === true || files.cert !== undefined || files.key !== undefined;
  const listen = resolveServer({ port: server.port, host: server.host, tls: https ? files : false }, naming);
  const config = resolveConfig({ ...partial, faults } as ConfigInput, undefined, naming);
  return {
    config,
    port: listen.port ?? DEFAULT_PORT,
    host: listen.host ?? DEFAULT_HOST,
    tls: listen.tls,
    tlsNames: listen.tlsNames,
    help: read.help,
    given,
    naming,
  };
}

/** The --help text: every flag with its environment variable, default and what it sets. */
export function usage(): string {
  return helpText(mockCommand());
}
