/**
 * GET /mfa/authenticators and DELETE /mfa/authenticators/{id} (docs/behaviour.md#listing, #removal,
 * #push-pair). A caller only ever sees and deletes its own user's authenticators; another user's id
 * answers exactly like an unknown one.
 */

import { maskedEmailName } from "../factors/email.ts";
import { fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { maskedPhoneName } from "../store/state.ts";
import { bearer } from "./auth.ts";

const AUTHENTICATOR_ID = /^(sms|voice|email|push|totp|recovery-code)\|dev_[A-Za-z0-9]+$/;

/** Answers a GET /mfa/authenticators. */
export function listAuthenticators(rt: Runtime, authorization: string | undefined): Reply {
  const caller = bearer(rt, authorization, "read:authenticators");
  if ("status" in caller) return caller;
  const channelKey = rt.deviates("list-renames-oob_channel") ? "oob_channels" : "oob_channel";
  const unmasked = rt.deviates("unmasked-phone-in-list");
  const items = caller.user.authenticators.map((a) => {
    if (a.kind === "recovery-code")
      return { id: a.id, authenticator_type: "recovery-code", active: a.active };
    // docs/behaviour.md#otp: a TOTP lists without a name, as recorded.
    if (a.kind === "totp") return { id: a.id, authenticator_type: "otp", active: a.active };
    if (a.kind === "email") {
      // docs/behaviour.md#masked-email
      const name = rt.deviates("email-name-unmasked") ? (a.email ?? "") : maskedEmailName(a.email ?? "");
      return { id: a.id, authenticator_type: "oob", active: a.active, [channelKey]: "email", name };
    }
    if (a.kind === "push") {
      // docs/behaviour.md#push: the device's name once it has enrolled; none before, as recorded.
      const item: Record<string, unknown> = { id: a.id, authenticator_type: "oob", active: a.active };
      item[channelKey] = "auth0";
      if (a.deviceName !== undefined) item.name = a.deviceName;
      return item;
    }
    const phone = a.phone ?? "";
    return {
      id: a.id,
      authenticator_type: "oob",
      active: a.active,
      [channelKey]: a.kind,
      name: unmasked ? phone : maskedPhoneName(phone),
    };
  });
  return ok(items);
}

/** Answers a DELETE /mfa/authenticators/{id}; `rawId` is the still percent-encoded path segment. */
export function deleteAuthenticator(rt: Runtime, authorization: string | undefined, rawId: string): Reply {
  const caller = bearer(rt, authorization, "remove:authenticators");
  if ("status" in caller) return caller;
  if (caller.via === "mfa_token") {
    // An mfa_token may list but not delete; the status is a guess (docs/behaviour.md#removal).
    return fail(
      403,
      "access_denied",
      "Deleting an authenticator requires an access token for the MFA API with the remove:authenticators scope.",
    );
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  if (!AUTHENTICATOR_ID.test(id))
    return fail(400, "invalid_request", `The authenticator_id "${id}" is invalid.`);
  // Unknown and other users' ids answer alike (docs/behaviour.md#authenticator-lookup): only the caller's own
  // list is searched.
  if (rt.deviates("push-delete-keeps-totp")) {
    const user = caller.user;
    const paired = user.authenticators.find((a) => a.id === id && a.pairedWith !== undefined);
    if (paired) {
      user.authenticators = user.authenticators.filter((a) => a.id !== id);
      return { status: 204, body: undefined };
    }
  }
  if (!rt.state.deleteAuthenticator(caller.user, id))
    return fail(404, "not_found", "Authenticator not found.");
  return rt.deviates("delete-returns-200") ? ok({}) : { status: 204, body: undefined };
}
