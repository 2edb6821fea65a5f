/**
 * The configuration's entry point: what the rest of the mock imports from `config/`. The type,
 * defaults and field table are in schema.ts, the value parsers in parsers.ts, the one path from a
 * caller's input to a whole configuration in resolve.ts, the command line in cli.ts and the error
 * family in errors.ts.
 */
export { type ParsedArgs, parseArgs, usage } from "./cli.ts";
export { ConfigError, TlsError, UnknownDeviationError } from "./errors.ts";
export { type MfaOnRefreshRule, mfaOnRefreshApplies } from "./mfa-on-refresh.ts";
export {
  fromControlJson,
  mergeConfig,
  resolveConfig,
  resolveServer,
  type ServerOptions,
  type TlsInput,
  toPublicConfig,
} from "./resolve.ts";
export {
  type ConfigInput,
  type DeviationName,
  defaultConfig,
  type ErrorRates,
  type FaultStatus,
  type Faults,
  type MockConfig,
  type Naming,
} from "./schema.ts";
