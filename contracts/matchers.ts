/**
 * Schema matchers: `toConform(operationId)` checks a response against the description and prints
 * each finding (pointer, expected, actual); `toBeError(status, error)` checks an Auth0 error answer.
 * Messages are masked with the secrets the test saw.
 */
import { expect as baseExpect } from "@playwright/test";
import { formatFinding, type OperationId, validateResponse } from "../openapi/validate.ts";
import { maskText } from "../redaction/mask.ts";
import type { ApiResponse } from "./api-client.ts";

/** Masks a text with the secrets the response's test saw, or by shape when it has none. */
function masked(res: ApiResponse | undefined, text: string): string {
  return res?.mask ? res.mask(text) : maskText(text);
}

export const expect = baseExpect.extend({
  /** The response conforms to its operation: status, content type, rate-limit headers, body. */
  toConform(res: ApiResponse, operation?: OperationId) {
    const op = operation ?? res.operation;
    if (!op) {
      return {
        pass: false,
        name: "toConform",
        message: () => "toConform: the response belongs to no described operation",
      };
    }
    const findings = validateResponse(op, { status: res.status, headers: res.headers, body: res.body });
    const pass = findings.length === 0;
    return {
      pass,
      name: "toConform",
      message: () =>
        pass
          ? `expected the ${op} response (${res.status}) not to conform, but it does`
          : `the ${op} response (${res.status}) does not conform:\n${findings.map((f) => `  ${masked(res, formatFinding(f))}`).join("\n")}`,
    };
  },

  /** The response is an Auth0 error with this status and `error` code (and description, when given). */
  toBeError(res: ApiResponse, status: number, error: string, description?: string | RegExp) {
    const body =
      typeof res.body === "object" && res.body !== null ? (res.body as Record<string, unknown>) : {};
    const okDescription =
      description === undefined ||
      (typeof body.error_description === "string" &&
        (typeof description === "string"
          ? body.error_description === description
          : description.test(body.error_description)));
    const pass = res.status === status && body.error === error && okDescription;
    const want = `${status} ${error}${description === undefined ? "" : ` "${String(description)}"`}`;
    const got = `${res.status} ${String(body.error ?? "(no error field)")} "${String(body.error_description ?? "")}"`;
    return {
      pass,
      name: "toBeError",
      message: () => masked(res, pass ? `expected not ${want}` : `expected ${want}\nreceived ${got}`),
    };
  },

  /** A secret (code, token) matches a pattern; the message never shows the value, only its type and length. */
  toMatchSecretly(received: unknown, pattern: RegExp) {
    const pass = typeof received === "string" && pattern.test(received);
    const seen =
      typeof received === "string" ? `a string of ${received.length} characters` : `${typeof received}`;
    return {
      pass,
      name: "toMatchSecretly",
      message: () =>
        `expected a value ${pass ? "not " : ""}matching ${pattern}, received ${seen} (value withheld)`,
    };
  },
});
