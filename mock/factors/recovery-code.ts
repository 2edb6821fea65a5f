/**
 * The recovery code (docs/behaviour.md#recovery-codes): no request enrolls it; the user's first
 * enrollment issues it (factor.ts `firstRecoveryCode`) and its confirmation activates it. It is never
 * challenged; mfa-recovery-code redeems it and answers the next one. `--recovery-codes` switches it,
 * not `--factors`.
 */

import { lockedOut, recordFailure } from "../limits/throttle.ts";
import { errors, fail } from "../reply.ts";
import type { RecoveryCodeAuthenticator } from "../store/records.ts";
import type { FactorModule } from "./factor.ts";

/** The recovery code. */
export const recoveryCodeFactor: FactorModule<RecoveryCodeAuthenticator> = {
  kinds: ["recovery-code"],
  factorOf: () => undefined,
  countsAsEnrolled: false,
  requirement: { type: "recovery-code", enroll: false },

  verify: {
    grant: "mfa-recovery-code",
    proof: "recovery_code",
    redeem(rt, { user, proof }) {
      if (proof === undefined) return fail(errors.missingParameter("recovery_code"));
      const locked = lockedOut(rt, user.id);
      if (locked) return locked;
      const active = user.authenticators.some((a) => a.kind === "recovery-code" && a.active);
      if (!active || user.recoveryCode === undefined || proof.toUpperCase() !== user.recoveryCode) {
        recordFailure(rt, user.id);
        return fail(errors.rejected, rt.config);
      }
      // Used, it is replaced: the old one stops working.
      if (rt.deviates("recovery-code-not-rotated")) return { granted: true };
      return { granted: true, extra: { recovery_code: rt.state.rotateRecoveryCode(user) } };
    },
  },

  listEntry: (_rt, a) => ({ id: a.id, authenticator_type: "recovery-code", active: a.active }),

  removedWith: (_user, a) => [a.id],
};
