/**
 * GET /mfa/authenticators and DELETE /mfa/authenticators/{id} (docs/behaviour.md#listing, #removal,
 * #push-pair). A caller only ever sees and deletes its own user's authenticators; another user's id
 * answers exactly like an unknown one.
 */

import { authenticatorKinds, factorModule, removeAuthenticator } from "../factors/index.ts";
import { errors, fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { bearer } from "./auth.ts";

/** `<kind>|dev_<alphanumerics>` for every registered kind. */
const AUTHENTICATOR_ID = new RegExp(`^(${authenticatorKinds.join("|")})\\|dev_[A-Za-z0-9]+$`);

/** Answers a GET /mfa/authenticators. */
export function listAuthenticators(rt: Runtime, authorization: string | undefined): Reply {
  const caller = bearer(rt, authorization, "read:authenticators");
  if ("status" in caller) return caller;
  const channelKey = rt.deviates("list-renames-oob_channel") ? "oob_channels" : "oob_channel";
  const items = caller.user.authenticators.map((a) => factorModule(a).listEntry(rt, a, channelKey));
  return ok(items);
}

/** Answers a DELETE /mfa/authenticators/{id}; `rawId` is the still percent-encoded path segment. */
export function deleteAuthenticator(rt: Runtime, authorization: string | undefined, rawId: string): Reply {
  const caller = bearer(rt, authorization, "remove:authenticators");
  if ("status" in caller) return caller;
  if (caller.via === "mfa_token") {
    // An mfa_token may list but not delete; the status is a guess (docs/behaviour.md#removal).
    return fail(errors.deleteNeedsAccessToken);
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  if (!AUTHENTICATOR_ID.test(id)) return fail(errors.malformedAuthenticatorId(id));
  // Unknown and other users' ids answer alike (docs/behaviour.md#authenticator-lookup): only the caller's own
  // list is searched.
  if (!removeAuthenticator(rt.state, caller.user, id, rt)) return fail(errors.authenticatorNotFound);
  return rt.deviates("delete-returns-200") ? ok({}) : { status: 204, body: undefined };
}
