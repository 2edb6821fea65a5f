/**
 * The part of Auth0's Management API the tenant fixtures use, so the tenant path (the `auth0` SDK's
 * ManagementClient with an M2M client) runs end to end against the mock:
 *
 *   POST   /oauth/token                                   grant_type=client_credentials, audience https://<domain>/api/v2/
 *   POST   /api/v2/users                                  create a user in the database connection
 *   GET    /api/v2/users/{id}                             read a user
 *   DELETE /api/v2/users/{id}                             delete a user (204 even when unknown, as Auth0)
 *   GET    /api/v2/users/{id}/authentication-methods      list (page, per_page, include_totals)
 *   DELETE /api/v2/users/{id}/authentication-methods      delete all
 *   DELETE /api/v2/users/{id}/authentication-methods/{m}  delete one
 *
 * Errors use the Management API's envelope `{statusCode, error, message, errorCode}` (not the
 * Authentication API's `{error, error_description}`); /oauth/token keeps the latter.
 * The app's router calls `handleManagement` first and falls through when it answers undefined.
 */
import type { Client, User } from "../store/state.ts";

/** What the handler reads from the mock; the app's Runtime has this shape. */
export interface ManagementContext {
  config: { domain: string; connection: string };
  clock: { now(): number };
  signer: {
    sign(claims: Record<string, unknown>, expiresInSeconds: number, nowMs: number): string;
    verify(token: string, nowMs: number): Record<string, unknown> | null;
  };
  state: {
    readonly users: Map<string, User>;
    readonly clients: Map<string, Client>;
    createUser(opts: { username?: string; password?: string; email?: string }): User;
    loginTaken(login: string): boolean;
    deleteAuthenticator(user: User, id: string): boolean;
    /** Removes the user, its logins, tokens and authenticators; false when unknown. */
    deleteUser(id: string): boolean;
  };
}

export interface ManagementRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface ManagementResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The scopes the mock grants an M2M client: what the fixtures need, nothing more. */
const MANAGEMENT_SCOPES = [
  "read:users",
  "create:users",
  "delete:users",
  "read:authentication_methods",
  "delete:authentication_methods",
] as const;

/** Auth0's default for Management API tokens issued by client credentials. */
const TOKEN_TTL_SECONDS = 86_400;
/** Auth0 caps per_page at 100 on paged Management endpoints. */
const MAX_PER_PAGE = 100;
const JSON_UTF8 = "application/json; charset=utf-8";
const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
};

function json(status: number, body: unknown, contentType = JSON_UTF8): ManagementResponse {
  return {
    status,
    headers: { "content-type": contentType, "cache-control": "no-cache" },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

/** A Management API error: `{statusCode, error, message, errorCode?}`. */
function mgmtError(status: number, message: string, errorCode?: string, extra?: object): ManagementResponse {
  return json(status, {
    statusCode: status,
    error: REASON[status] ?? "Error",
    message,
    ...(errorCode ? { errorCode } : {}),
    ...extra,
  });
}

const noContent = (): ManagementResponse => ({
  status: 204,
  headers: { "cache-control": "no-cache" },
  body: "",
});

function header(req: ManagementRequest, name: string): string | undefined {
  const direct = req.headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
}

/** Parses a JSON or form body into fields; undefined when unreadable. */
function fields(req: ManagementRequest): Record<string, unknown> | undefined {
  const text = typeof req.body === "string" ? req.body : req.body.toString("utf8");
  const type = (header(req, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    // The first of repeated keys wins, as in the Authentication API's parser (mock/body.ts), so
    // both read `grant_type=a&grant_type=b` as the same grant.
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(text)) if (!Object.hasOwn(out, k)) out[k] = v;
    return out;
  }
  if (text.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The Management API audience of a mock: `https://<domain>/api/v2/`. */
function managementAudience(ctx: ManagementContext): string {
  return `https://${ctx.config.domain}/api/v2/`;
}

/** True for requests this module answers (the router may use it to skip other handlers). */
function isManagementRequest(method: string, url: string, body: string | Buffer): boolean {
  const path = url.split("?", 1)[0] ?? "";
  if (path === "/api/v2" || path.startsWith("/api/v2/")) return true;
  if (method !== "POST" || path !== "/oauth/token") return false;
  const text = typeof body === "string" ? body : body.toString("utf8");
  // Cheap pre-check; the grant is parsed properly in the handler.
  return text.includes("client_credentials");
}

/**
 * Answers a Management API request (or a client-credentials token request); undefined for
 * anything else, so the router falls through to the Authentication API.
 */
export function handleManagement(
  ctx: ManagementContext,
  req: ManagementRequest,
): ManagementResponse | undefined {
  if (!isManagementRequest(req.method, req.url, req.body)) return undefined;
  const url = new URL(req.url, "http://mock");
  if (url.pathname === "/oauth/token") {
    const f = fields(req);
    if (f?.grant_type !== "client_credentials") return undefined;
    return clientCredentials(ctx, f, header(req, "authorization"));
  }
  return api(ctx, req, url);
}

function clientCredentials(
  ctx: ManagementContext,
  f: Record<string, unknown>,
  authorization: string | undefined,
): ManagementResponse {
  let id = typeof f.client_id === "string" ? f.client_id : undefined;
  let secret = typeof f.client_secret === "string" ? f.client_secret : undefined;
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  const client = id === undefined ? undefined : ctx.state.clients.get(id);
  // Auth0 answers a wrong or missing client credential on this grant with a bare "Unauthorized".
  if (!client || secret === undefined || secret !== client.clientSecret) {
    return json(401, { error: "access_denied", error_description: "Unauthorized" }, "application/json");
  }
  const audience = typeof f.audience === "string" ? f.audience : undefined;
  if (!audience) {
    return json(
      403,
      {
        error: "access_denied",
        error_description: "No audience parameter was provided, and no default audience has been configured",
      },
      "application/json",
    );
  }
  if (audience !== managementAudience(ctx)) {
    return json(
      403,
      { error: "access_denied", error_description: `Service not found: ${audience}` },
      "application/json",
    );
  }
  const now = ctx.clock.now();
  const scope = MANAGEMENT_SCOPES.join(" ");
  const token = ctx.signer.sign(
    {
      sub: `${client.clientId}@clients`,
      aud: audience,
      azp: client.clientId,
      scope,
      gty: "client-credentials",
    },
    TOKEN_TTL_SECONDS,
    now,
  );
  const res = json(
    200,
    { access_token: token, scope, expires_in: TOKEN_TTL_SECONDS, token_type: "Bearer" },
    "application/json",
  );
  res.headers.pragma = "no-cache";
  res.headers["cache-control"] = "no-store";
  return res;
}

/** Checks the bearer token: issued by this mock, for its Management API, with the scope. */
function authorize(
  ctx: ManagementContext,
  req: ManagementRequest,
  scope: string,
): ManagementResponse | undefined {
  const auth = header(req, "authorization");
  if (!auth || !/^bearer /i.test(auth)) return mgmtError(401, "Missing authentication");
  const claims = ctx.signer.verify(auth.slice(7).trim(), ctx.clock.now());
  if (!claims) return mgmtError(401, "Invalid token", undefined, { attributes: { error: "Invalid token" } });
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(managementAudience(ctx))) {
    const message = `Bad audience: ${aud.join(" ")}`;
    return mgmtError(401, message, undefined, { attributes: { error: message } });
  }
  const granted = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!granted.includes(scope))
    return mgmtError(403, `Insufficient scope, expected any of: ${scope}`, "insufficient_scope");
  return undefined;
}

const inexistentUser = () => mgmtError(404, "The user does not exist.", "inexistent_user");

function api(ctx: ManagementContext, req: ManagementRequest, url: URL): ManagementResponse {
  const segments = url.pathname.split("/").slice(3); // after "", "api", "v2"
  let parts: string[];
  try {
    parts = segments.map(decodeURIComponent);
  } catch {
    return mgmtError(400, "Path validation error: malformed URI", "invalid_uri");
  }
  const [collection, id, sub, methodId, ...rest] = parts;
  const notFound = mgmtError(404, "Not Found");
  if (collection !== "users" || rest.length > 0) return notFound;
  const m = req.method.toUpperCase();

  if (id === undefined || id === "") {
    if (m !== "POST") return notFound;
    return authorize(ctx, req, "create:users") ?? createUser(ctx, req);
  }
  if (sub === undefined) {
    if (m === "GET") return authorize(ctx, req, "read:users") ?? readUser(ctx, id);
    if (m === "DELETE") {
      // Auth0 answers 204 whether or not the user existed, so clean-up can be retried safely.
      const denied = authorize(ctx, req, "delete:users");
      if (denied) return denied;
      ctx.state.deleteUser(id);
      return noContent();
    }
    return notFound;
  }
  if (sub !== "authentication-methods") return notFound;
  const user = ctx.state.users.get(id);
  if (m === "GET" && methodId === undefined) {
    return (
      authorize(ctx, req, "read:authentication_methods") ?? (user ? listMethods(user, url) : inexistentUser())
    );
  }
  if (m !== "DELETE") return notFound;
  const denied = authorize(ctx, req, "delete:authentication_methods");
  if (denied) return denied;
  if (!user) return inexistentUser();
  if (methodId === undefined) {
    for (const a of [...user.authenticators]) ctx.state.deleteAuthenticator(user, a.id);
    return noContent();
  }
  const method = authenticationMethods(user).find((x) => x.id === methodId);
  if (!method) return mgmtError(404, "Authentication method not found.", "inexistent_authentication_method");
  // A phone method covers its sms and voice authenticators; deleting one removes its twin too.
  ctx.state.deleteAuthenticator(user, method.authenticatorIds[0] ?? methodId);
  return noContent();
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function createUser(ctx: ManagementContext, req: ManagementRequest): ManagementResponse {
  const f = fields(req);
  if (!f) return mgmtError(400, "Invalid request payload JSON format", "invalid_body");
  const invalid = (m: string) => mgmtError(400, `Payload validation error: ${m}`, "invalid_body");
  if (typeof f.connection !== "string") return invalid("'Missing required property: connection'.");
  if (f.connection !== ctx.config.connection)
    return mgmtError(400, "The connection does not exist.", "inexistent_connection");
  if (typeof f.email !== "string") return invalid("'Missing required property: email'.");
  if (!EMAIL.test(f.email)) {
    return invalid(
      `'Object didn't pass validation for format email: ${f.email}' on property email (The user's email).`,
    );
  }
  if (typeof f.password !== "string") return invalid("'Missing required property: password'.");
  if (f.username !== undefined && typeof f.username !== "string") {
    return invalid(`'Expected type string but found type ${typeof f.username}' on property username.`);
  }
  // Auth0's "fair" policy floor; stricter tenant policies are the tenant's business.
  if (f.password.length < 8)
    return mgmtError(400, "PasswordStrengthError: Password is too weak", "invalid_password");
  const username = typeof f.username === "string" ? f.username : undefined;
  if (ctx.state.loginTaken(f.email) || (username && ctx.state.loginTaken(username))) {
    return mgmtError(409, "The user already exists.", "auth0_idp_error");
  }
  let user: User;
  try {
    user = ctx.state.createUser({ email: f.email, password: f.password, ...(username ? { username } : {}) });
  } catch (e) {
    return mgmtError(429, e instanceof Error ? e.message : "The mock is full.", "too_many_requests");
  }
  return json(201, userView(ctx, user, username !== undefined));
}

function readUser(ctx: ManagementContext, id: string): ManagementResponse {
  const user = ctx.state.users.get(id);
  return user ? json(200, userView(ctx, user, true)) : inexistentUser();
}

/** A user as the Management API shows one (the fields the fixtures and a reader would look at). */
function userView(ctx: ManagementContext, user: User, withUsername: boolean): Record<string, unknown> {
  const now = new Date(ctx.clock.now()).toISOString();
  const bar = user.id.indexOf("|");
  return {
    user_id: user.id,
    email: user.email,
    email_verified: false,
    ...(withUsername ? { username: user.username } : {}),
    name: user.email,
    nickname: user.email.split("@")[0],
    identities: [
      {
        connection: ctx.config.connection,
        user_id: user.id.slice(bar + 1),
        provider: "auth0",
        isSocial: false,
      },
    ],
    created_at: now,
    updated_at: now,
  };
}

interface MethodView {
  id: string;
  type: string;
  confirmed: boolean;
  created_at: string;
  phone_number?: string;
  preferred_authentication_method?: string;
  authentication_methods?: { id: string; type: string }[];
  /** Not shown: the MFA API ids this method stands for. */
  authenticatorIds: string[];
}

/**
 * The MFA API's authenticators as Management API authentication methods: one `phone|dev_X` for the
 * sms and voice authenticators of a device (listing both channels), one method per other
 * authenticator (`recovery-code|dev_X`, `totp|…`, `email|…`, `push|…`).
 */
export function authenticationMethods(user: User): MethodView[] {
  const out: MethodView[] = [];
  const phones = new Map<string, MethodView>();
  for (const a of user.authenticators) {
    const created = new Date(a.createdAt).toISOString();
    // Only a phone groups channels; a totp, email, push or recovery code is a method of its own.
    if (a.kind !== "sms" && a.kind !== "voice") {
      out.push({
        id: a.id,
        type: a.kind,
        confirmed: a.active,
        created_at: created,
        authenticatorIds: [a.id],
      });
      continue;
    }
    const device = a.id.slice(a.id.indexOf("|") + 1);
    let phone = phones.get(device);
    if (!phone) {
      phone = {
        id: `phone|${device}`,
        type: "phone",
        confirmed: a.active,
        created_at: created,
        ...(a.phone ? { phone_number: a.phone } : {}),
        preferred_authentication_method: a.kind,
        authentication_methods: [],
        authenticatorIds: [],
      };
      phones.set(device, phone);
      out.push(phone);
    }
    phone.confirmed ||= a.active;
    phone.authentication_methods?.push({ id: a.id, type: a.kind });
    phone.authenticatorIds.push(a.id);
  }
  return out;
}

function listMethods(user: User, url: URL): ManagementResponse {
  const page = Math.max(0, Number.parseInt(url.searchParams.get("page") ?? "0", 10) || 0);
  const perPage = Math.min(
    MAX_PER_PAGE,
    Math.max(1, Number.parseInt(url.searchParams.get("per_page") ?? "50", 10) || 50),
  );
  const all = authenticationMethods(user).map(({ authenticatorIds: _ids, ...view }) => view);
  const slice = all.slice(page * perPage, (page + 1) * perPage);
  if (url.searchParams.get("include_totals") === "true") {
    return json(200, { start: page * perPage, limit: perPage, total: all.length, authenticators: slice });
  }
  return json(200, slice);
}
