// k6 provides a console (log, info, warn, error, debug); @types/k6 does not declare it, and the
// load tsconfig leaves out the DOM and Node libraries on purpose.
declare const console: {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};
