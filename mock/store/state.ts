/**
 * The mock tenant's data: users, their authenticators, outstanding mfa_tokens and oob transactions.
 * Everything is bounded: expired entries are swept lazily (on lookup) and in bulk every few thousand
 * writes or when a cap is reached; a cap that still holds after a sweep makes the write fail with a
 * clear answer instead of growing without end.
 */

import { en, Faker } from "@faker-js/faker";
import { LoginStore } from "./login.ts";
import { createRng, deviceId, opaqueToken, recoveryCode } from "./random.ts";
import type {
  Authenticator,
  Client,
  MfaTokenRecord,
  OobChannel,
  OobTransaction,
  PushState,
  User,
} from "./records.ts";

export interface StateLimits {
  maxUsers: number;
  maxMfaTokens: number;
  maxOobTransactions: number;
  /** A new challenge beyond this many live transactions per mfa_token invalidates the oldest. */
  maxOobPerMfaToken: number;
  /** Pending plus active authenticators per user (Auth0 blocks after 50 enrollment attempts). */
  maxAuthenticatorsPerUser: number;
  /** Unconfirmed authenticators are dropped after this long (Auth0: 24 hours). */
  pendingAuthenticatorTtlMs: number;
}

const defaultStateLimits: StateLimits = {
  maxUsers: 20_000,
  maxMfaTokens: 200_000,
  maxOobTransactions: 200_000,
  maxOobPerMfaToken: 20,
  maxAuthenticatorsPerUser: 50,
  pendingAuthenticatorTtlMs: 24 * 3600 * 1000,
};

const SWEEP_EVERY_WRITES = 4096;

/** A store is full even after sweeping; the app answers 429 with the message. */
export class CapacityError extends Error {}

/** Users, authenticators, mfa_tokens and oob transactions of one mock tenant. */
export class MockState {
  readonly users = new Map<string, User>();
  readonly clients = new Map<string, Client>();
  /** The login surface's sessions, codes and refresh-token families (store/login.ts). */
  readonly login = new LoginStore();
  private readonly logins = new Map<string, User>();
  private readonly mfaTokens = new Map<string, MfaTokenRecord>();
  private readonly oob = new Map<string, OobTransaction>();
  /** The live push transactions (a subset of `oob`), for the Guardian stand-in's lookups. */
  private readonly pushes = new Map<string, OobTransaction>();
  /** enrollment_tx_id → oob_code of a push enrollment. */
  private readonly enrollments = new Map<string, string>();
  private readonly faker: Faker;
  private readonly rng: () => number;
  private writes = 0;
  private created = 0;

  constructor(
    seed: number,
    seededUsers: number,
    clients: readonly Client[],
    readonly limits: StateLimits = defaultStateLimits,
  ) {
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(seed);
    this.rng = createRng(seed);
    for (const client of clients) this.clients.set(client.clientId, client);
    for (let i = 0; i < seededUsers; i++) this.createUser({});
  }

  /** Creates a user with faker data for the fields not given; throws CapacityError when full. */
  createUser(opts: { username?: string; password?: string; email?: string }): User {
    if (this.users.size >= this.limits.maxUsers) {
      throw new CapacityError(`The mock holds at most ${this.limits.maxUsers} users; POST /__mock/reset.`);
    }
    const n = ++this.created;
    const first = this.faker.person.firstName();
    const last = this.faker.person.lastName();
    // The ordinal keeps generated names unique however the generator repeats itself.
    const username =
      opts.username ??
      `${this.faker.internet.username({ firstName: first, lastName: last })}.${n}`.toLowerCase();
    const email = opts.email ?? (opts.username?.includes("@") ? opts.username : `${username}@example.com`);
    // Generated passwords always meet Auth0's "good" policy (upper, lower, digit, special).
    const password = opts.password ?? `${this.faker.internet.password({ length: 12 })}a7!Q`;
    let hex = "";
    for (let i = 0; i < 24; i++) hex += Math.floor(this.rng() * 16).toString(16);
    const user: User = {
      id: `auth0|${hex}`,
      username,
      email: email.toLowerCase(),
      password,
      name: `${first} ${last}`,
      authenticators: [],
      recoveryCode: undefined,
    };
    this.users.set(user.id, user);
    this.logins.set(user.username.toLowerCase(), user);
    this.logins.set(user.email, user);
    return user;
  }

  /** True when a username or email is taken. */
  loginTaken(login: string): boolean {
    return this.logins.has(login.toLowerCase());
  }

  /** The user for a username or email, case-insensitive. */
  findLogin(login: string): User | undefined {
    return this.logins.get(login.toLowerCase());
  }

  /** Issues an mfa_token; throws CapacityError when too many are live. */
  issueMfaToken(
    user: User,
    clientId: string,
    audience: string | undefined,
    scope: string,
    now: number,
    ttlMs: number,
  ): MfaTokenRecord {
    this.noteWrite(now, this.mfaTokens.size >= this.limits.maxMfaTokens);
    if (this.mfaTokens.size >= this.limits.maxMfaTokens) {
      throw new CapacityError(`The mock holds at most ${this.limits.maxMfaTokens} live mfa_tokens.`);
    }
    const record: MfaTokenRecord = {
      token: opaqueToken("Fe26.2*"),
      kind: "mfa_token",
      userId: user.id,
      clientId,
      audience,
      scope,
      expiresAt: now + ttlMs,
      oobCodes: [],
    };
    this.mfaTokens.set(record.token, record);
    return record;
  }

  /** Records an MFA-audience access token as a session, so the enrollments it starts can be confirmed. */
  adoptSession(
    token: string,
    user: User,
    clientId: string,
    expiresAt: number,
    scope: string,
    now: number,
  ): MfaTokenRecord {
    this.noteWrite(now, this.mfaTokens.size >= this.limits.maxMfaTokens);
    if (this.mfaTokens.size >= this.limits.maxMfaTokens) {
      throw new CapacityError(`The mock holds at most ${this.limits.maxMfaTokens} live sessions.`);
    }
    const record: MfaTokenRecord = {
      token,
      kind: "access_token",
      userId: user.id,
      clientId,
      audience: undefined,
      scope,
      expiresAt,
      oobCodes: [],
    };
    this.mfaTokens.set(token, record);
    return record;
  }

  /** The record of an mfa_token, expired or not (callers answer "expired" differently from "unknown"). */
  mfaToken(token: string): MfaTokenRecord | undefined {
    return this.mfaTokens.get(token);
  }

  /**
   * Opens an oob transaction (enrollment or challenge): with its 6-digit code for sms, voice and
   * email, with a push state (and no code) for push.
   */
  openOob(
    record: MfaTokenRecord,
    purpose: OobTransaction["purpose"],
    authenticatorIds: string[],
    code: string,
    now: number,
    ttlMs: number,
    channel: OobChannel = "sms",
    push: PushState | undefined = undefined,
  ): OobTransaction {
    this.noteWrite(now, this.oob.size >= this.limits.maxOobTransactions);
    if (this.oob.size >= this.limits.maxOobTransactions) {
      throw new CapacityError(
        `The mock holds at most ${this.limits.maxOobTransactions} live oob transactions.`,
      );
    }
    if (record.oobCodes.length >= this.limits.maxOobPerMfaToken) {
      const oldest = record.oobCodes.shift();
      if (oldest !== undefined) this.forgetOob(oldest);
    }
    const tx: OobTransaction = {
      oobCode: opaqueToken("Fe26.2*"),
      mfaToken: record.token,
      userId: record.userId,
      code,
      expiresAt: now + ttlMs,
      used: false,
      purpose,
      authenticatorIds,
      channel,
      push,
      createdAt: now,
    };
    this.oob.set(tx.oobCode, tx);
    record.oobCodes.push(tx.oobCode);
    if (push !== undefined) {
      this.pushes.set(tx.oobCode, tx);
      if (push.enrollmentTxId !== undefined) this.enrollments.set(push.enrollmentTxId, tx.oobCode);
    }
    return tx;
  }

  /** The push enrollment a device "scans" by its enrollment_tx_id, expired or not. */
  pushEnrollment(enrollmentTxId: string): OobTransaction | undefined {
    const oobCode = this.enrollments.get(enrollmentTxId);
    return oobCode === undefined ? undefined : this.oob.get(oobCode);
  }

  /** A user's push challenges, oldest first, answered or not, expired or not. */
  pushChallenges(userId: string): OobTransaction[] {
    const out: OobTransaction[] = [];
    for (const tx of this.pushes.values()) {
      if (tx.userId === userId && tx.purpose === "challenge") out.push(tx);
    }
    return out;
  }

  /** An oob transaction by its code, expired or not. */
  oobTransaction(oobCode: string): OobTransaction | undefined {
    return this.oob.get(oobCode);
  }

  /**
   * Adds inactive authenticators made by a factor module (docs/behaviour.md#enrollment); throws
   * CapacityError when they would pass the per-user cap.
   */
  addAuthenticators(user: User, added: readonly Authenticator[], now: number): void {
    this.makeRoom(user, added.length, now);
    user.authenticators.push(...added);
  }

  /** Sets a fresh pending recovery code and its (inactive) authenticator; returns the code. */
  newPendingRecoveryCode(user: User, now: number): string {
    user.authenticators = user.authenticators.filter((a) => a.kind !== "recovery-code");
    user.authenticators.push({
      id: `recovery-code|${deviceId()}`,
      kind: "recovery-code",
      active: false,
      createdAt: now,
    });
    user.recoveryCode = recoveryCode();
    return user.recoveryCode;
  }

  /**
   * Replaces a used recovery code (docs/behaviour.md#recovery-codes): the old one stops working; answers the
   * new one.
   */
  rotateRecoveryCode(user: User): string {
    user.recoveryCode = recoveryCode();
    return user.recoveryCode;
  }

  /**
   * Removes authenticators of a user: `ids[0]` and the ones its factor deletes with it (see
   * `removeAuthenticator` in factors/index.ts); false when `ids[0]` is not the user's.
   */
  removeAuthenticators(user: User, ids: readonly string[]): boolean {
    if (!user.authenticators.some((a) => a.id === ids[0])) return false;
    const removed = user.authenticators.filter((a) => ids.includes(a.id));
    user.authenticators = user.authenticators.filter((a) => !ids.includes(a.id));
    // The recovery code lives on the user; its authenticator gone, it stops working.
    if (removed.some((a) => a.kind === "recovery-code")) user.recoveryCode = undefined;
    return true;
  }

  /** Removes a user with its logins, tokens, transactions and authenticators; false when unknown. */
  deleteUser(id: string): boolean {
    const user = this.users.get(id);
    if (!user) return false;
    this.users.delete(id);
    if (this.logins.get(user.username.toLowerCase()) === user)
      this.logins.delete(user.username.toLowerCase());
    if (this.logins.get(user.email) === user) this.logins.delete(user.email);
    for (const [k, t] of this.mfaTokens) if (t.userId === id) this.mfaTokens.delete(k);
    for (const [k, tx] of this.oob) if (tx.userId === id) this.forgetOob(k);
    return true;
  }

  /** Deletes everything expired; called in bulk, and on demand before a cap answers "full". */
  sweep(now: number): void {
    for (const [k, t] of this.mfaTokens) if (t.expiresAt <= now) this.mfaTokens.delete(k);
    for (const [k, tx] of this.oob) {
      if (tx.expiresAt <= now || !this.mfaTokens.has(tx.mfaToken)) this.forgetOob(k);
    }
    for (const record of this.mfaTokens.values()) {
      if (record.oobCodes.length > 0) record.oobCodes = record.oobCodes.filter((c) => this.oob.has(c));
    }
  }

  /** Counts of what the state holds, for /__mock/stats. */
  sizes(): { users: number; mfa_tokens: number; oob_transactions: number } {
    return { users: this.users.size, mfa_tokens: this.mfaTokens.size, oob_transactions: this.oob.size };
  }

  /** Drops an oob transaction from every index. */
  private forgetOob(oobCode: string): void {
    const tx = this.oob.get(oobCode);
    this.oob.delete(oobCode);
    if (tx?.push === undefined) return;
    this.pushes.delete(oobCode);
    if (tx.push.enrollmentTxId !== undefined) this.enrollments.delete(tx.push.enrollmentTxId);
  }

  /** Drops stale pending authenticators; throws CapacityError when `adding` more would pass the cap. */
  private makeRoom(user: User, adding: number, now: number): void {
    this.dropStalePending(user, now);
    if (user.authenticators.length + adding > this.limits.maxAuthenticatorsPerUser) {
      throw new CapacityError("User has created the maximum amount of authenticators.");
    }
  }

  private dropStalePending(user: User, now: number): void {
    const cutoff = now - this.limits.pendingAuthenticatorTtlMs;
    if (user.authenticators.some((a) => !a.active && a.kind !== "recovery-code" && a.createdAt < cutoff)) {
      user.authenticators = user.authenticators.filter(
        (a) => a.active || a.kind === "recovery-code" || a.createdAt >= cutoff,
      );
    }
  }

  private noteWrite(now: number, full: boolean): void {
    if (full || ++this.writes >= SWEEP_EVERY_WRITES) {
      this.writes = 0;
      this.sweep(now);
    }
  }
}

/**
 * Activates the authenticators of an enrollment, and the recovery code issued with it; false when
 * none of them is left (deleted before the enrollment was confirmed).
 */
export function confirm(user: User, ids: readonly string[]): boolean {
  let found = false;
  for (const a of user.authenticators) {
    if (ids.includes(a.id)) {
      a.active = true;
      found = true;
    }
  }
  if (found) {
    for (const a of user.authenticators) if (a.kind === "recovery-code" && user.recoveryCode) a.active = true;
  }
  return found;
}
