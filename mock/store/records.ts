/**
 * The records the mock tenant keeps (docs/behaviour.md): users, their authenticators (a union keyed by
 * kind: each factor's fields only where they belong), mfa_tokens, oob transactions and clients.
 * `MockState` (state.ts) holds and bounds them; the factor modules decide what goes in.
 */
import type { AssertionCredential } from "../tokens/client-assertion.ts";

/** A phone channel: the kind of an SMS or voice authenticator. */
export type Channel = "sms" | "voice";

/** What every authenticator has, whatever its factor. */
interface AuthenticatorBase {
  /**
   * `<kind>|dev_<16 alphanumerics>`; sms and voice enrolled together share the device id
   * (docs/behaviour.md#sms-voice-pair).
   */
  id: string;
  active: boolean;
  createdAt: number;
}

/** An SMS or voice authenticator: the phone its codes go to. */
export interface PhoneAuthenticator extends AuthenticatorBase {
  kind: Channel;
  phone: string;
}

/** An email authenticator (docs/behaviour.md#email). */
export interface EmailAuthenticator extends AuthenticatorBase {
  kind: "email";
  email: string;
}

/** A TOTP authenticator (docs/behaviour.md#otp), on its own or as the other half of a push enrollment. */
export interface TotpAuthenticator extends AuthenticatorBase {
  kind: "totp";
  /** The base32 secret. */
  secret: string;
  /** The last time step accepted: each code works once. */
  lastStep?: number;
  /** A pending TOTP of its own: the mfa_token (or session) that enrolled it, the one that may confirm it. */
  enrolledBy?: string;
  /** The push this totp belongs to (docs/behaviour.md#push-pair). */
  pairedWith?: string;
}

/** A Guardian push authenticator (docs/behaviour.md#push). */
export interface PushAuthenticator extends AuthenticatorBase {
  kind: "push";
  /** The totp Guardian shows beside it (docs/behaviour.md#push-pair). */
  pairedWith: string;
  /** The name it lists once its device has enrolled. */
  deviceName?: string;
}

/** The user's recovery code as an authenticator (the code itself is `User.recoveryCode`). */
export interface RecoveryCodeAuthenticator extends AuthenticatorBase {
  kind: "recovery-code";
}

/** An authenticator, keyed by its kind (the prefix of its id, docs/behaviour.md#listing). */
export type Authenticator =
  | PhoneAuthenticator
  | EmailAuthenticator
  | TotpAuthenticator
  | PushAuthenticator
  | RecoveryCodeAuthenticator;

/** What an authenticator is: the prefix of its id (docs/behaviour.md#listing). */
export type AuthenticatorKind = Authenticator["kind"];

/** The authenticator variant of a kind. */
export type AuthenticatorOf<K extends AuthenticatorKind> = Extract<Authenticator, { kind: K }>;

/** The channel an oob transaction delivers on: a phone, an email, or a Guardian push. */
export type OobChannel = Channel | "email" | "push";

/** Where a Guardian push stands: waiting for the user's tap, or answered (docs/behaviour.md#push). */
export interface PushState {
  answer: "pending" | "approved" | "rejected";
  /** When the transaction was last polled (mfa-oob), for `slow_down`. */
  lastPollAt: number | undefined;
  /** The enrollment's `enrollment_tx_id`, which the device "scans"; undefined for a challenge. */
  enrollmentTxId: string | undefined;
}

export interface User {
  id: string;
  username: string;
  email: string;
  password: string;
  name: string;
  authenticators: Authenticator[];
  /** The user's current recovery code (pending until the first enrollment is confirmed). */
  recoveryCode: string | undefined;
}

export interface MfaTokenRecord {
  token: string;
  /** An access token adopted as a session when it enrolls (see auth.ts) is not an mfa_token. */
  kind: "mfa_token" | "access_token";
  userId: string;
  clientId: string;
  audience: string | undefined;
  scope: string;
  expiresAt: number;
  /** Oldest first; capped so one token cannot pile up transactions. */
  oobCodes: string[];
  /** The refresh-token family whose refresh answered mfa_required with this token (docs/behaviour.md#mfa-on-refresh). */
  refreshFamily?: string;
}

export interface OobTransaction {
  oobCode: string;
  mfaToken: string;
  userId: string;
  code: string;
  expiresAt: number;
  used: boolean;
  purpose: "enrollment" | "challenge";
  authenticatorIds: string[];
  channel: OobChannel;
  /** A push transaction's state; undefined for the channels that send a code. */
  push: PushState | undefined;
  createdAt: number;
}

export interface Client {
  clientId: string;
  /** Undefined for a public client (method None) and a Private Key JWT client: neither has a secret. */
  clientSecret: string | undefined;
  /** A Private Key JWT client's credential (made on first use: the mock's key pair is generated lazily). */
  assertion?: () => AssertionCredential;
  name: string;
  /** A single-page app: /authorize requires PKCE (S256) of it (docs/behaviour.md#login). */
  spa?: boolean;
}
