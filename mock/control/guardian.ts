/**
 * A stand-in for Auth0 Guardian, the app on the user's phone, in the control API
 * (docs/behaviour.md#push): a test plays the device and the user's thumb.
 *
 * - `POST /__mock/guardian/enroll {"enrollment_tx_id", "name"?}`: the device scans a push enrollment's
 *   barcode; the push and its totp become active and the poll of the enrollment's oob_code returns
 *   tokens. Answers `{"authenticator_id", "totp_authenticator_id", "totp_secret"}`: Guardian also
 *   shows the codes of the paired totp, so the device gets its secret.
 * - `GET /__mock/guardian/pending?user_id=`: the user's pushes waiting for a tap, oldest first.
 * - `POST /__mock/guardian/respond {"oob_code", "approve": true|false}`: the tap; the next poll of that
 *   oob_code answers tokens or the rejection.
 */
import { errors, fail, ok, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { OobTransaction, PushAuthenticator, TotpAuthenticator } from "../store/records.ts";
import { confirm } from "../store/state.ts";

/** The name a push authenticator lists when the device gave none. */
export const DEFAULT_DEVICE_NAME = "Guardian stand-in";

const MAX_NAME = 100;

/** `POST /__mock/guardian/enroll`: the device scans the barcode of a push enrollment. */
export function guardianEnroll(rt: Runtime, fields: Record<string, unknown>): Reply {
  const txId = fields.enrollment_tx_id;
  if (typeof txId !== "string" || txId === "" || txId.length > 256) {
    return fail(errors.enrollmentTxIdRequired);
  }
  const name = fields.name ?? DEFAULT_DEVICE_NAME;
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME) {
    return fail(errors.invalidString("name", MAX_NAME));
  }
  const tx = rt.state.pushEnrollment(txId);
  if (!live(rt, tx)) return fail(errors.noPushEnrollment);
  if (tx.push.answer !== "pending") {
    return fail(errors.alreadyScanned);
  }
  const user = rt.state.users.get(tx.userId);
  const ids = tx.authenticatorIds;
  const push = user?.authenticators.find(
    (a): a is PushAuthenticator => a.kind === "push" && ids.includes(a.id),
  );
  const totp = user?.authenticators.find(
    (a): a is TotpAuthenticator => a.kind === "totp" && ids.includes(a.id),
  );
  if (!user || !push || !totp) {
    return fail(errors.enrollmentDeleted);
  }
  tx.push.answer = "approved";
  push.deviceName = name;
  // Confirmed by the device, as Guardian confirms it with Auth0; the poll then only fetches tokens.
  confirm(user, tx.authenticatorIds);
  return ok({ authenticator_id: push.id, totp_authenticator_id: totp.id, totp_secret: totp.secret });
}

/** `GET /__mock/guardian/pending?user_id=`: the pushes waiting for the user's tap. */
export function guardianPending(rt: Runtime, query: URLSearchParams): Reply {
  const userId = query.get("user_id");
  if (!userId) return fail(errors.userIdRequired);
  if (!rt.state.users.has(userId)) return fail(errors.noSuchUser);
  const waiting = rt.state
    .pushChallenges(userId)
    .filter((tx) => live(rt, tx) && tx.push.answer === "pending")
    .map((tx) => ({
      oob_code: tx.oobCode,
      authenticator_id: tx.authenticatorIds[0],
      user_id: tx.userId,
      created_at: new Date(tx.createdAt).toISOString(),
      expires_at: new Date(tx.expiresAt).toISOString(),
    }));
  return ok(waiting);
}

/** `POST /__mock/guardian/respond`: the user approves or rejects a push. */
export function guardianRespond(rt: Runtime, fields: Record<string, unknown>): Reply {
  const { oob_code: oobCode, approve } = fields;
  if (typeof oobCode !== "string" || oobCode === "" || oobCode.length > 256) {
    return fail(errors.pushOobCodeRequired);
  }
  if (typeof approve !== "boolean") return fail(errors.approveRequired);
  const tx = rt.state.oobTransaction(oobCode);
  if (!live(rt, tx) || tx.purpose !== "challenge") {
    return fail(errors.noPendingPush);
  }
  if (tx.push.answer !== "pending") return fail(errors.pushAlreadyAnswered);
  tx.push.answer = approve ? "approved" : "rejected";
  return ok({ status: tx.push.answer });
}

/** True for a push transaction that is neither expired nor used up. */
function live(
  rt: Runtime,
  tx: OobTransaction | undefined,
): tx is OobTransaction & { push: NonNullable<OobTransaction["push"]> } {
  return tx !== undefined && tx.push !== undefined && !tx.used && tx.expiresAt > rt.clock.now();
}
