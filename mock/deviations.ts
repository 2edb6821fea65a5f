/**
 * The named deviations from Auth0 that `faults.deviations` accepts. Each makes the mock wrong in one
 * way a client can see over HTTP (mock/faults.ts and the handlers apply them); the contract suites'
 * mutation run switches them on one at a time and must catch every one. A module of its own (it
 * imports only the configuration's errors), so the configuration parser can refuse an unknown name
 * where it reads one, and `DeviationName` makes a misspelt name in code fail the type-check.
 */
import { UnknownDeviationError } from "./config/errors.ts";

export { UnknownDeviationError };

/** One named deviation: its name and what it breaks. */
export interface Deviation {
  name: string;
  /** The Auth0 behaviour the deviation violates, and how a client sees it. */
  breaks: string;
}

/** Every named deviation; the names are what `faults.deviations` accepts. */
export const deviations = [
  {
    name: "associate-status-201",
    breaks: "POST /mfa/associate succeeds with 201 instead of 200 (docs/behaviour.md#enrollment).",
  },
  {
    name: "list-renames-oob_channel",
    breaks:
      "GET /mfa/authenticators items carry `oob_channels` instead of `oob_channel` (docs/behaviour.md#oob-channel, #listing).",
  },
  {
    name: "missing-ratelimit-headers",
    breaks:
      "x-ratelimit-limit/remaining/reset are missing from every response (docs/behaviour.md#limit-metadata).",
  },
  {
    name: "binding-code-reusable",
    breaks:
      "an oob_code + binding_code accepted once is accepted again: replay returns tokens (docs/behaviour.md#binding-codes).",
  },
  {
    name: "wrong-mfa-required-status",
    breaks:
      "the password grants answer mfa_required with 401 instead of 403 (docs/behaviour.md#mfa-required).",
  },
  {
    name: "unmasked-phone-in-list",
    breaks: "list item `name` is the full phone number, not masked (docs/behaviour.md#masked-name).",
  },
  {
    name: "missing-binding-method",
    breaks:
      'associate and challenge answers for sms/voice lack binding_method: "prompt" (docs/behaviour.md#enrollment, #challenge-answer).',
  },
  {
    name: "expires-in-string",
    breaks: "token responses carry expires_in as a string, not an integer (docs/behaviour.md#issued-tokens).",
  },
  {
    name: "wrong-content-type",
    breaks: "responses are text/html instead of application/json (docs/behaviour.md#response-media-types).",
  },
  {
    name: "no-retry-after",
    breaks: "429 answers lack the retry-after header (docs/behaviour.md#limit-metadata).",
  },
  {
    name: "lockout-never-triggers",
    breaks:
      'the 11th wrong code still answers "Invalid binding_code.", never the lockout (docs/behaviour.md#per-user-limits).',
  },
  {
    name: "foreign-authenticator-reveals-existence",
    breaks:
      "challenging another user's authenticator_id answers 403 instead of the unknown-id 400 (docs/behaviour.md#authenticator-lookup).",
  },
  {
    name: "expired-mfa-token-accepted",
    breaks:
      "an mfa_token past its lifetime still works instead of expired_token (docs/behaviour.md#mfa-token-lifetime, #failure-answers).",
  },
  {
    name: "oob-code-never-expires",
    breaks:
      "an oob_code older than 5 minutes is still exchanged instead of expired_token (docs/behaviour.md#binding-codes).",
  },
  {
    name: "recovery-code-not-rotated",
    breaks:
      "mfa-recovery-code returns no new recovery_code and the used one keeps working (docs/behaviour.md#recovery-codes).",
  },
  {
    name: "already-enrolled-not-enforced",
    breaks:
      "an mfa_token may associate again after a factor is active, instead of 403 (docs/behaviour.md#already-enrolled).",
  },
  {
    name: "sms-voice-not-paired",
    breaks:
      "enrolling sms with voice enabled creates one authenticator instead of the sms/voice pair (docs/behaviour.md#sms-voice-pair).",
  },
  {
    name: "delete-returns-200",
    breaks: "DELETE /mfa/authenticators/{id} answers 200 {} instead of 204 (docs/behaviour.md#removal).",
  },
  {
    name: "token-type-lowercase",
    breaks:
      'token responses carry token_type "bearer" instead of "Bearer" (docs/behaviour.md#issued-tokens).',
  },
  {
    name: "client-assertion-replayable",
    breaks:
      "a client_assertion is accepted again with the same jti, though Auth0 documents it as single use.",
  },
  {
    name: "public-client-needs-secret",
    breaks:
      "the public client (authentication method None) is refused without a client_secret, though Auth0 requires one only for Post and Basic.",
  },
  {
    name: "otp-code-reusable",
    breaks:
      "an OTP code accepted once is accepted again in its step: a replay returns tokens (docs/behaviour.md#otp).",
  },
  {
    name: "otp-previous-step-refused",
    breaks:
      "mfa-otp accepts the current step's code only, refusing the previous step's that Auth0 accepts (docs/behaviour.md#otp).",
  },
  {
    name: "otp-challenge-returns-oob-code",
    breaks:
      'POST /mfa/challenge for a totp answers {"challenge_type":"oob","oob_code":…} instead of exactly {"challenge_type":"otp"} (docs/behaviour.md#otp).',
  },
  {
    name: "email-missing-binding-method",
    breaks:
      'associate and challenge answers for email lack binding_method: "prompt" (docs/behaviour.md#email).',
  },
  {
    name: "email-name-unmasked",
    breaks: "an email list item's `name` is the full address, not masked (docs/behaviour.md#masked-email).",
  },
  {
    name: "email-limit-never-triggers",
    breaks:
      "the 21st email to a user is still sent, never 429 Too many emails (docs/behaviour.md#factor-limits).",
  },
  {
    name: "push-barcode-without-enrollment-tx",
    breaks:
      "a push enrollment's barcode_uri lacks enrollment_tx_id, so no device can enroll (docs/behaviour.md#push).",
  },
  {
    name: "push-pending-200",
    breaks:
      "a push poll before the scan or the tap answers 200 with the authorization_pending error instead of 400 (docs/behaviour.md#push).",
  },
  {
    name: "push-rejection-invalid-grant",
    breaks:
      "a rejected push's poll answers 403 invalid_grant (the docs' version) instead of the recorded 400 access_denied (docs/behaviour.md#push).",
  },
  {
    name: "push-never-slow-down",
    breaks:
      "a push polled again within 5 seconds answers as if on time, never 429 slow_down (docs/behaviour.md#push).",
  },
  {
    name: "push-delete-keeps-totp",
    breaks: "deleting a push leaves its paired totp behind (docs/behaviour.md#push-pair).",
  },
  {
    name: "push-limit-never-triggers",
    breaks:
      "the 6th push to a user within a minute is still sent, never 429 Too many push notifications (docs/behaviour.md#factor-limits).",
  },
  {
    name: "disabled-factor-enrolls",
    breaks:
      "a factor the tenant does not offer is enrolled anyway instead of 400 unsupported_challenge_type (docs/behaviour.md#factors).",
  },
  {
    name: "code-reusable",
    breaks:
      "an authorization code exchanged once is exchanged again: the replay returns tokens (docs/behaviour.md#code-grant).",
  },
  {
    name: "pkce-not-checked",
    breaks:
      "the authorization_code grant ignores code_verifier: a wrong one returns tokens (docs/behaviour.md#code-grant).",
  },
  {
    name: "refresh-not-rotated",
    breaks:
      "a refresh answers no new refresh_token although rotation is on (docs/behaviour.md#refresh-tokens).",
  },
  {
    name: "refresh-reuse-not-detected",
    breaks:
      "a refresh token rotated away is exchanged again and answers tokens, and its family stays valid, instead of 403 invalid_grant revoking the family (docs/behaviour.md#refresh-tokens).",
  },
  {
    name: "mfa-required-without-token",
    breaks:
      "a refresh refused with mfa_required carries no mfa_token, so no SDK can continue (docs/behaviour.md#mfa-on-refresh).",
  },
  {
    name: "cors-missing",
    breaks:
      "answers to an allowed web origin carry no CORS headers (preflight included), so a browser SDK fails at its first token call (docs/behaviour.md#cors).",
  },
  {
    name: "userinfo-expired-token-accepted",
    breaks:
      "/userinfo answers the profile for an access token past its exp instead of 401 invalid_token (docs/behaviour.md#userinfo).",
  },
] as const satisfies readonly Deviation[];

/** A deviation's name: a literal union, so `rt.deviates("no-retry-afterr")` fails the type-check. */
export type DeviationName = (typeof deviations)[number]["name"];

/** Deviation names, for config validation and the control API. */
export const deviationNames: readonly DeviationName[] = deviations.map((d) => d.name);

const known: ReadonlySet<string> = new Set(deviationNames);

/** True when `value` is the name of a deviation. */
export function isDeviationName(value: unknown): value is DeviationName {
  return typeof value === "string" && known.has(value);
}

/** Returns the names when each is a known deviation; otherwise throws naming `source`, the unknown name and the known ones. */
export function checkDeviationNames(names: readonly string[], source: string): DeviationName[] {
  const unknown = names.find((n) => !isDeviationName(n));
  if (unknown !== undefined) {
    throw new UnknownDeviationError(
      `${source}: unknown deviation "${unknown}"; known: ${deviationNames.join(", ")}`,
      source,
    );
  }
  return [...names] as DeviationName[];
}
