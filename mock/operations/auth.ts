/**
 * Who is calling: client authentication (client_secret_post, client_secret_basic, a client_assertion
 * for the Private Key JWT client, or none for the public client), mfa_tokens in a body, and bearer
 * tokens on /mfa/* (an mfa_token, or an access token for the MFA API audience).
 * Every failure is one of the answers of docs/behaviour.md#failure-answers; an unknown token
 * and another user's token are indistinguishable from the outside.
 */
import { type Fields, str } from "../http/body.ts";
import { type ErrorEntry, errors, fail, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import type { Client, MfaTokenRecord, User } from "../store/records.ts";

/**
 * The credentials of an `Authorization: Basic` header (client_secret_basic: both parts
 * form-urlencoded, RFC 6749 §2.3.1); "garbled" when it is Basic but unreadable, undefined when the
 * header is absent or another scheme.
 */
function basicCredentials(
  authorization: string | undefined,
): { id: string; secret: string } | "garbled" | undefined {
  if (authorization === undefined || authorization.length <= 6 || !/^basic /i.test(authorization)) {
    return undefined;
  }
  const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return "garbled";
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return "garbled";
  }
}

/**
 * The body as request validation judges it on /oauth/token: with client_secret_basic the client_id
 * travels in the header, so a body without one gets the header's (an unreadable header gets an
 * empty one, and client authentication then answers 401 `invalid_client`).
 */
export function withBasicClientId(fields: Fields, authorization: string | undefined): Fields {
  if (fields.client_id !== undefined) return fields;
  const basic = basicCredentials(authorization);
  if (basic === undefined) return fields;
  return { ...fields, client_id: basic === "garbled" ? "" : basic.id };
}

/** Authenticates the client from the body or a Basic header; a 401 `invalid_client` otherwise. */
export function authenticateClient(
  rt: Runtime,
  fields: Fields,
  authorization: string | undefined,
): Client | Reply {
  let id = str(fields, "client_id");
  let secret = str(fields, "client_secret");
  const basic = basicCredentials(authorization);
  if (basic === "garbled") return fail(errors.invalidClient);
  if (basic !== undefined) {
    id = basic.id;
    secret = basic.secret;
  }
  if (id === undefined) return fail(errors.missingParameter("client_id"));
  const client = rt.state.clients.get(id);
  const assertion = str(fields, "client_assertion");
  if (assertion !== undefined || client?.assertion) {
    return assertedClient(rt, fields, client, assertion, secret);
  }
  // A public client has no secret: what Auth0 answers when one is sent anyway is unknown, and failing
  // like a wrong one keeps an app from passing here with a request Auth0 may refuse. A missing secret
  // fails for a confidential client (str() reads "" as missing).
  if (!client || secret !== client.clientSecret) return fail(errors.invalidClient);
  if (client.clientSecret === undefined && rt.deviates("public-client-needs-secret")) {
    return fail(errors.invalidClient);
  }
  return client;
}

/**
 * Private Key JWT: the client must be one with a credential, send an assertion and no secret, and
 * the assertion must pass every check of client-assertion.ts.
 */
function assertedClient(
  rt: Runtime,
  fields: Fields,
  client: Client | undefined,
  assertion: string | undefined,
  secret: string | undefined,
): Client | Reply {
  if (!client?.assertion || assertion === undefined || secret !== undefined) {
    return fail(errors.invalidClient);
  }
  if (str(fields, "client_assertion_type") === undefined) {
    return fail(errors.missingParameter("client_assertion_type"));
  }
  // The tenant's URL: the issuer, or https://<domain>/ as Auth0's SDKs build it from the domain.
  const issuer = rt.config.issuer;
  const audiences = [issuer.endsWith("/") ? issuer : `${issuer}/`, `https://${rt.config.domain}/`];
  const credential = client.assertion();
  const reason = rt.assertions.check(
    assertion,
    { clientId: client.clientId, credential },
    audiences,
    rt.clock.now(),
    !rt.deviates("client-assertion-replayable"),
  );
  return reason === undefined ? client : fail(errors.invalidClientAssertion(reason));
}

/**
 * The live record of an mfa_token sent in a body (/oauth/token, /mfa/challenge). `unknown` is the
 * "Malformed mfa_token" answer, which differs per endpoint (`errors.malformedMfaToken`,
 * `errors.malformedMfaTokenOnChallenge`); a bare status is still taken until the handlers name it. An access token adopted
 * as a session (see `bearer`) counts only where `session` says so: the mfa-oob exchange that confirms
 * what it enrolled. Elsewhere it is as unknown as it was before it enrolled anything.
 */
export function bodyMfaToken(
  rt: Runtime,
  fields: Fields,
  client: Client,
  unknown: ErrorEntry | number,
  session = false,
  now = rt.clock.now(),
): { record: MfaTokenRecord; user: User } | Reply {
  const token = str(fields, "mfa_token");
  if (token === undefined) return fail(errors.missingParameter("mfa_token"));
  const record = rt.state.mfaToken(token);
  const user = record && rt.state.users.get(record.userId);
  if (!record || !user || (record.kind !== "mfa_token" && !session)) {
    return unknownMfaToken(rt, unknown);
  }
  if (record.expiresAt <= now && !rt.deviates("expired-mfa-token-accepted")) {
    return fail(errors.expiredMfaToken);
  }
  if (record.clientId !== client.clientId) return fail(errors.notIssuedToClient);
  return { record, user };
}

export type Scope = "enroll" | "read:authenticators" | "remove:authenticators";

export interface BearerCaller {
  user: User;
  /**
   * The mfa_token record; for an access token with `enroll`, the session record that binds the
   * enrollments it starts (undefined for other access tokens, which need none).
   */
  record: MfaTokenRecord | undefined;
  via: "mfa_token" | "access_token";
}

/**
 * Resolves `Authorization: Bearer …` on /mfa/*: an mfa_token, or an access token this mock issued
 * for the MFA audience carrying `scope`. Anything else is a 401 with the text of
 * docs/behaviour.md#failure-answers.
 */
export function bearer(rt: Runtime, authorization: string | undefined, scope: Scope): BearerCaller | Reply {
  if (authorization === undefined || !/^bearer\s+\S/i.test(authorization)) {
    return fail(errors.bearerRequired);
  }
  const token = authorization.slice(7).trim();
  const now = rt.clock.now();
  const record = rt.state.mfaToken(token);
  if (record && record.kind === "mfa_token") {
    const user = rt.state.users.get(record.userId);
    if (!user) return fail(errors.invalidBearer);
    if (record.expiresAt <= now && !rt.deviates("expired-mfa-token-accepted")) {
      return fail(errors.expiredMfaToken);
    }
    return { user, record, via: "mfa_token" };
  }
  if (token.split(".").length !== 3) return fail(errors.invalidBearer);
  const claims = rt.signer.verify(token, now);
  const user = claims && typeof claims.sub === "string" ? rt.state.users.get(claims.sub) : undefined;
  if (!claims || !user || !hasMfaAudience(rt, claims.aud)) return fail(errors.invalidBearer);
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!scopes.includes(scope)) {
    return fail(errors.insufficientScope(scope));
  }
  const clientId = typeof claims.azp === "string" ? claims.azp : rt.config.clientId;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : now;
  // An access token stands in for an mfa_token when it confirms what it enrolled: the transaction is
  // bound to a session record keyed by the token itself, so `mfa_token=<access token>` confirms it.
  const session =
    record ??
    (scope === "enroll"
      ? rt.state.adoptSession(token, user, clientId, exp, String(claims.scope), now)
      : undefined);
  return { user, record: session, via: "access_token" };
}

function hasMfaAudience(rt: Runtime, aud: unknown): boolean {
  if (typeof aud === "string") return rt.mfaAudiences.has(aud);
  return Array.isArray(aud) && aud.some((a) => typeof a === "string" && rt.mfaAudiences.has(a));
}

/** The answer to an unknown mfa_token in a body: the endpoint's entry (a bare status keeps the text). */
function unknownMfaToken(rt: Runtime, unknown: ErrorEntry | number): Reply {
  if (typeof unknown !== "number") return fail(unknown, rt.config);
  const reply = fail(errors.malformedMfaToken, rt.config);
  return reply.status === unknown ? reply : { ...reply, status: unknown };
}
