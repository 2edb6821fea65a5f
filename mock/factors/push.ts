/**
 * The push factor (docs/behaviour.md#push, #push-pair): Guardian enrolls a push authenticator and the
 * totp it also shows, each naming the other; the device "scans" the enrollment's barcode (the
 * Guardian stand-in, control/guardian.ts) and the user taps a challenge; the app polls mfa-oob with
 * the oob_code until the tap is there.
 */

import { slowDown, takePush } from "../limits/throttle.ts";
import { errors, fail, ok } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { deviceId, randomString } from "../store/random.ts";
import type { PushAuthenticator, TotpAuthenticator, User } from "../store/records.ts";
import { enrolled, type FactorModule, firstRecoveryCode, withPair } from "./factor.ts";
import { newTotpSecret } from "./otp.ts";

/**
 * A push polled again sooner than this answers slow_down. Auth0 documents no interval; its sample
 * polls every 5 seconds, and the exchange limit (12 a minute) allows as much.
 */
export const PUSH_POLL_INTERVAL_MS = 5000;

/**
 * The push barcode, as recorded: `otpauth://totp/<issuer>:<account>?enrollment_tx_id=…&base_url=…`,
 * whose base_url is here the Guardian stand-in of the control API.
 */
function pushBarcodeUri(rt: Runtime, user: User, enrollmentTxId: string): string {
  const issuer = rt.config.issuer.endsWith("/") ? rt.config.issuer : `${rt.config.issuer}/`;
  const label = `${encodeURIComponent(rt.config.domain)}:${encodeURIComponent(user.email)}`;
  const base = encodeURIComponent(`${issuer}__mock/guardian`);
  if (rt.deviates("push-barcode-without-enrollment-tx")) return `otpauth://totp/${label}?base_url=${base}`;
  return `otpauth://totp/${label}?enrollment_tx_id=${enrollmentTxId}&base_url=${base}`;
}

/** Guardian push. */
export const pushFactor: FactorModule<PushAuthenticator> = {
  kinds: ["push"],
  factorOf: () => "push",
  countsAsEnrolled: true,
  requirement: { type: "push-notification", enroll: true },
  sendLimit: takePush,

  enrollment: {
    requests: { "oob auth0": "push" },
    /**
     * A push authenticator and its totp, and a barcode naming the enrollment transaction that the
     * device "scans" (`POST /__mock/guardian/enroll`) before the poll with the oob_code returns tokens.
     */
    enroll(rt, { user, record }) {
      const now = rt.clock.now();
      const pushId = `push|${deviceId()}`;
      const totpId = `totp|${deviceId()}`;
      const push: PushAuthenticator = {
        id: pushId,
        kind: "push",
        active: false,
        createdAt: now,
        pairedWith: totpId,
      };
      const totp: TotpAuthenticator = {
        id: totpId,
        kind: "totp",
        active: false,
        createdAt: now,
        secret: newTotpSecret(),
        pairedWith: pushId,
      };
      rt.state.addAuthenticators(user, [push, totp], now);
      const recovery = firstRecoveryCode(rt, user, now);
      const enrollmentTxId = randomString(32);
      const tx = rt.state.openOob(
        record,
        "enrollment",
        [pushId, totpId],
        "",
        now,
        rt.config.codeTtlSeconds * 1000,
        "push",
        { answer: "pending", lastPollAt: undefined, enrollmentTxId },
      );
      const body: Record<string, unknown> = {
        authenticator_type: "oob",
        barcode_uri: pushBarcodeUri(rt, user, enrollmentTxId),
      };
      if (recovery !== undefined) body.recovery_codes = [recovery];
      body.oob_channel = "auth0";
      body.oob_code = tx.oobCode;
      return enrolled(rt, body);
    },
  },

  challenge: {
    type: () => "oob",
    oobChannel: () => "auth0",
    // The push waits in the Guardian stand-in for the user's tap.
    start(rt, user, record, a, now) {
      const throttled = takePush(rt, user.id);
      if (throttled) return throttled;
      const ttl = rt.config.codeTtlSeconds * 1000;
      const tx = rt.state.openOob(record, "challenge", [a.id], "", now, ttl, "push", {
        answer: "pending",
        lastPollAt: undefined,
        enrollmentTxId: undefined,
      });
      return ok({ challenge_type: "oob", oob_code: tx.oobCode });
    },
  },

  verify: {
    grant: "mfa-oob",
    channels: ["push"],
    /**
     * A poll: too soon after the last one, slow_down; before the user's tap (or the device's scan),
     * authorization_pending; rejected, access_denied (as recorded; the docs say invalid_grant);
     * approved, tokens. An answered push is used up.
     */
    redeem(rt, { tx, record, user, now }) {
      const push = tx?.push;
      if (tx === undefined || push === undefined || tx.used) {
        return fail(errors.malformedOobCode, rt.config);
      }
      const last = push.lastPollAt;
      push.lastPollAt = now;
      if (last !== undefined && now - last < PUSH_POLL_INTERVAL_MS && !rt.deviates("push-never-slow-down")) {
        return slowDown(rt, record.token, PUSH_POLL_INTERVAL_MS - (now - last));
      }
      if (push.answer === "pending") {
        if (rt.deviates("push-pending-200")) {
          return ok(errors.authorizationPending.body);
        }
        return fail(errors.authorizationPending);
      }
      tx.used = true;
      if (push.answer === "rejected") {
        return rt.deviates("push-rejection-invalid-grant")
          ? fail(errors.rejected, rt.config)
          : fail(errors.pushRejected);
      }
      // The device's scan activated an enrollment (control/guardian.ts); deleted since, nothing is left.
      if (
        tx.purpose === "enrollment" &&
        !user.authenticators.some((a) => tx.authenticatorIds.includes(a.id))
      ) {
        return fail(errors.malformedOobCode, rt.config);
      }
      return { granted: true };
    },
  },

  listEntry(_rt, a, channelKey) {
    // The device's name once it has enrolled; none before, as recorded.
    const item: Record<string, unknown> = { id: a.id, authenticator_type: "oob", active: a.active };
    item[channelKey] = "auth0";
    if (a.deviceName !== undefined) item.name = a.deviceName;
    return item;
  },

  removedWith: (_user, a, rt) => withPair(a, rt),
};
