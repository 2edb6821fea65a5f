/**
 * The one interface every factor family implements (phone, email, otp, push, recovery code): what
 * POST /mfa/associate enrolls, what POST /mfa/challenge starts, what the MFA grants of /oauth/token
 * redeem, what GET /mfa/authenticators lists and what DELETE removes with it. The handlers in
 * operations/ find the module through factors/index.ts and never branch on a factor's kind.
 */

import type { FixedError, Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type {
  Authenticator,
  AuthenticatorKind,
  MfaTokenRecord,
  OobChannel,
  OobTransaction,
  User,
} from "../store/records.ts";
import type { Factor } from "./registry.ts";

/** A deviation name, as the runtime takes it. */
export type Deviation = Parameters<Runtime["deviates"]>[0];

/** The MFA grants of /oauth/token, by the last segment of their URL. */
export type MfaGrant = "mfa-oob" | "mfa-otp" | "mfa-recovery-code";

/** An enrollment request the handler has checked: the factor asked for, who asks, where codes go. */
export interface Enrollment {
  user: User;
  /** The mfa_token (or session) that enrolls; it binds the enrollment's confirmation. */
  record: MfaTokenRecord;
  /** The tenant's factor the request names (for a phone: its channel). */
  factor: Factor;
  /** The value of `address.field` when the factor has one, checked by `address.valid`. */
  address: string | undefined;
}

/** What a grant hands a factor to redeem: the caller, the proof field's value, the oob transaction. */
export interface Verification {
  user: User;
  record: MfaTokenRecord;
  /** The request's time (read once per request). */
  now: number;
  /** The value of `verify.proof` (a non-empty string), or undefined when absent. */
  proof: string | undefined;
  /** The mfa-oob grant's transaction (already found, the caller's, not expired); undefined otherwise. */
  tx: OobTransaction | undefined;
}

/** A redeemed proof: the grant answers tokens, with `extra` fields after them (the next recovery code). */
export interface Granted {
  granted: true;
  extra?: Record<string, unknown>;
}

/** The answer of a redemption: an error reply, or tokens. */
export type Verified = Reply | Granted;

/** Tokens for the grant, without extra fields. */
export const GRANTED: Granted = Object.freeze({ granted: true });

/** One factor family. `A` is the authenticator variant (or variants) it owns. */
export interface FactorModule<A extends Authenticator = Authenticator> {
  /** The authenticator kinds it owns: the prefixes of their ids. */
  readonly kinds: readonly A["kind"][];
  /** The tenant's factor an authenticator counts as (`--factors`); undefined: no factor (own switch). */
  factorOf(a: A): Factor | undefined;
  /** True when an active one makes the user enrolled: an mfa_token then no longer enrolls. */
  readonly countsAsEnrolled: boolean;
  /** Its `mfa_requirements` type, and whether an unenrolled user is offered it to enroll. */
  readonly requirement: { type: string; enroll: boolean };
  /** The per-user limit of what it sends (SMS and voice, emails, pushes), when it sends anything. */
  readonly sendLimit?: (rt: Runtime, userId: string) => Reply | undefined;

  /** POST /mfa/associate: the requests it answers and the enrollment. */
  readonly enrollment?: {
    /** Request → factor: `otp` (authenticator_types ["otp"]) or `oob <channel>` (oob_channels). */
    readonly requests: Readonly<Record<string, Factor>>;
    /** The field naming where codes go, its check and the text of the 400 when it fails. */
    readonly address?: { field: string; valid(value: string): boolean; invalid: FixedError };
    /** Adds the inactive authenticators (and sends the code); answers the associate response. */
    enroll(rt: Runtime, e: Enrollment): Reply;
  };

  /** POST /mfa/challenge; absent: it cannot be challenged (a recovery code). */
  readonly challenge?: {
    /** The `challenge_type` that selects it. */
    type(a: A): "otp" | "oob";
    /** The value of the legacy `oob_channel` parameter that names it. */
    oobChannel(a: A): string;
    /** Starts the challenge of an active authenticator (sends the code, opens the transaction). */
    start(rt: Runtime, user: User, record: MfaTokenRecord, a: A, now: number): Reply;
  };

  /** The /oauth/token grant that redeems its proof. */
  readonly verify?: {
    readonly grant: MfaGrant;
    /** For mfa-oob: the oob transaction channels it redeems. */
    readonly channels?: readonly OobChannel[];
    /** The request field carrying the proof (binding_code, otp, recovery_code); none for a push poll. */
    readonly proof?: string;
    redeem(rt: Runtime, v: Verification): Verified;
  };

  /** Its item in GET /mfa/authenticators; `channelKey` is the name of the oob channel field. */
  listEntry(rt: Runtime, a: A, channelKey: string): Record<string, unknown>;

  /** The ids removed when it is deleted: its own first, then the ones enrolled with it. */
  removedWith(user: User, a: A, rt: Runtime | undefined): string[];

  /**
   * The Management API authentication method it belongs to, when several authenticators make one
   * method (a phone's sms and voice: one `phone|dev_X` listing both). Absent: a method of its own,
   * with its id and its kind as type.
   */
  managementMethod?(a: A): { id: string; type: string; fields: Record<string, unknown> };
}

/** The module type of one kind, for the registry. */
export type ModuleOf<K extends AuthenticatorKind> = FactorModule<Extract<Authenticator, { kind: K }>>;

/** A new pending recovery code for the user's first enrollment, when recovery codes are on. */
export function firstRecoveryCode(rt: Runtime, user: User, now: number): string | undefined {
  const first = !user.authenticators.some((a) => a.active);
  return rt.config.recoveryCodes && first ? rt.state.newPendingRecoveryCode(user, now) : undefined;
}

/** The answer of a successful enrollment (200, or 201 under its deviation). */
export function enrolled(rt: Runtime, body: Record<string, unknown>): Reply {
  return { status: rt.deviates("associate-status-201") ? 201 : 200, body };
}

/**
 * The ids deleted with an authenticator of a push enrollment: it and its other half
 * (docs/behaviour.md#push-pair), unless a deviation keeps the other half.
 */
export function withPair(
  a: { id: string; pairedWith?: string | undefined },
  rt: Runtime | undefined,
): string[] {
  if (a.pairedWith === undefined || rt?.deviates("push-delete-keeps-totp")) return [a.id];
  return [a.id, a.pairedWith];
}
