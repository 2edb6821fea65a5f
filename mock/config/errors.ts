/**
 * The errors of the mock's configuration: a refused option (flag, variable, library option or
 * control API field), TLS files that cannot be read or made, an unknown deviation name. One family,
 * so a caller catches `ConfigError` once; each class sets `name` the same way (a class field) and
 * each message starts with the option as the caller wrote it (`--tls-cert`, `MOCK_TLS_CERT`,
 * `tls.cert`, `tls_cert`), which `option` repeats for programs. A module without imports, so that
 * `tls/` and `deviations.ts` can throw these without depending on the rest of `config/`.
 */

/** A refused configuration: `option` is the flag, variable, option or field at fault, as the caller wrote it. */
export class ConfigError extends Error {
  override readonly name: string = "ConfigError";
  /** The option at fault as the caller wrote it ("" when the whole input is at fault). */
  readonly option: string;
  /** `message` names the option; `option` repeats it for programs. */
  constructor(message: string, option = "") {
    super(message);
    this.option = option;
  }
}

/** TLS files that cannot be read or made; the message names the option or the folder, and what to do. */
export class TlsError extends ConfigError {
  override readonly name: string = "TlsError";
}

/** A deviation name that is not one of mock/deviations.ts; the message names it and lists the known ones. */
export class UnknownDeviationError extends ConfigError {
  override readonly name: string = "UnknownDeviationError";
}
