/**
 * Checks requests and responses against the description, with the validators compiled ahead of time
 * by `npm run generate`. Pure (no `node:` imports) so that k6 bundles can include it.
 */
import {
  discriminatorValues,
  type OperationId,
  operations,
  type ResponseSpec,
} from "./generated/operations.ts";
import type { Validator, ValidatorError } from "./generated/validators.js";
import * as compiled from "./generated/validators.js";

export type { OperationId } from "./generated/operations.ts";

/** One way in which a request or response departs from the description. */
/** The description's operation ids, in its order: the one list every part takes them from. */
export const operationIds: readonly OperationId[] = Object.keys(operations) as OperationId[];

/** True when a string names an operation of the description. */
export function isOperationId(value: string): value is OperationId {
  return (operationIds as readonly string[]).includes(value);
}

export interface Finding {
  operation: string;
  status?: number;
  location: "status" | "content-type" | "header" | "body" | "request";
  /** JSON pointer into the body ("" = whole body), or the header name for location "header". */
  pointer: string;
  expected: string;
  actual: string;
  message: string;
}

/** A response as seen by a client: lower-case header names; body parsed JSON, or undefined when empty. */
export interface ResponseLike {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

const validators = compiled as unknown as Record<string, Validator>;

// Values of these fields are never echoed into a finding (they end up in reports).
const SECRET_FIELDS = new Set([
  "mfa_token",
  "oob_code",
  "binding_code",
  "otp",
  "recovery_code",
  "recovery_codes",
  "access_token",
  "id_token",
  "refresh_token",
  "client_secret",
  "client_assertion",
  "password",
  "secret",
  "barcode_uri",
  "phone_number",
  // A list item's name is a masked phone number; when masking drifts it is a real one.
  "name",
]);

/** Lower-cases a media type and drops the blanks around parameters, so equal types compare equal. */
function normalizeMediaType(value: string): string {
  return value
    .split(";")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "")
    .join(";");
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return "integer";
  return typeof value;
}

/** Describes a value for a finding: primitives verbatim (shortened), containers and secrets by type only. */
function showValue(value: unknown, pointer: string): string {
  if (value === undefined) return "missing";
  const secret = pointer.split("/").some((seg) => SECRET_FIELDS.has(seg));
  if (secret)
    return typeof value === "string"
      ? `string of ${value.length} chars (masked)`
      : `${typeName(value)} (masked)`;
  if (value !== null && typeof value === "object") return typeName(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Turns one Ajv error into what was expected and where. */
function explain(e: ValidatorError, body: unknown): { pointer: string; expected: string; actual: string } {
  const p = e.params;
  switch (e.keyword) {
    case "required": {
      const pointer = `${e.instancePath}/${escapePointer(String(p.missingProperty))}`;
      return { pointer, expected: "required property", actual: "missing" };
    }
    case "additionalProperties": {
      const pointer = `${e.instancePath}/${escapePointer(String(p.additionalProperty))}`;
      return {
        pointer,
        expected: "no such property",
        actual: `unexpected ${typeName(valueAt(body, pointer))}`,
      };
    }
    case "false schema":
      return {
        pointer: e.instancePath,
        expected: "property absent",
        actual: showValue(valueAt(body, e.instancePath), e.instancePath),
      };
    case "discriminator": {
      const pointer = `${e.instancePath}/${escapePointer(String(p.tag))}`;
      const values = discriminatorValues[String(p.tag)];
      return {
        pointer,
        expected: values ? `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` : "a documented value",
        actual: showValue(valueAt(body, pointer), pointer),
      };
    }
    default: {
      const expected =
        e.keyword === "type"
          ? String(p.type)
          : e.keyword === "enum"
            ? `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`
            : e.keyword === "const"
              ? JSON.stringify(p.allowedValue)
              : e.keyword === "pattern"
                ? `string matching ${String(p.pattern)}`
                : (e.message ?? e.keyword);
      const value = valueAt(body, e.instancePath);
      const actual = e.keyword === "type" ? typeName(value) : showValue(value, e.instancePath);
      return { pointer: e.instancePath, expected, actual };
    }
  }
}

/** Runs a compiled validator and turns its errors into findings. */
function bodyFindings(
  validatorName: string,
  body: unknown,
  base: { operation: string; status?: number; location: "body" | "request" },
): Finding[] {
  const validate = validators[validatorName];
  if (!validate) throw new Error(`no generated validator ${validatorName}: run npm run generate`);
  if (validate(body)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // "if" only says that a "then"/"else" failed; that error is reported on its own.
    if (e.keyword === "if") continue;
    const { pointer, expected, actual } = explain(e, body);
    const key = `${pointer}\u0000${expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ ...base, pointer, expected, actual, message: e.message ?? e.keyword });
  }
  return findings;
}

function headerFindings(op: OperationId, status: number, spec: ResponseSpec, res: ResponseLike): Finding[] {
  const findings: Finding[] = [];
  for (const [name, h] of Object.entries(spec.headers)) {
    const raw = res.headers[name];
    const base = { operation: op, status, location: "header" as const, pointer: name };
    if (raw === undefined || raw === "") {
      if (h.required)
        findings.push({
          ...base,
          expected: `${h.type} header`,
          actual: "missing",
          message: `missing header ${name}`,
        });
      continue;
    }
    if (h.type !== "integer") continue;
    const value = raw.trim();
    const range = `${h.minimum ?? "-∞"}..${h.maximum ?? "∞"}`;
    if (!/^\d+$/.test(value)) {
      findings.push({
        ...base,
        expected: `integer ${range}`,
        actual: JSON.stringify(raw),
        message: `${name} is not an integer`,
      });
    } else if (
      (h.minimum !== undefined && Number(value) < h.minimum) ||
      (h.maximum !== undefined && Number(value) > h.maximum)
    ) {
      findings.push({
        ...base,
        expected: `integer ${range}`,
        actual: value,
        message: `${name} is out of range`,
      });
    }
  }
  return findings;
}

/** Checks a response of an operation: status, headers, content type and body. */
export function validateResponse(op: OperationId, res: ResponseLike): Finding[] {
  const operation = operations[op];
  const spec = operation.responses[String(res.status)];
  const base = { operation: op, status: res.status };
  if (!spec) {
    const documented = Object.keys(operation.responses).join(", ");
    return [
      {
        ...base,
        location: "status",
        pointer: "",
        expected: `one of ${documented}`,
        actual: String(res.status),
        message: `status ${res.status} is not documented for ${operation.method} ${operation.path}`,
      },
    ];
  }
  const findings = headerFindings(op, res.status, spec, res);
  const contentTypes = Object.keys(spec.content);
  if (contentTypes.length === 0) {
    // No documented body (204): the content type is irrelevant, but a body is drift.
    if (res.body !== undefined && res.body !== null && res.body !== "") {
      findings.push({
        ...base,
        location: "body",
        pointer: "",
        expected: "no body",
        actual: typeName(res.body),
        message: `status ${res.status} has no body`,
      });
    }
    return findings;
  }
  const received = res.headers["content-type"];
  const match = contentTypes.find(
    (ct) => received !== undefined && normalizeMediaType(ct) === normalizeMediaType(received),
  );
  if (!match) {
    findings.push({
      ...base,
      location: "content-type",
      pointer: "content-type",
      expected: contentTypes.join(" or "),
      actual: received ?? "missing",
      message: `content type ${received ?? "missing"} is not documented for status ${res.status}`,
    });
  }
  if (res.body === undefined) {
    findings.push({
      ...base,
      location: "body",
      pointer: "",
      expected: "a JSON body",
      actual: "empty",
      message: "body is empty",
    });
    return findings;
  }
  // With an undocumented content type the body is still checked against the documented one.
  const validator = spec.content[match ?? (contentTypes[0] as string)] as string;
  findings.push(...bodyFindings(validator, res.body, { ...base, location: "body" }));
  return findings;
}

/** Checks a request body (parsed JSON, or form fields as strings) against the operation's content type. */
export function validateRequest(op: OperationId, contentType: string | undefined, body: unknown): Finding[] {
  const operation = operations[op];
  const requestBody = operation.requestBody;
  const base = { operation: op };
  const empty =
    body === undefined ||
    body === null ||
    body === "" ||
    (typeof body === "object" && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!requestBody) {
    return empty
      ? []
      : [
          {
            ...base,
            location: "request",
            pointer: "",
            expected: "no body",
            actual: typeName(body),
            message: `${operation.method} ${operation.path} takes no body`,
          },
        ];
  }
  const declared = Object.keys(requestBody.content);
  // Requests compare the media type only: clients add parameters such as charset=utf-8.
  const essence = contentType === undefined ? undefined : normalizeMediaType(contentType).split(";")[0];
  const match = declared.find((ct) => normalizeMediaType(ct).split(";")[0] === essence);
  if (!match) {
    return [
      {
        ...base,
        location: "content-type",
        pointer: "content-type",
        expected: declared.join(" or "),
        actual: contentType ?? "missing",
        message: `request content type ${contentType ?? "missing"} is not accepted`,
      },
    ];
  }
  if (body === undefined && requestBody.required) {
    return [
      {
        ...base,
        location: "request",
        pointer: "",
        expected: "a body",
        actual: "empty",
        message: "request body is required",
      },
    ];
  }
  return bodyFindings(requestBody.content[match] as string, body, { ...base, location: "request" });
}

// Compiled once: one pattern per operation, tried in table order.
const routes = (Object.keys(operations) as OperationId[]).map((id) => ({
  id,
  method: operations[id].method,
  pattern: new RegExp(operations[id].pathPattern),
}));

/** The operation a method and path (query, fragment and origin ignored; ids may be percent-encoded) address. */
export function operationFor(method: string, path: string): OperationId | undefined {
  const m = method.toUpperCase();
  const p = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").replace(/[?#].*$/, "");
  return routes.find((r) => r.method === m && r.pattern.test(p))?.id;
}

/** One line a person can act on: operation, status, where, what was expected and what came. */
export function formatFinding(f: Finding): string {
  const status = f.status === undefined ? "request" : String(f.status);
  const where =
    f.location === "header" || f.location === "content-type" ? f.pointer : f.pointer || "(whole body)";
  return `${f.operation} ${status} ${f.location} ${where}: expected ${f.expected}, got ${f.actual} (${f.message})`;
}
