/**
 * The value parsers of the configuration's fields. Each takes a value and `text` (true for the text
 * of a flag or variable, false for a JSON or library value), answers the value to keep, and throws
 * an `Expected` saying what is allowed; the caller turns that into a ConfigError naming the option
 * the way its caller wrote it (mock/config/resolve.ts). A parser accepts its own output, so a value
 * read from a flag passes the same check again when the configuration is resolved.
 */
import { isOperationId, type OperationId, operationIds } from "../../openapi/validate.ts";
import { type DeviationName, deviationNames, isDeviationName } from "../deviations.ts";
import { type Factor, factorNames, isFactor, normaliseFactors } from "../factors/registry.ts";
import { isProfileName, profileNames } from "../limits/profiles.ts";
import { ASSERTION_ALGS, isRsaPublicKeyPem } from "../tokens/client-assertion.ts";

/** The statuses an injected fault may answer. */
export const faultStatuses = [429, 500, 502, 503] as const;
/** One of `faultStatuses`. */
export type FaultStatus = (typeof faultStatuses)[number];
/** Injected errors by operation: the status and the share of requests that get it. */
export type ErrorRates = Partial<Record<OperationId, { status: FaultStatus; share: number }>>;

/** Thrown by a parser: what is allowed, and where below the option the problem is (if nested). */
export class Expected {
  constructor(
    readonly allowed: string,
    readonly path = "",
    readonly value?: unknown,
  ) {}
}

/** Turns a value (text from a flag or variable when `text`) into the field's value; throws Expected. */
export type Parser = (value: unknown, text: boolean) => unknown;

/** An integer from `min` to `max`; digits only when read from text. */
export function integer(min: number, max: number): Parser {
  return (value, text) => {
    const n = text && typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw new Expected(`an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** true or false; from text also 1/0, yes/no, on/off. */
export const boolean: Parser = (value, text) => {
  if (typeof value === "boolean") return value;
  if (text && typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
  }
  throw new Expected(text ? "true or false (also 1/0, yes/no, on/off)" : "true or false");
};

/** A string of at most 2048 characters: non-empty unless `empty`, matching `pattern` when given. */
export function string(opts: { empty?: boolean; pattern?: RegExp; allowed?: string } = {}): Parser {
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

/** A host name with an optional port: what Auth0's SDKs take as a domain. */
export const domain = string({
  pattern: /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/,
  allowed: 'a host name with an optional port, without scheme or path (e.g. "tenant.example.com")',
});

/** Where the server listens. */
export const host = string({ pattern: /^[^\s/]+$/, allowed: 'a host name or IP address (e.g. "127.0.0.1")' });

/** A path to a file or folder (the TLS options). */
export const filePath = string({ pattern: /^[^\0]+$/, allowed: "a file or folder path" });

/**
 * The control token: "" (none) or 16 to 512 visible ASCII characters without spaces (what an
 * `Authorization: Bearer` header carries); short tokens are refused because they can be guessed.
 */
export const controlToken: Parser = (value) => {
  if (value === "" || (typeof value === "string" && /^[\x21-\x7e]{16,512}$/.test(value))) return value;
  throw new Expected('"" (none) or 16 to 512 visible ASCII characters without spaces');
};

const hostName = /^\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$|^\[[0-9a-f:.]+\]$/;

/**
 * Host names a request's Host may carry besides loopback and the domain: comma-separated from text,
 * an array otherwise; each a name or IP (IPv6 in brackets), no port, lower-cased; a leading "."
 * allows the name and its subdomains (as Vite's allowedHosts).
 */
export const allowedHosts: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = `${text ? "a comma-separated list" : "an array"} of host names (no port)`;
  if (!Array.isArray(list) || list.length > 100) throw new Expected(allowed);
  return list.map((item, i): string => {
    const name = typeof item === "string" ? item.trim().toLowerCase() : "";
    if (name.length > 253 || !hostName.test(name)) {
      throw new Expected('a host name or IP address without port (e.g. "mock.internal")', `[${i}]`, item);
    }
    return name;
  });
};

/** The request log's target: "" (off), "stdout", or a file path. */
export const logTarget: Parser = (value) => {
  if (value === "" || value === "stdout" || (typeof value === "string" && /^[^\0]{1,4096}$/.test(value))) {
    return value;
  }
  throw new Expected('"stdout", a file path, or "" (off)');
};

/**
 * The issuer: an http(s) URL without query or fragment that ends in "/" (Auth0's is
 * `https://<domain>/`). Refused rather than completed without its slash (docs/behaviour.md#issuer):
 * `iss` is compared as text, so the mock answers exactly what was given or nothing.
 */
export const url: Parser = (value) => {
  if (typeof value === "string") {
    try {
      const u = new URL(value);
      if (
        (u.protocol === "https:" || u.protocol === "http:") &&
        !u.search &&
        !u.hash &&
        value.endsWith("/")
      ) {
        return value;
      }
    } catch {}
  }
  throw new Expected(
    'an http(s) URL that ends in "/", without query or fragment (e.g. "https://tenant.example.com/")',
  );
};

/**
 * A list of http(s) URLs (the login surface's callback URLs and web origins; docs/behaviour.md#login):
 * comma-separated as text, an array otherwise; empty means any loopback origin.
 */
export const urlList: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = `${text ? "a comma-separated list" : "an array"} of http(s) URLs`;
  if (!Array.isArray(list) || list.length > 100) throw new Expected(allowed);
  return list.map((item, i): string => {
    const u = typeof item === "string" ? item.trim() : "";
    try {
      const parsed = new URL(u);
      if ((parsed.protocol === "https:" || parsed.protocol === "http:") && !parsed.hash) return u;
    } catch {}
    throw new Expected(
      'an http(s) URL without fragment (e.g. "https://app.example.com/callback")',
      `[${i}]`,
      item,
    );
  });
};

/**
 * A list of names (comma-separated as text, an array otherwise), each matching `item`; at most 100.
 * What MFA on refresh narrows to (docs/behaviour.md#mfa-on-refresh): audiences and scopes.
 */
function nameList(what: string, item: RegExp, example: string): Parser {
  return (value, text) => {
    const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
    if (!Array.isArray(list) || list.length > 100) {
      throw new Expected(`${text ? "a comma-separated list" : "an array"} of ${what}`);
    }
    return list.map((entry, i): string => {
      const name = typeof entry === "string" ? entry.trim() : "";
      if (name.length > 600 || !item.test(name)) throw new Expected(example, `[${i}]`, entry);
      return name;
    });
  };
}

/** API identifiers (audiences): visible ASCII without commas, e.g. "https://api.example.com/". */
export const audienceList = nameList(
  "audiences (API identifiers)",
  /^[\x21-\x2b\x2d-\x7e]+$/,
  'an API identifier: visible ASCII without spaces or commas (e.g. "https://api.example.com/")',
);

/** Scope tokens (RFC 6749 §3.3: no space, `"` or `\`), and no commas, e.g. "transfer:funds". */
export const scopeList = nameList(
  "scopes",
  /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/,
  "a scope token: visible ASCII without spaces, commas, '\"' or '\\' (e.g. \"transfer:funds\")",
);

/** "" (the mock makes the key pair) or an RSA public key in PEM. */
export const publicKeyPem: Parser = (value) => {
  if (value === "" || (typeof value === "string" && value.length <= 8192 && isRsaPublicKeyPem(value))) {
    return value;
  }
  throw new Expected('"" (the mock generates the key pair) or an RSA public key in PEM');
};

/** A client_assertion algorithm the mock verifies. */
export const assertionAlg: Parser = (value) => {
  if ((ASSERTION_ALGS as readonly unknown[]).includes(value)) return value;
  throw new Expected(`one of ${ASSERTION_ALGS.join(", ")}`);
};

/** A rate-limit profile's name. */
export const profile: Parser = (value) => {
  if (isProfileName(value)) return value;
  throw new Expected(`one of ${profileNames.join(", ")}`);
};

/** A 4xx status (the configurable answers). */
export const clientStatus = integer(400, 499);

/** A list of deviation names: comma-separated from text, an array otherwise. */
export const deviations: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = text
    ? "a comma-separated list of deviation names"
    : "an array of deviation names (strings)";
  if (!Array.isArray(list) || list.length > 100) throw new Expected(allowed);
  return list.map((item, i): DeviationName => {
    const name = typeof item === "string" ? item.trim() : "";
    if (name === "" || name.length > 100)
      throw new Expected(`a non-empty name of at most 100 characters`, `[${i}]`, item);
    if (!isDeviationName(name))
      throw new Expected(
        `a known deviation (GET /__mock/deviations): ${deviationNames.join(", ")}`,
        `[${i}]`,
        item,
      );
    return name;
  });
};

/** Injected errors: `challenge=503:0.1,...` from text, `{challenge: {status, share}}` otherwise. */
export const errorRate: Parser = (value, text) => {
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
  const out: ErrorRates = {};
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
    out[op] = { status: status as FaultStatus, share };
  }
  return out;
};

/** The factors a tenant offers: comma-separated from text, an array otherwise; email never alone. */
export const factors: Parser = (value, text) => {
  const list = text && typeof value === "string" ? (value.trim() === "" ? [] : value.split(",")) : value;
  const allowed = `${text ? "a comma-separated list" : "an array"} of factors (${factorNames.join(", ")})`;
  if (!Array.isArray(list) || list.length > factorNames.length * 2) throw new Expected(allowed);
  const named = list.map((item, i): Factor => {
    const name = typeof item === "string" ? item.trim() : item;
    if (!isFactor(name)) throw new Expected(`one of ${factorNames.join(", ")}`, `[${i}]`, item);
    return name;
  });
  // No factor at all is a tenant where every MFA call fails: refused, from every caller alike.
  if (named.length === 0) throw new Expected(`${allowed}, at least one`);
  const normal = normaliseFactors(named);
  if (typeof normal === "string") throw new Expected(`${allowed}; ${normal}`);
  return normal;
};

/** The body of a throttled answer: exactly `error` and `error_description`, both non-empty. */
export const rateLimitBody: Parser = (value) => {
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

/**
 * The library's `tls` option: true, false, or `{dir?, cert?, key?}` (file paths). The command line
 * spells the object's fields as flags of their own (`--tls-cert`), each with its own parser.
 */
export const tlsOption: Parser = (value) => {
  if (typeof value === "boolean") return value;
  const allowed = "true, false or an object with dir, cert and key (file paths)";
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Expected(allowed);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key !== "dir" && key !== "cert" && key !== "key")
      throw new Expected(`absent: only "dir", "cert" and "key" are allowed`, `.${key}`, v);
    try {
      out[key] = filePath(v, false) as string;
    } catch (e) {
      throw e instanceof Expected ? new Expected(e.allowed, `.${key}`, v) : e;
    }
  }
  return out;
};

/** A value as an error message shows it: JSON, cut at 80 characters. */
export function show(value: unknown): string {
  const s = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
