/**
 * The users collection of the Management API subset: create, read and delete a user, list and
 * delete its authentication methods, each behind a bearer token of this mock with the scope.
 */
import { isEmail } from "../factors/email.ts";
import { removeAuthenticator } from "../factors/index.ts";
import type { Reply } from "../reply.ts";
import type { User } from "../store/records.ts";
import { authenticationMethods, listMethods } from "./authentication-methods.ts";
import { authorize, fields, type ManagementContext, type ManagementRequest } from "./context.ts";
import { inexistentUser, json, managementErrors, mgmtError, noContent } from "./errors.ts";

/** Answers a request under /api/v2 (the users collection; anything else is its 404). */
export function usersApi(ctx: ManagementContext, req: ManagementRequest): Reply {
  const url = new URL(req.url, "http://mock");
  const segments = url.pathname.split("/").slice(3); // after "", "api", "v2"
  let parts: string[];
  try {
    parts = segments.map(decodeURIComponent);
  } catch {
    return mgmtError(managementErrors.malformedUri);
  }
  const [collection, id, sub, methodId, ...rest] = parts;
  const notFound = mgmtError(managementErrors.notFound);
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
    ctx.state.removeAuthenticators(
      user,
      user.authenticators.map((a) => a.id),
    );
    return noContent();
  }
  const method = authenticationMethods(user).find((x) => x.id === methodId);
  if (!method) return mgmtError(managementErrors.inexistentMethod);
  // A phone method covers its sms and voice authenticators; deleting one removes its twin too.
  removeAuthenticator(ctx.state, user, method.authenticatorIds[0] ?? methodId);
  return noContent();
}

function createUser(ctx: ManagementContext, req: ManagementRequest): Reply {
  const f = fields(req);
  if (!f) return mgmtError(managementErrors.invalidJson);
  const invalid = (m: string) => mgmtError(managementErrors.invalidPayload(m));
  if (typeof f.connection !== "string") return invalid("'Missing required property: connection'.");
  if (f.connection !== ctx.config.connection) return mgmtError(managementErrors.inexistentConnection);
  if (typeof f.email !== "string") return invalid("'Missing required property: email'.");
  // The mock's one address rule, the email factor's (local part at most 64, the whole at most 254).
  if (!isEmail(f.email)) {
    return invalid(
      `'Object didn't pass validation for format email: ${f.email}' on property email (The user's email).`,
    );
  }
  if (typeof f.password !== "string") return invalid("'Missing required property: password'.");
  if (f.username !== undefined && typeof f.username !== "string") {
    return invalid(`'Expected type string but found type ${typeof f.username}' on property username.`);
  }
  // Auth0's "fair" policy floor; stricter tenant policies are the tenant's business.
  if (f.password.length < 8) return mgmtError(managementErrors.weakPassword);
  const username = typeof f.username === "string" ? f.username : undefined;
  if (ctx.state.loginTaken(f.email) || (username && ctx.state.loginTaken(username))) {
    return mgmtError(managementErrors.userExists);
  }
  let user: User;
  try {
    user = ctx.state.createUser({ email: f.email, password: f.password, ...(username ? { username } : {}) });
  } catch (e) {
    return mgmtError(managementErrors.full(e instanceof Error ? e.message : "The mock is full."));
  }
  return json(201, userView(ctx, user, username !== undefined));
}

function readUser(ctx: ManagementContext, id: string): Reply {
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
