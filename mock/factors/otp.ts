/**
 * TOTP as Auth0's authenticator apps use it (docs/behaviour.md#otp): RFC 6238 with SHA1, 6 digits and
 * 30-second steps, on the mock's clock, through `otpauth`. Auth0 also accepts the code of the step
 * before (about a 60-second window); whether it accepts the next one is unknown, so the mock refuses
 * it: an app must not pass here with a code Auth0 may refuse.
 */
import { Secret, TOTP } from "otpauth";
import { lockedOut, recordFailure } from "../limits/throttle.ts";
import { errors, fail, ok } from "../reply.ts";
import { deviceId, randomString } from "../store/random.ts";
import type { TotpAuthenticator } from "../store/records.ts";
import { confirm } from "../store/state.ts";
import { enrolled, type FactorModule, firstRecoveryCode, withPair } from "./factor.ts";

/** The parameters a `barcode_uri` carries (recorded: `algorithm=SHA1&digits=6&period=30`). */
export const TOTP_PARAMETERS = { algorithm: "SHA1", digits: 6, period: 30 } as const;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A fresh secret: 32 base32 characters (160 bits, crypto random), as recorded. */
export function newTotpSecret(): string {
  return randomString(32, BASE32);
}

/** The code of a secret at a time (epoch ms); for the Guardian stand-in's users and for tests. */
export function totpCode(secret: string, at: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), ...TOTP_PARAMETERS, timestamp: at });
}

/** The time step (30-second counter) of an instant. */
export function totpStep(at: number): number {
  return Math.floor(at / 1000 / TOTP_PARAMETERS.period);
}

/**
 * The step a code belongs to when it is the current step's or the one before, and later than
 * `after` (a step already used: each code works once); undefined otherwise.
 */
export function matchTotp(secret: string, code: string, at: number, after?: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    ...TOTP_PARAMETERS,
    timestamp: at,
    window: 1,
  });
  // window 1 also finds the next step's code, which the mock refuses (see the file comment).
  if (delta !== 0 && delta !== -1) return undefined;
  const step = totpStep(at) + delta;
  return after !== undefined && step <= after ? undefined : step;
}

/**
 * The `barcode_uri` of an OTP enrollment, in the recorded order of its parameters:
 * `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
 */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  const i = encodeURIComponent(issuer);
  const p = TOTP_PARAMETERS;
  return `otpauth://totp/${i}:${encodeURIComponent(account)}?secret=${secret}&issuer=${i}&algorithm=${p.algorithm}&digits=${p.digits}&period=${p.period}`;
}

/**
 * OTP: a secret and its barcode at enrollment, confirmed by mfa-otp with a code of it; nothing is sent
 * on a challenge. A totp that is the other half of a push enrollment belongs to the push factor
 * (docs/behaviour.md#push-pair): it is listed and redeemed here, offered and deleted with its push.
 */
export const otpFactor: FactorModule<TotpAuthenticator> = {
  kinds: ["totp"],
  factorOf: (a) => (a.pairedWith === undefined ? "otp" : "push"),
  countsAsEnrolled: true,
  requirement: { type: "otp", enroll: true },

  enrollment: {
    requests: { otp: "otp" },
    enroll(rt, { user, record }) {
      const now = rt.clock.now();
      const secret = newTotpSecret();
      const added: TotpAuthenticator = {
        id: `totp|${deviceId()}`,
        kind: "totp",
        active: false,
        createdAt: now,
        secret,
        enrolledBy: record.token,
      };
      rt.state.addAuthenticators(user, [added], now);
      const recovery = firstRecoveryCode(rt, user, now);
      const body: Record<string, unknown> = {
        authenticator_type: "otp",
        secret,
        barcode_uri: otpauthUri(rt.config.domain, user.email, secret),
      };
      if (recovery !== undefined) body.recovery_codes = [recovery];
      return enrolled(rt, body);
    },
  },

  challenge: {
    type: () => "otp",
    oobChannel: (a) => a.kind,
    // Nothing is sent; the app asks the user for the code of their app.
    start(rt) {
      if (rt.deviates("otp-challenge-returns-oob-code")) {
        return ok({ challenge_type: "oob", oob_code: `Fe26.2**${randomString(32)}` });
      }
      return ok({ challenge_type: "otp" });
    },
  },

  verify: {
    grant: "mfa-otp",
    proof: "otp",
    /**
     * A code of one of the user's active TOTP authenticators (of an offered factor), or of the
     * pending one this mfa_token (or session) enrolled, which it then confirms. A code works once; a
     * wrong one counts as a failed code (docs/behaviour.md#per-user-limits).
     */
    redeem(rt, { user, record, now, proof }) {
      if (proof === undefined) return fail(errors.missingParameter("otp"));
      const locked = lockedOut(rt, user.id);
      if (locked) return locked;
      const factors = rt.config.factors;
      let replayed = false;
      for (const a of user.authenticators) {
        if (a.kind !== "totp") continue;
        const usable = a.active
          ? factors.includes(a.pairedWith === undefined ? "otp" : "push")
          : a.enrolledBy === record.token;
        if (!usable) continue;
        const step = matchTotp(a.secret, proof, now);
        if (step === undefined) continue;
        if (step < totpStep(now) && rt.deviates("otp-previous-step-refused")) continue;
        if (a.lastStep !== undefined && step <= a.lastStep && !rt.deviates("otp-code-reusable")) {
          replayed = true;
          continue;
        }
        a.lastStep = step;
        if (!a.active) confirm(user, [a.id]);
        return { granted: true };
      }
      // A replayed code is refused like a wrong one, but is no guess at a code.
      if (!replayed) recordFailure(rt, user.id);
      return fail(errors.invalidOtp, rt.config);
    },
  },

  // A TOTP lists without a name, as recorded.
  listEntry: (_rt, a) => ({ id: a.id, authenticator_type: "otp", active: a.active }),

  removedWith: (_user, a, rt) => withPair(a, rt),
};
