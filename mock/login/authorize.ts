/**
 * The login surface (docs/behaviour.md#login): `GET /authorize` (response_type=code, PKCE S256 for a
 * single-page app, state, nonce, response_mode query, fragment or web_message, prompt=none from the
 * session cookie), the login page (`GET /u/login`, `POST /u/login`: the credential step of Universal
 * Login) and `GET /v2/logout`. The code it issues is exchanged by operations/code-grants.ts.
 */
import { mfaOnRefreshApplies } from "../config/config.ts";
import { isLoopback } from "../http/loopback.ts";
import type { RouteRequest } from "../http/request.ts";
import { type ErrorEntry, errors, type Reply } from "../reply.ts";
import type { Runtime } from "../runtime.ts";
import { type AuthorizeRequest, CODE_TTL_MS, type LoginSession } from "../store/login.ts";
import { errorPage, loginPage, webMessagePage } from "./page.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "auth0_mock_session";

const HTML = "text/html; charset=utf-8";

function html(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: undefined,
    text,
    headers: { "content-type": HTML, "cache-control": "no-store", ...headers },
  };
}

function redirect(location: string, headers: Record<string, string> = {}): Reply {
  return {
    status: 302,
    body: undefined,
    text: "",
    headers: { location, "cache-control": "no-store", ...headers },
  };
}

/** An error shown on the mock's page: the app's redirect URI is not trusted (yet). */
function errorAnswer(entry: ErrorEntry): Reply {
  return html(
    typeof entry.status === "number" ? entry.status : 400,
    errorPage(entry.error, entry.description),
  );
}

/**
 * True when `uri` may receive codes: one of the configured callback URLs, or, with none configured,
 * any http(s) URL on a loopback host (docs/behaviour.md#login).
 */
export function callbackAllowed(rt: Runtime, uri: string): boolean {
  const list = rt.config.callbackUrls;
  if (list.length > 0) return list.includes(uri);
  try {
    const u = new URL(uri);
    return (u.protocol === "https:" || u.protocol === "http:") && isLoopback(u.hostname) && u.hash === "";
  } catch {
    return false;
  }
}

/** The value of a cookie of the request; undefined when absent. */
function cookie(req: RouteRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session of the request's cookie, if it is a live one. */
function sessionOf(rt: Runtime, req: RouteRequest): LoginSession | undefined {
  const id = cookie(req, SESSION_COOKIE);
  if (id === undefined) return undefined;
  const session = rt.state.login.sessions.get(id);
  return session !== undefined && rt.state.users.has(session.userId) ? session : undefined;
}

/** Sends the answer back to the app the way it asked (query, fragment or web_message). */
function respondTo(
  request: AuthorizeRequest,
  params: Record<string, string>,
  headers?: Record<string, string>,
): Reply {
  const response = { ...params, ...(request.state === undefined ? {} : { state: request.state }) };
  if (request.responseMode === "web_message") {
    return html(200, webMessagePage(new URL(request.redirectUri).origin, response), headers);
  }
  const encoded = new URLSearchParams(response).toString();
  if (request.responseMode === "fragment") return redirect(`${request.redirectUri}#${encoded}`, headers);
  const sep = request.redirectUri.includes("?") ? "&" : "?";
  return redirect(`${request.redirectUri}${sep}${encoded}`, headers);
}

/** An error sent back to the app (its redirect URI is trusted). */
function refuse(request: AuthorizeRequest, entry: ErrorEntry): Reply {
  return respondTo(request, { error: entry.error, error_description: entry.description });
}

/** A code for the signed-in session, sent back to the app. */
function issue(
  rt: Runtime,
  request: AuthorizeRequest,
  session: LoginSession,
  headers?: Record<string, string>,
): Reply {
  const code = rt.state.login.issueCode(request, session, rt.clock.now() + CODE_TTL_MS);
  return respondTo(request, { code: code.code }, headers);
}

/** GET /authorize. */
export function authorize(rt: Runtime, req: RouteRequest): Reply {
  const q = new URLSearchParams(req.query);
  const clientId = q.get("client_id");
  if (clientId === null) return errorAnswer(errors.missingParameter("client_id"));
  const client = rt.state.clients.get(clientId);
  if (client === undefined) return errorAnswer(errors.unknownClient(clientId));
  const redirectUri = q.get("redirect_uri");
  if (redirectUri === null) return errorAnswer(errors.missingParameter("redirect_uri"));
  if (!callbackAllowed(rt, redirectUri)) return errorAnswer(errors.callbackMismatch(redirectUri));
  const mode = q.get("response_mode") ?? "query";
  const method = q.get("code_challenge_method");
  const request: AuthorizeRequest = {
    clientId,
    redirectUri,
    responseMode: mode === "fragment" || mode === "web_message" ? mode : "query",
    state: q.get("state") ?? undefined,
    nonce: q.get("nonce") ?? undefined,
    scope: q.get("scope") ?? "openid",
    audience: q.get("audience") ?? (rt.config.audience === "" ? undefined : rt.config.audience),
    codeChallenge: q.get("code_challenge") ?? undefined,
    codeChallengeMethod: method === "S256" ? "S256" : undefined,
  };
  if (mode !== "query" && mode !== "fragment" && mode !== "web_message") {
    return refuse(request, errors.unsupportedResponseMode(mode));
  }
  const responseType = q.get("response_type");
  if (responseType === null) return refuse(request, errors.missingParameter("response_type"));
  if (responseType !== "code") return refuse(request, errors.unsupportedResponseType(responseType));
  // Auth0 supports only S256 ("the latter is discouraged"); a single-page app must use PKCE.
  if (request.codeChallenge !== undefined && method !== null && method !== "S256") {
    return refuse(request, errors.pkceMethod(method));
  }
  if (request.codeChallenge !== undefined && method === null)
    return refuse(request, errors.pkceMethod("plain"));
  if (client.spa && request.codeChallenge === undefined) return refuse(request, errors.pkceRequired);
  const prompt = (q.get("prompt") ?? "").split(" ");
  const session = prompt.includes("login") ? undefined : sessionOf(rt, req);
  if (prompt.includes("none")) {
    if (session === undefined) return refuse(request, errors.loginRequired);
    // A post-login Action that requires MFA on refresh requires it here too, unless the session did it.
    if (!session.mfaDone && mfaOnRefreshApplies(rt.config, request.audience, request.scope)) {
      return refuse(request, errors.mfaLoginRequired);
    }
    return issue(rt, request, session);
  }
  if (session !== undefined) return issue(rt, request, session);
  return redirect(`/u/login?state=${encodeURIComponent(rt.state.login.park(request))}`);
}

/** The tenant's name on the login page. */
function tenantName(rt: Runtime): string {
  return rt.config.domain;
}

/** GET /u/login: the login form of a parked authorization request. */
export function loginForm(rt: Runtime, req: RouteRequest): Reply {
  const state = new URLSearchParams(req.query).get("state") ?? "";
  if (!rt.state.login.pending.has(state)) return errorAnswer(errors.loginExpired);
  return html(200, loginPage(state, tenantName(rt)));
}

/** POST /u/login: checks the credentials; signed in, the code goes back to the app with a session cookie. */
export function loginSubmit(rt: Runtime, req: RouteRequest): Reply {
  const form = new URLSearchParams(typeof req.body === "string" ? req.body : req.body.toString("utf8"));
  const state = form.get("state") ?? "";
  const store = rt.state.login;
  const request = store.pending.get(state);
  if (request === undefined) return errorAnswer(errors.loginExpired);
  const username = form.get("username") ?? "";
  const user = rt.state.findLogin(username);
  if (user === undefined || user.password !== (form.get("password") ?? "")) {
    return html(400, loginPage(state, tenantName(rt), errors.wrongPassword.description, username));
  }
  store.pending.delete(state);
  const session = store.openSession(user.id, rt.clock.now());
  // SameSite=None; Secure: the iframe of silent authentication (prompt=none) sends it cross-site.
  const setCookie = `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; Secure; SameSite=None`;
  return issue(rt, request, session, { "set-cookie": setCookie });
}

/** GET /v2/logout: ends the session; `returnTo` must be an allowed URL (the callback URL rule). */
export function logout(rt: Runtime, req: RouteRequest): Reply {
  const q = new URLSearchParams(req.query);
  const returnTo = q.get("returnTo");
  const id = cookie(req, SESSION_COOKIE);
  if (id !== undefined) rt.state.login.sessions.delete(id);
  const clear = { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=None; Max-Age=0` };
  if (returnTo === null) return html(200, "<!DOCTYPE html><title>Logged out</title><p>OK</p>", clear);
  if (!callbackAllowed(rt, returnTo)) return errorAnswer(errors.returnToMismatch(returnTo));
  return redirect(returnTo, clear);
}
