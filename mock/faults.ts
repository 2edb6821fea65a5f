/**
 * Faults a user switches on through the config (`faults` in PUT /__mock/config): added latency (in
 * the server adapter and the request helper, never in the synchronous core), a share of 429 or 5xx
 * answers per operation, and the token-body changes of the named deviations from Auth0 (listed in
 * mock/deviations.ts; the handlers apply the others where the answer changes).
 */

import type { OperationId } from "./http/validation.ts";
import { errors, fail, type Reply } from "./reply.ts";
import type { Runtime } from "./runtime.ts";

/** An injected 429 or 5xx for this operation when its configured share says so. */
export function injectedError(rt: Runtime, op: OperationId): Reply | undefined {
  const rule = rt.config.faults.errorRate[op];
  if (!rule || !(rule.share > 0) || rt.faultRng() >= rule.share) return undefined;
  if (rule.status === 429) {
    const b = rt.config.rateLimitBody;
    return { status: 429, body: { error: b.error, error_description: b.error_description } };
  }
  return fail(errors.injectedFault(rule.status, op));
}

/** Applies the deviations that change a successful token response's fields. */
export function deviateTokenBody(rt: Runtime, body: Record<string, unknown>): void {
  if (rt.deviates("expires-in-string")) body.expires_in = String(body.expires_in);
  if (rt.deviates("token-type-lowercase")) body.token_type = "bearer";
}
