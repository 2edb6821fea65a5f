/**
 * The options of every command line, from one table per command: flags are tokenised by node:util's
 * parseArgs, an option may also be set by an environment variable (a flag beats its variable; an
 * empty variable counts as unset), and --help is generated from the same table, so a flag, its
 * variable and its help line cannot drift apart. Every refusal is an OptionError naming the flag or
 * variable at fault.
 */
import { parseArgs } from "node:util";

/** One option: `--name` (the table's key), its variable, its type and its help line. */
export interface OptionSpec {
  /** Booleans are switches (`--x`, `--no-x`, `--x=false`); numbers are checked against min and max. */
  type: "string" | "boolean" | "integer" | "number";
  description?: string;
  /** The environment variable that sets the option when no flag does. */
  env?: string;
  short?: string;
  /** Used when neither the flag nor the variable is given; shown in the help. */
  default?: string | number | boolean;
  /** The default as the help shows it, when `default` is not the whole story (e.g. "(random)"). */
  defaultText?: string;
  min?: number;
  max?: number;
  /** Strings only: the flag may repeat, and the value is the list. */
  multiple?: boolean;
  /** The value's name in the help (`--budget N`); "<value>" unless set. */
  value?: string;
  /** Turns the text of a flag or variable into the value; throws to refuse it (`where` names the source). */
  parse?: (text: string, where: string) => unknown;
}

/** A command: its options and what it does with the other arguments. */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The first help line, e.g. "Usage: npm run bench -- [options]". */
  usage: string;
  options: O;
  /** Lines printed after the option list. */
  notes?: string[];
  /** Positional arguments are accepted (returned in order); otherwise each is refused. */
  positionals?: boolean;
  /** Arguments after `--` are accepted and returned as `rest`. */
  rest?: boolean;
  /** Unknown options and positionals are not refused: they go to `rest`, in order (for a wrapped tool). */
  passThrough?: boolean;
}

type ValueOf<S extends OptionSpec> = S extends { parse: (...args: never[]) => infer T }
  ? T
  : S["type"] extends "boolean"
    ? boolean
    : S["type"] extends "integer" | "number"
      ? number
      : S extends { multiple: true }
        ? string[]
        : string;

/** The values of a command's options: always set for switches, lists and options with a default. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { default: unknown } | { type: "boolean" } | { multiple: true }
    ? ValueOf<O[K]>
    : ValueOf<O[K]> | undefined;
};

export interface ReadOptions<O extends Record<string, OptionSpec>> {
  values: OptionValues<O>;
  /** Where each given option came from: the flag as typed, or the variable's name. */
  sources: Partial<Record<keyof O, string>>;
  positionals: string[];
  rest: string[];
  help: boolean;
}

/** A refused command line; `option` is the flag or variable at fault (or the stray argument). */
export class OptionError extends Error {
  override readonly name = "OptionError";
  /** `message` names the option; `option` repeats it for programs. */
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
  }
}

const TRUE = ["true", "1", "yes", "on"];
const FALSE = ["false", "0", "no", "off"];

/** The text of a flag or variable as the option's value; throws an OptionError naming `where`. */
function convert(spec: OptionSpec, text: string, where: string, other: string | undefined): unknown {
  if (spec.parse) return spec.parse(text, where);
  const refuse = (allowed: string): never => {
    const also = other ? ` (${other})` : "";
    throw new OptionError(`${where}${also} must be ${allowed}; got ${JSON.stringify(text)}`, where);
  };
  if (spec.type === "boolean") {
    const v = text.trim().toLowerCase();
    if (TRUE.includes(v)) return true;
    if (FALSE.includes(v)) return false;
    return refuse("true or false (also 1/0, yes/no, on/off)");
  }
  if (spec.type === "integer" || spec.type === "number") {
    const n =
      spec.type === "integer" ? (/^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN) : Number(text);
    const min = spec.min ?? Number.NEGATIVE_INFINITY;
    const max = spec.max ?? Number.POSITIVE_INFINITY;
    if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      const kind = spec.type === "integer" ? "an integer" : "a number";
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? ` from ${spec.min} to ${spec.max}`
          : spec.min !== undefined
            ? ` of at least ${spec.min}`
            : spec.max !== undefined
              ? ` of at most ${spec.max}`
              : "";
      return refuse(`${kind}${range}`);
    }
    return n;
  }
  return text;
}

/**
 * Reads a command line and the environment against the command's table. Flags first, then the
 * variables of the options no flag set (a variable a flag overrides is neither read nor checked);
 * `-h`/`--help` sets `help`.
 */
export function readOptions<O extends Record<string, OptionSpec>>(
  command: CommandSpec<O>,
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): ReadOptions<O> {
  const specs: Record<string, OptionSpec> = command.options;
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default !== undefined) values[name] = spec.default;
    else if (spec.type === "boolean") values[name] = false;
    else if (spec.multiple) values[name] = [];
  }
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          {
            type: spec.type === "boolean" ? "boolean" : "string",
            ...(spec.short ? { short: spec.short } : {}),
          },
        ]),
      ),
      help: { type: "boolean", short: "h" },
    } as const,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let help = false;
  const positionals: string[] = [];
  const rest: string[] = [];
  const passed = new Set<number>();
  const pass = (index: number) => {
    if (!passed.has(index)) rest.push(argv[index] as string);
    passed.add(index);
  };
  let terminated = false;
  for (const token of tokens) {
    if (token.kind === "option-terminator") {
      terminated = true;
      if (command.passThrough) pass(token.index);
      else if (!command.rest) throw stray("--");
      continue;
    }
    if (token.kind === "positional") {
      if (command.passThrough) pass(token.index);
      else if (terminated) rest.push(token.value);
      else if (command.positionals) positionals.push(token.value);
      else throw stray(token.value);
      continue;
    }
    if (token.name === "help" && !Object.hasOwn(specs, "help")) {
      help = true;
      continue;
    }
    const negated = token.name.startsWith("no-") ? token.name.slice(3) : undefined;
    const spec = specs[token.name] ?? (negated === undefined ? undefined : specs[negated]);
    if (!spec) {
      if (command.passThrough) {
        pass(token.index);
        continue;
      }
      throw new OptionError(`${token.rawName}: unknown option; run with --help for the list`, token.rawName);
    }
    const name = specs[token.name] ? token.name : (negated as string);
    const other = spec.env;
    if (name !== token.name) {
      // `--no-x`: only for switches, and without a value.
      if (spec.type !== "boolean") {
        throw new OptionError(
          `${token.rawName}: unknown option; only switches have a --no- form`,
          token.rawName,
        );
      }
      if (token.value !== undefined) throw new OptionError(`${token.rawName} takes no value`, token.rawName);
      values[name] = convert(spec, "false", token.rawName, other);
    } else if (spec.type === "boolean") {
      values[name] = convert(spec, token.value ?? "true", token.rawName, other);
    } else {
      if (token.value === undefined || (token.value === "" && !spec.parse)) {
        throw new OptionError(`${token.rawName} needs a value`, token.rawName);
      }
      const value = convert(spec, token.value, token.rawName, other);
      // A repeated list option adds to the flags' list; the variable's value is replaced.
      const list = sources[name]?.startsWith("-") ? (values[name] as unknown[]) : [];
      values[name] = spec.multiple ? [...list, value] : value;
    }
    sources[name] = token.rawName;
  }
  // Variables after flags, and only for options no flag set: a flag overrides its variable, so a
  // variable it overrides is not read, and a bad value in it does not stop the command.
  for (const [name, spec] of Object.entries(specs)) {
    const text = spec.env ? env[spec.env] : undefined;
    if (!spec.env || text === undefined || text === "" || sources[name] !== undefined) continue;
    values[name] = convert(spec, text, spec.env, `--${name}`);
    sources[name] = spec.env;
  }
  return {
    values: values as OptionValues<O>,
    sources: sources as Partial<Record<keyof O, string>>,
    positionals,
    rest,
    help,
  };
}

function stray(arg: string): OptionError {
  return new OptionError(`unexpected argument ${JSON.stringify(arg)}; options start with --`, arg);
}

/** The --help text: the usage line, then every option with its variable, default and description. */
export function helpText(command: CommandSpec): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "";
    const flag =
      spec.type === "boolean"
        ? `${short}--${name}, --no-${name}`
        : `${short}--${name} ${spec.value ?? "<value>"}`;
    const shown = spec.defaultText ?? (spec.default === undefined ? undefined : JSON.stringify(spec.default));
    const about = [shown === undefined ? "" : `default ${shown}`, spec.description ?? ""]
      .filter(Boolean)
      .join("  ");
    return [flag, spec.env ?? "", about] as const;
  });
  rows.push(["-h, --help", "", "this text"]);
  const flagWidth = Math.max(...rows.map(([flag]) => flag.length));
  const envWidth = Math.max(...rows.map(([, env]) => env.length));
  const lines = rows.map(([flag, env, about]) =>
    `  ${flag.padEnd(flagWidth)}  ${envWidth ? `${env.padEnd(envWidth)}  ` : ""}${about}`.trimEnd(),
  );
  return [command.usage, "", ...lines, ...(command.notes?.length ? ["", ...command.notes] : [])].join("\n");
}

/**
 * readOptions for an entry point: prints the help and exits 0 when asked for, prints the refusal
 * (after `prefix`) and exits 2 when the command line is wrong.
 */
export function readCommandLine<O extends Record<string, OptionSpec>>(
  command: CommandSpec<O>,
  options: { argv?: readonly string[]; env?: Record<string, string | undefined>; prefix?: string } = {},
): ReadOptions<O> {
  let read: ReadOptions<O>;
  try {
    read = readOptions(command, options.argv ?? process.argv.slice(2), options.env ?? process.env);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    console.error(`${options.prefix ?? ""}${e.message}`);
    process.exit(2);
  }
  if (read.help) {
    console.log(helpText(command as CommandSpec));
    process.exit(0);
  }
  return read;
}
