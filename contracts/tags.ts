/**
 * The tags that place a contract test in the conformance matrix: `@op:<operationId>` (an operation
 * of the description) and `@check:<check>` (a column), one of each at least, several allowed; and,
 * optionally, `@factor:<factor>` (the factor a test exercises, a row of its own in the matrix). The
 * suites' reporter fails a run with a test that lacks the first two or names an unknown value, and the
 * report's matrix reads them.
 */
import { type Factor, factorNames, isFactor } from "../mock/factors/registry.ts";
import { isOperationId, type OperationId, operationIds } from "../openapi/validate.ts";

export const CHECKS = ["status", "body", "headers", "errors", "security", "rate-limits"] as const;
export type Check = (typeof CHECKS)[number];
const isCheck = (v: string): v is Check => (CHECKS as readonly string[]).includes(v);
/** The factors a test may name with `@factor:` (the mock's factor names); each is a row of the matrix. */
export const FACTORS = factorNames;
export type { Factor };

/**
 * The tag of the tests that need MFA on refresh from their target and may install it on a tenant (a
 * post-login Action, tenant/README.md#step-up): a tenant skips them unless asked, and its runner
 * removes the Action after them.
 */
export const STEP_UP_TAG = "@step-up";

const OP_TAG = "@op:";
const CHECK_TAG = "@check:";
const FACTOR_TAG = "@factor:";

/** The values of the tags with a prefix (`@op:`, `@check:`), in order, once each. */
function tagValues(tags: readonly string[], prefix: string): string[] {
  return [...new Set(tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length).trim()))];
}

/** The operations a test declares with `@op:` tags that the description has. */
export function operationsOf(tags: readonly string[]): OperationId[] {
  return tagValues(tags, OP_TAG).filter(isOperationId);
}

/** The checks a test declares with `@check:` tags that the matrix has. */
export function checksOf(tags: readonly string[]): Check[] {
  return tagValues(tags, CHECK_TAG).filter(isCheck);
}

/** The factors a test declares with `@factor:` tags that the matrix has. */
export function factorsOf(tags: readonly string[]): Factor[] {
  return tagValues(tags, FACTOR_TAG).filter(isFactor);
}

/** What keeps a test with these tags out of the matrix (empty when it has its cells). */
export function tagProblems(
  tags: readonly string[],
): Array<{ kind: "untagged" | "unknown-tag"; what: string }> {
  const out: Array<{ kind: "untagged" | "unknown-tag"; what: string }> = [];
  for (const op of tagValues(tags, OP_TAG).filter((v) => !isOperationId(v)))
    out.push({
      kind: "unknown-tag",
      what: `unknown operation in @op:${op} (the description has ${operationIds.join(", ")})`,
    });
  for (const c of tagValues(tags, CHECK_TAG).filter((v) => !isCheck(v)))
    out.push({
      kind: "unknown-tag",
      what: `unknown check in @check:${c} (the matrix has ${CHECKS.join(", ")})`,
    });
  for (const f of tagValues(tags, FACTOR_TAG).filter((v) => !isFactor(v)))
    out.push({
      kind: "unknown-tag",
      what: `unknown factor in @factor:${f} (the matrix has ${FACTORS.join(", ")})`,
    });
  if (operationsOf(tags).length === 0)
    out.push({ kind: "untagged", what: "no @op:<operationId> tag: the matrix cannot place it" });
  if (checksOf(tags).length === 0)
    out.push({ kind: "untagged", what: "no @check:<check> tag: the matrix cannot place it" });
  return out;
}
