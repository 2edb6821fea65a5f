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
 *   /api/v2/actions/…                                     Actions and trigger bindings (actions.ts: what a
 *                                                         fixture needs to install a post-login Action)
 *
 * Errors use the Management API's envelope `{statusCode, error, message, errorCode}` (not the
 * Authentication API's `{error, error_description}`); /oauth/token keeps the latter.
 * Its modules: context (what it reads from the mock, and the bearer check), errors (its envelope),
 * client-credentials, users, authentication-methods, actions (with action-store, action-draft and
 * action-views) and post-login (what the bound post-login Actions do to the mock). The app routes to it through `managementRoutes` (routes.ts);
 * `handleManagement` answers one request in process, without the app (a test's stand-in server).
 */
import type { Handler, PlainRoute } from "../http/request.ts";
import type { Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { actionsApi } from "./actions.ts";
import { clientCredentialsGrant } from "./client-credentials.ts";
import type { ManagementContext, ManagementRequest, ManagementResponse } from "./context.ts";
import { usersApi } from "./users.ts";

export { authenticationMethods, type MethodView } from "./authentication-methods.ts";
export { clientCredentialsGrant } from "./client-credentials.ts";
export type { ManagementContext, ManagementRequest, ManagementResponse } from "./context.ts";

const api: Handler<Runtime> = (rt, req) =>
  req.path.startsWith("/api/v2/actions/") ? actionsApi(rt, req) : usersApi(rt, req);

/** The Management API's rows of the route table: every method under /api/v2/ (its own 404 inside). */
export const managementRoutes: readonly PlainRoute<Runtime>[] = [
  { method: "*", path: "/api/v2/*", id: "management", api: "management", handler: api },
];

/**
 * Answers a Management API request (or a client-credentials token request) in process; undefined
 * for anything else, which is the Authentication API's. The users part only: the Actions need the
 * app's whole configuration (ActionsContext), which a stand-in does not have.
 */
export function handleManagement(
  ctx: ManagementContext,
  req: ManagementRequest,
): ManagementResponse | undefined {
  const path = req.url.split("?", 1)[0] ?? "";
  if (path === "/api/v2" || path.startsWith("/api/v2/")) return serialised(usersApi(ctx, req));
  if (req.method !== "POST" || path !== "/oauth/token") return undefined;
  const reply = clientCredentialsGrant(ctx, req);
  return reply && serialised(reply);
}

/** A reply as the response `handleManagement` gives. */
export function serialised(reply: Reply): ManagementResponse {
  return {
    status: reply.status,
    headers: reply.headers ?? {},
    body: reply.body === undefined ? "" : JSON.stringify(reply.body),
  };
}
