/**
 * A target is what the suites run against: the mock or a real tenant. Suites take a target and
 * never branch on which one it is, except to skip what a target cannot do (with the reason).
 */

import type { OutboxMessage } from "../../mock/store/outbox.ts";
import type { AssertionAlg } from "../../mock/tokens/client-assertion.ts";

/** What a suite reads of a message a target "sent" to a phone (the mock's outbox and the sink share the shape). */
export type InboxMessage = Pick<OutboxMessage, "code" | "message_type" | "action" | "id">;

/** Reads codes sent to phones and email addresses: the mock's outbox, or the tenant's sink. */
export interface Inbox {
  /** The next message sent to `recipient` (a phone number or an email address) after message `after` (or after the last one returned); waits up to `timeoutMs`. */
  nextCode(recipient: string, opts?: { after?: string; timeoutMs?: number }): Promise<InboxMessage>;
}

/** What a target can do beyond the public API; specs skip with a reason when a capability is missing. */
export interface Capabilities {
  /** The target's clock can be moved (expiry and refills are tested without sleeping). */
  clock: boolean;
  /** The target has the mock's control API (configuration, faults). */
  control: boolean;
  /** Every SMS or voice message costs money and reaches a real provider. */
  sendsRealSms: boolean;
  /** The target has a Guardian stand-in (`Target.guardian`) a suite can tap; without it push is skipped. */
  guardian: boolean;
}

/** A Guardian device the suites can drive: it scans a push enrollment and taps the pushes that reach it. */
export interface GuardianDevice {
  /** The device scans the barcode of the push enrollment `enrollmentTxId`; the push (and its paired totp) become active. */
  enroll(enrollmentTxId: string): Promise<{ authenticatorId: string; totpSecret?: string }>;
  /** The pushes waiting for the user's tap, oldest first. */
  pending(userId: string): Promise<Array<{ oob_code: string }>>;
  /** The user's tap on push `oobCode`: approve or reject. */
  respond(oobCode: string, approve: boolean): Promise<void>;
}

/** A confidential client that authenticates with a client_assertion signed with this key. */
export interface PrivateKeyJwtClient {
  clientId: string;
  privateKeyPem: string;
  alg: AssertionAlg;
}

/** A target: base URL, the client the suites use, users, an inbox for codes, clean-up. */
export interface Target {
  name: "mock" | "tenant";
  baseURL: string;
  clientId: string;
  /** Undefined for a public client (authentication method None), which sends its client_id alone. */
  clientSecret: string | undefined;
  /** A public client of the target (a native app's), when there is one: see `asPublicClient`. */
  publicClientId?: string;
  /** A Private Key JWT client of the target and its signing key, when there is one: see `asPrivateKeyJwtClient`. */
  privateKeyJwt?: PrivateKeyJwtClient;
  /** Set on a target seen as its Private Key JWT client: a fresh client_assertion per call. */
  clientAssertion?: () => Promise<string>;
  connection: string;
  audience?: string;
  capabilities: Capabilities;
  /** A fresh user that has MFA required and no authenticator. */
  createUser(): Promise<{ username: string; password: string; userId?: string }>;
  inbox: Inbox;
  /** A fresh E.164 number per call, so a test only ever reads its own messages. */
  phoneNumber(): string;
  /** A fresh email address per call, so a test only ever reads its own messages. */
  emailAddress(): string;
  /** The Guardian stand-in; present only when `capabilities.guardian`. */
  guardian?: GuardianDevice;
  /** Moves the target's clock forward; present only when `capabilities.clock`. */
  advanceClock?(seconds: number): Promise<void>;
  /** The target's current time (epoch ms) when its clock can differ from real time; real time is meant without it. */
  now?(): Promise<number>;
  /**
   * Makes the refresh grant answer mfa_required until MFA is done in the token's family
   * (docs/behaviour.md#mfa-on-refresh): the mock's switch (on a private mock: it is the whole mock's,
   * and it goes off again at clean-up), or a tenant's post-login Action that requires MFA on refresh,
   * installed through the Management API. Absent: a test that needs it is skipped with the reason.
   */
  requireMfaOnRefresh?(step?: <T>(title: string, body: () => Promise<T>) => Promise<T>): Promise<void>;
  /** Removes what the target created for the test (users, authenticators). */
  cleanup(): Promise<void>;
  /** Why a test with these tags cannot run here (e.g. a missing code sink); undefined when it can. */
  skipReason?(tags: readonly string[]): string | undefined;
}

/** The environment of a tenant run, validated by `readTenantEnv`. */
export interface TenantEnv {
  domain: string;
  baseURL: string;
  clientId: string;
  clientSecret: string;
  connection: string;
  audience?: string;
}

/** Raised when the environment of a run is incomplete; the message names the variable. */
export class TargetConfigError extends Error {
  override name = "TargetConfigError";
}

const TENANT_VARIABLES = {
  AUTH0_DOMAIN: "the tenant's domain, e.g. my-tenant.eu.auth0.com (or a base URL for a local stand-in)",
  AUTH0_CLIENT_ID: "the client the suites log in with (MFA grant type enabled)",
  AUTH0_CLIENT_SECRET: "that client's secret",
  AUTH0_CONNECTION: "the database connection the test users live in",
} as const;

/** Reads and validates the tenant target's environment; throws TargetConfigError naming each missing or malformed variable. */
export function readTenantEnv(env: NodeJS.ProcessEnv): TenantEnv {
  const problems: string[] = [];
  const get = (name: keyof typeof TENANT_VARIABLES): string => {
    const value = env[name]?.trim() ?? "";
    if (!value) problems.push(`${name} is not set: ${TENANT_VARIABLES[name]}`);
    return value;
  };
  const domain = get("AUTH0_DOMAIN");
  const clientId = get("AUTH0_CLIENT_ID");
  const clientSecret = get("AUTH0_CLIENT_SECRET");
  const connection = get("AUTH0_CONNECTION");
  let baseURL = "";
  if (domain) {
    // A bare domain means https; a full URL is accepted so the tenant path can run against the mock.
    const candidate = /^https?:\/\//.test(domain) ? domain : `https://${domain}`;
    try {
      const url = new URL(candidate);
      if (url.pathname !== "/" || url.search) throw new Error("has a path");
      baseURL = url.origin;
    } catch {
      problems.push(
        `AUTH0_DOMAIN is malformed: expected a host name like my-tenant.eu.auth0.com, got ${JSON.stringify(domain)}`,
      );
    }
  }
  const audience = env.AUTH0_AUDIENCE?.trim() || undefined;
  if (problems.length) throw new TargetConfigError(`tenant target: ${problems.join("; ")}`);
  return { domain, baseURL, clientId, clientSecret, connection, audience };
}
