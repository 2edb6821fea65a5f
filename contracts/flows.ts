/**
 * Shared flow helpers: each is a boxed step, so a report reads as a flow (enroll, confirm,
 * challenge, verify) and a failure points at the calling test. Titles never carry secrets; phone
 * numbers appear masked.
 */
import { test } from "@playwright/test";
import { CLIENT_ASSERTION_TYPE } from "../mock/client-assertion.ts";
import { maskPhone } from "../redaction/mask.ts";
import type { ApiClient, ApiResponse } from "./api-client.ts";
import { signClientAssertion } from "./client-assertion.ts";
import { expect } from "./matchers.ts";
import type { InboxMessage, Target } from "./targets/target.ts";

/** The fixtures a flow needs. */
export interface FlowContext {
  api: ApiClient;
  target: Target;
}

export type Channel = "sms" | "voice";

export const GRANT = {
  passwordRealm: "http://auth0.com/oauth/grant-type/password-realm",
  oob: "http://auth0.com/oauth/grant-type/mfa-oob",
  otp: "http://auth0.com/oauth/grant-type/mfa-otp",
  recoveryCode: "http://auth0.com/oauth/grant-type/mfa-recovery-code",
} as const;

/** A user of the target with their password. */
export interface User {
  username: string;
  password: string;
  userId?: string;
}

/**
 * The client credentials every `/oauth/token` and `/mfa/challenge` body carries: the secret, a fresh
 * client_assertion (a Private Key JWT client), or the client_id alone (a public client).
 */
export async function clientAuth(target: Target): Promise<Record<string, string> & { client_id: string }> {
  if (target.clientAssertion) {
    return {
      client_id: target.clientId,
      client_assertion: await target.clientAssertion(),
      client_assertion_type: CLIENT_ASSERTION_TYPE,
    };
  }
  return target.clientSecret === undefined
    ? { client_id: target.clientId }
    : { client_id: target.clientId, client_secret: target.clientSecret };
}

/**
 * The same target as seen by its Private Key JWT client: every flow then sends a fresh assertion for
 * `audience` (the tenant's URL with its trailing slash: the issuer).
 */
export function asPrivateKeyJwtClient(target: Target, audience: string): Target | undefined {
  const client = target.privateKeyJwt;
  if (client === undefined) return undefined;
  return {
    ...target,
    clientId: client.clientId,
    clientSecret: undefined,
    clientAssertion: () => signClientAssertion({ ...client, audience }),
  };
}

/** The same target as seen by its public client: every flow then sends the client_id alone. */
export function asPublicClient(target: Target): Target | undefined {
  if (target.publicClientId === undefined) return undefined;
  return { ...target, clientId: target.publicClientId, clientSecret: undefined };
}

/** The target's issuer (`https://<domain>/` on Auth0), from its OpenID configuration. */
export async function issuerOf({ api }: FlowContext): Promise<string> {
  // Through the client, so that a global 429 is waited out like any other answer.
  const res = await api.get("/.well-known/openid-configuration");
  expect(res.status, "OpenID configuration").toBe(200);
  const { issuer } = res.body as { issuer: string };
  return issuer.endsWith("/") ? issuer : `${issuer}/`;
}

/** Boxed step with a masked phone in its title. */
function step<T>(title: string, body: () => Promise<T>): Promise<T> {
  return test.step(title, body, { box: true });
}

/** Creates a fresh user on the target. */
export function createUser({ api, target }: FlowContext): Promise<User> {
  return step("create a user", async () => {
    const user = await target.createUser();
    api.secret("password", user.password);
    return user;
  });
}

/** What a login asks for: an API audience and scopes (default: the target's audience, openid profile). */
export interface LoginOptions {
  audience?: string;
  scope?: string;
}

/** POST /oauth/token with the password-realm grant; the raw answer (no status expectation). */
export async function passwordRealm(
  { api, target }: FlowContext,
  user: User,
  opts: LoginOptions = {},
): Promise<ApiResponse> {
  const audience = opts.audience ?? target.audience;
  return api.post("/oauth/token", {
    form: {
      grant_type: GRANT.passwordRealm,
      ...(await clientAuth(target)),
      username: user.username,
      password: user.password,
      realm: target.connection,
      scope: opts.scope ?? "openid profile",
      ...(audience ? { audience } : {}),
    },
  });
}

/** Logs in with the password-realm grant and returns the mfa_token of the 403 mfa_required answer. */
export function login(ctx: FlowContext, user: User, opts: LoginOptions = {}): Promise<string> {
  return step("log in (password-realm) and get an mfa_token", async () => {
    const res = await passwordRealm(ctx, user, opts);
    expect(res).toBeError(403, "mfa_required");
    return res.body.mfa_token as string;
  });
}

/** The MFA API's audience, `<issuer>mfa/`. */
async function mfaAudience(ctx: FlowContext): Promise<string> {
  return `${await issuerOf(ctx)}mfa/`;
}

/** Scopes of an MFA API access token that may enroll, list and delete. */
const MFA_API_SCOPE = "openid enroll read:authenticators remove:authenticators";

/** A fresh user and an mfa_token for them. */
export async function newSession(
  ctx: FlowContext,
  opts: LoginOptions = {},
): Promise<{ user: User; mfaToken: string }> {
  const user = await createUser(ctx);
  return { user, mfaToken: await login(ctx, user, opts) };
}

/** The association answer of an sms or voice enrollment. */
export interface Enrollment {
  response: ApiResponse;
  oobCode: string;
  recoveryCodes: string[];
}

/** POST /mfa/associate for sms or voice; expects 200 and returns the oob_code. */
export function enroll(
  { api }: FlowContext,
  mfaToken: string,
  channel: Channel,
  phone: string,
): Promise<Enrollment> {
  return step(`enroll ${channel} ${maskPhone(phone)}`, async () => {
    api.secret("phone", phone);
    const response = await api.post("/mfa/associate", {
      bearer: mfaToken,
      json: { authenticator_types: ["oob"], oob_channels: [channel], phone_number: phone },
    });
    expect(response.status, "associate status").toBe(200);
    expect(response).toConform("associateAuthenticator");
    return {
      response,
      oobCode: response.body.oob_code as string,
      recoveryCodes: (response.body.recovery_codes ?? []) as string[],
    };
  });
}

/** Reads the next code sent to a phone (mock outbox or tenant sink). */
export function readCode(
  { api, target }: FlowContext,
  phone: string,
  expected?: Partial<Pick<InboxMessage, "action" | "message_type">>,
): Promise<InboxMessage> {
  return step(`read the code sent to ${maskPhone(phone)}`, async () => {
    const message = await target.inbox.nextCode(phone);
    api.secret("binding_code", message.code);
    expect(message.code, "a 6-digit code").toMatchSecretly(/^\d{6}$/);
    if (expected?.action) expect(message.action, "message action").toBe(expected.action);
    if (expected?.message_type) expect(message.message_type, "message type").toBe(expected.message_type);
    return message;
  });
}

/** POST /oauth/token mfa-oob with a binding code; returns the raw answer (no status expectation). */
export async function exchangeOob(
  { api, target }: FlowContext,
  mfaToken: string,
  oobCode: string,
  bindingCode: string | undefined,
): Promise<ApiResponse> {
  return api.post("/oauth/token", {
    form: {
      grant_type: GRANT.oob,
      ...(await clientAuth(target)),
      mfa_token: mfaToken,
      oob_code: oobCode,
      ...(bindingCode === undefined ? {} : { binding_code: bindingCode }),
    },
  });
}

/** Confirms an enrollment with the code the phone received; expects tokens. */
export function confirm(
  ctx: FlowContext,
  mfaToken: string,
  enrollment: Enrollment,
  phone: string,
  channel: Channel = "sms",
): Promise<ApiResponse> {
  return step(`confirm the enrollment of ${maskPhone(phone)}`, async () => {
    const message = await readCode(ctx, phone, { action: "enrollment", message_type: channel });
    const res = await exchangeOob(ctx, mfaToken, enrollment.oobCode, message.code);
    expect(res.status, "confirm status").toBe(200);
    expect(res).toConform("token");
    return res;
  });
}

/** GET /mfa/authenticators with a bearer token; expects 200. */
export function listAuthenticators({ api }: FlowContext, token: string): Promise<ApiResponse> {
  return step("list authenticators", async () => {
    const res = await api.get("/mfa/authenticators", { bearer: token });
    expect(res.status, "list status").toBe(200);
    expect(res).toConform("listAuthenticators");
    return res;
  });
}

/** POST /mfa/challenge (oob) for an authenticator; expects 200 with an oob_code. */
export function challenge(
  { api, target }: FlowContext,
  mfaToken: string,
  authenticatorId: string,
): Promise<{ response: ApiResponse; oobCode: string }> {
  return step(`challenge ${authenticatorId.split("|")[0]}`, async () => {
    const response = await api.post("/mfa/challenge", {
      json: {
        ...(await clientAuth(target)),
        mfa_token: mfaToken,
        challenge_type: "oob",
        authenticator_id: authenticatorId,
      },
    });
    expect(response.status, "challenge status").toBe(200);
    expect(response).toConform("challenge");
    return { response, oobCode: response.body.oob_code as string };
  });
}

/** Completes a challenge with the code the phone received; expects tokens. */
export function verify(
  ctx: FlowContext,
  mfaToken: string,
  oobCode: string,
  phone: string,
  channel: Channel = "sms",
): Promise<ApiResponse> {
  return step(`verify the code sent to ${maskPhone(phone)}`, async () => {
    const message = await readCode(ctx, phone, {
      action: "second-factor-authentication",
      message_type: channel,
    });
    const res = await exchangeOob(ctx, mfaToken, oobCode, message.code);
    expect(res.status, "verify status").toBe(200);
    expect(res).toConform("token");
    return res;
  });
}

/** A user with one confirmed authenticator, and a fresh mfa_token from a second login. */
export interface EnrolledUser {
  user: User;
  phone: string;
  channel: Channel;
  recoveryCodes: string[];
  /** An mfa_token from a login after the enrollment (the one to challenge with). */
  mfaToken: string;
  /** The access token the confirmation returned (an MFA API token with `mfaApi: true`). */
  accessToken: string;
  /** The authenticator of the chosen channel. */
  authenticatorId: string;
}

/** Creates a user, enrolls and confirms a phone, logs in again and finds the authenticator. */
export function enrolledUser(
  ctx: FlowContext,
  channel: Channel = "sms",
  opts: { mfaApi?: boolean } = {},
): Promise<EnrolledUser> {
  return step(`a user enrolled with ${channel}`, async () => {
    // With mfaApi, the first login asks for the MFA API audience, so the confirmation's access token can list and delete.
    const loginOptions = opts.mfaApi ? { audience: await mfaAudience(ctx), scope: MFA_API_SCOPE } : {};
    const { user, mfaToken: first } = await newSession(ctx, loginOptions);
    const phone = ctx.target.phoneNumber();
    const enrollment = await enroll(ctx, first, channel, phone);
    const tokens = await confirm(ctx, first, enrollment, phone, channel);
    const mfaToken = await login(ctx, user);
    const list = await listAuthenticators(ctx, mfaToken);
    const item = (list.body as { id: string; oob_channel?: string; active: boolean }[]).find(
      (a) => a.oob_channel === channel && a.active,
    );
    expect(item, `an active ${channel} authenticator is listed`).toBeTruthy();
    return {
      user,
      phone,
      channel,
      recoveryCodes: enrollment.recoveryCodes,
      mfaToken,
      accessToken: tokens.body.access_token as string,
      authenticatorId: (item as { id: string }).id,
    };
  });
}

/** Flips one character in the middle of a token, keeping its alphabet (a tampered token). */
export function tamper(token: string): string {
  const i = Math.floor(token.length / 2);
  const c = token[i] === "A" ? "B" : "A";
  return `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
}

/** A 6-digit code that differs from `code` (a wrong binding code). */
export function wrongCode(code: string | undefined): string {
  return code === "000000" ? "111111" : "000000";
}
