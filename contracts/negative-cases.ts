/**
 * Negative rows generated from the description: for an operation's request schema (a grant's
 * variant for /oauth/token), one row per required field dropped, one per property given a wrong
 * type, an empty body and a wrong content type. Hand-written rows from docs/behaviour.md live in the
 * specs next to the behaviour they test.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** One generated negative case: how to spoil a valid body, and the answer the description gives. */
export interface GeneratedRow {
  name: string;
  /** Builds the spoiled request from a valid JSON body. */
  spoil(valid: Record<string, unknown>): { json?: unknown; body?: string; contentType?: string };
  status: number;
  error: string;
}

type Schema = {
  $ref?: string;
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
};

// Read once per worker; the description is the source of truth for which fields exist and are required.
const description = parse(readFileSync(new URL("../openapi/auth0-mfa.yaml", import.meta.url), "utf8")) as {
  paths: Record<
    string,
    Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
  components: { schemas: Record<string, Schema> };
};

/** Follows a local `$ref` (`#/components/schemas/X`). */
function deref(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split("/").pop() ?? "";
  const target = description.components.schemas[name];
  if (!target) throw new Error(`unresolved $ref ${schema.$ref} in the description`);
  return deref(target);
}

/** Required fields and property schemas of an object schema, its allOf parts merged in. */
function flatten(schema: Schema): { required: Set<string>; properties: Map<string, Schema> } {
  const s = deref(schema);
  const required = new Set(s.required ?? []);
  const properties = new Map(Object.entries(s.properties ?? {}).map(([k, v]) => [k, deref(v)] as const));
  for (const part of s.allOf ?? []) {
    const inner = flatten(part);
    for (const r of inner.required) required.add(r);
    for (const [k, v] of inner.properties) if (!properties.has(k)) properties.set(k, v);
  }
  return { required, properties };
}

/** The JSON request schema of an operation; for a oneOf, the variant whose `grant_type` is `variant`. */
function requestSchema(operationId: string, variant?: string): Schema {
  for (const methods of Object.values(description.paths)) {
    for (const op of Object.values(methods)) {
      if (op.operationId !== operationId) continue;
      const schema = op.requestBody?.content["application/json"]?.schema;
      if (!schema) throw new Error(`${operationId} has no JSON request body in the description`);
      const root = deref(schema);
      if (!root.oneOf) return root;
      const match = root.oneOf.find((v) => flatten(v).properties.get("grant_type")?.const === variant);
      if (!match) throw new Error(`${operationId} has no variant with grant_type ${variant}`);
      return match;
    }
  }
  throw new Error(`operation ${operationId} is not in the description`);
}

/** A value of the wrong JSON type for a property schema. */
function wrongTypeValue(schema: Schema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "array") return "oob";
  if (type === "string" || schema.const !== undefined) return 12345;
  return ["wrong", "type"];
}

/** Generated rows for an operation (for `token`, the grant type `variant`). */
export function generatedRows(
  operationId: "associateAuthenticator" | "challenge" | "token",
  variant?: string,
): GeneratedRow[] {
  const { required, properties } = flatten(requestSchema(operationId, variant));
  const rows: GeneratedRow[] = [];
  for (const field of [...required].sort()) {
    rows.push({
      name: `required field ${field} dropped`,
      spoil: (valid) => {
        const { [field]: _dropped, ...rest } = valid;
        return { json: rest };
      },
      status: 400,
      error: "invalid_request",
    });
  }
  for (const [field, schema] of [...properties].sort(([a], [b]) => a.localeCompare(b))) {
    // The discriminator picks the grant: a value of another type names no grant the server supports.
    const discriminator = schema.const !== undefined && field === "grant_type";
    rows.push({
      name: `${field} of the wrong type`,
      spoil: (valid) => ({ json: { ...valid, [field]: wrongTypeValue(schema) } }),
      status: 400,
      error: discriminator ? "unsupported_grant_type" : "invalid_request",
    });
  }
  rows.push({
    name: "empty body",
    spoil: () => ({ body: "", contentType: "application/json" }),
    status: 400,
    error: "invalid_request",
  });
  rows.push({
    name: "wrong content type (text/plain)",
    spoil: (valid) => ({ body: JSON.stringify(valid), contentType: "text/plain" }),
    status: 415,
    error: "invalid_request",
  });
  return rows;
}
