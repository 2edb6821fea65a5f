/**
 * The one place the mock calls the description's validators (openapi/validate.ts): requests before
 * they touch state, and, in test mode (`validateResponses`), every response it sends. Findings of a
 * request become the 400/415 Auth0 would answer, in its wording where docs/behaviour.md#failure-answers gives
 * one.
 */

import { operations } from "../../openapi/generated/operations.ts";
import type { Validator } from "../../openapi/generated/validators.js";
import * as compiled from "../../openapi/generated/validators.js";
import {
  type Finding,
  formatFinding,
  type OperationId,
  type ResponseLike,
  validateRequest,
  validateResponse,
} from "../../openapi/validate.ts";
import { errors, fail, type Reply } from "../reply.ts";
import { mediaType } from "./body.ts";

export type { Finding, OperationId };

// Operation → media type (lower case, no parameters) → the generated validator validateRequest uses
// for a body of that type (the first declared one, as it picks). Built once.
const requestValidators = new Map<OperationId, Map<string, Validator>>();
for (const op of Object.keys(operations) as OperationId[]) {
  const byType = new Map<string, Validator>();
  for (const [type, name] of Object.entries(operations[op].requestBody?.content ?? {})) {
    const validator = (compiled as unknown as Record<string, Validator | undefined>)[name];
    const key = mediaType(type);
    if (validator && !byType.has(key)) byType.set(key, validator);
  }
  requestValidators.set(op, byType);
}

/** The answer to a request the description rejects, or undefined when it is valid. */
export function checkRequest(
  op: OperationId,
  contentType: string | undefined,
  fields: object,
): Reply | undefined {
  // An empty body is judged by its (missing) fields, as Auth0 does, not by its content type.
  const empty = !hasKeys(fields);
  // The common case without validateRequest's bookkeeping, and the same answer by construction: a
  // non-empty body of a declared media type that its generated validator accepts has no findings
  // there either. Everything else, and every rejection (for its findings), takes the full path.
  if (!empty && contentType !== undefined) {
    const validator = requestValidators.get(op)?.get(mediaType(contentType));
    if (validator?.(fields)) return undefined;
  }
  const findings = validateRequest(op, empty ? (contentType ?? "application/json") : contentType, fields);
  const f = findings[0];
  if (!f) return undefined;
  if (f.location === "content-type") {
    // The same wording as body.ts's 415: the finding's `expected` names the accepted types.
    return fail(errors.unsupportedContentType(contentType ?? "", f.expected));
  }
  const field = f.pointer.split("/")[1] ?? "";
  if (f.expected === "required property") return fail(errors.missingParameter(field));
  if (op === "token" && field === "grant_type") {
    const grant = (fields as Record<string, unknown>).grant_type;
    return fail(errors.unsupportedGrantType(String(grant)));
  }
  return fail(errors.invalidParameter(field, f.expected));
}

/** Findings for a response the mock is about to send. */
export function checkResponse(op: OperationId, res: ResponseLike): Finding[] {
  return validateResponse(op, res);
}

/** One line a person can act on. */
export function describeFinding(f: Finding): string {
  return formatFinding(f);
}

/** True when an object has an own enumerable key (without building the key array on every request). */
function hasKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}
