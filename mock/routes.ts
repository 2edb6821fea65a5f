/**
 * The mock's route table: every route, one row each: the Authentication API operations and OpenID
 * discovery here, the Management API subset (management/management.ts) and the control API
 * (control/api.ts) from their folders. The app dispatches through it (http/router.ts matches).
 */
import { controlRoutes } from "./control/api.ts";
import { type Route, RouteTable } from "./http/router.ts";
import { authorize, loginForm, loginSubmit, logout } from "./login/authorize.ts";
import { managementRoutes } from "./management/management.ts";
import { associate } from "./operations/associate.ts";
import { deleteAuthenticator, listAuthenticators } from "./operations/authenticators.ts";
import { challenge } from "./operations/challenge.ts";
import { jwks, openidConfiguration } from "./operations/discovery.ts";
import { tokenEndpoint } from "./operations/token.ts";
import { userInfo } from "./operations/userinfo.ts";
import type { Runtime } from "./runtime.ts";

/** The Authentication API: the operations of the description and OpenID discovery. */
export const authenticationRoutes: readonly Route<Runtime>[] = [
  {
    method: "POST",
    path: "/oauth/token",
    id: "token",
    api: "authentication",
    body: "json-or-form",
    handler: (rt, r) => tokenEndpoint(rt, r.fields, r.headers.authorization, r.now),
  },
  {
    method: "POST",
    path: "/mfa/associate",
    id: "associateAuthenticator",
    api: "authentication",
    body: "json",
    handler: (rt, r) => associate(rt, r.fields, r.headers.authorization),
  },
  {
    method: "GET",
    path: "/mfa/authenticators",
    id: "listAuthenticators",
    api: "authentication",
    body: "none",
    handler: (rt, r) => listAuthenticators(rt, r.headers.authorization),
  },
  {
    method: "DELETE",
    path: "/mfa/authenticators/{authenticator_id}",
    id: "deleteAuthenticator",
    api: "authentication",
    body: "none",
    handler: (rt, r) => deleteAuthenticator(rt, r.headers.authorization, r.param),
  },
  {
    method: "POST",
    path: "/mfa/challenge",
    id: "challenge",
    api: "authentication",
    body: "json-or-form",
    handler: (rt, r) => challenge(rt, r.fields, r.headers.authorization, r.now),
  },
  {
    method: "GET",
    path: "/userinfo",
    id: "getUserInfo",
    api: "authentication",
    body: "none",
    handler: (rt, r) => userInfo(rt, r.headers.authorization, r.now),
  },
  {
    method: "POST",
    path: "/userinfo",
    id: "postUserInfo",
    api: "authentication",
    body: "none",
    handler: (rt, r) => userInfo(rt, r.headers.authorization, r.now),
  },
  {
    method: "GET",
    path: "/.well-known/openid-configuration",
    id: "discovery",
    api: "authentication",
    handler: (rt) => ({ status: 200, body: openidConfiguration(rt) }),
  },
  {
    method: "GET",
    path: "/.well-known/jwks.json",
    id: "jwks",
    api: "authentication",
    handler: (rt) => ({ status: 200, body: jwks(rt) }),
  },
];

/** The login surface (login/): /authorize, the login page and logout (docs/behaviour.md#login). */
export const loginRoutes: readonly Route<Runtime>[] = [
  { method: "GET", path: "/authorize", id: "authorize", api: "authentication", handler: authorize },
  { method: "GET", path: "/u/login", id: "loginPage", api: "authentication", handler: loginForm },
  { method: "POST", path: "/u/login", id: "loginSubmit", api: "authentication", handler: loginSubmit },
  { method: "GET", path: "/v2/logout", id: "logout", api: "authentication", handler: logout },
];

/** Every route of the mock. */
export const routes = new RouteTable<Runtime>([
  ...authenticationRoutes,
  ...loginRoutes,
  ...managementRoutes,
  ...controlRoutes,
]);
