/**
 * What the Management API subset reads from the mock (the app's Runtime has this shape; a test can
 * pass a fake), and the helpers every part of it shares.
 */
import { parseManagementBody } from "../http/body.ts";
import type { Reply } from "../reply.ts";
import type { Client, User } from "../store/records.ts";
import { managementErrors, mgmtError } from "./errors.ts";

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
    /** Removes these authenticators of the user (factors/index.ts decides which go together). */
    removeAuthenticators(user: User, ids: readonly string[]): boolean;
    /** Removes the user, its logins, tokens and authenticators; false when unknown. */
    deleteUser(id: string): boolean;
  };
}

/** A request as the subset reads it (the app's routed request has this shape). */
export interface ManagementRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An answer of `handleManagement`: status, headers and the serialised body. */
export interface ManagementResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A header by lower-case name, whatever the case the caller used. */
export function header(req: ManagementRequest, name: string): string | undefined {
  const direct = req.headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : req.headers[key];
}

/** Parses a JSON or form body into fields (http/body.ts's Management reading); undefined when unreadable. */
export function fields(req: ManagementRequest): Record<string, unknown> | undefined {
  return parseManagementBody(header(req, "content-type"), req.body);
}

/** The Management API audience of a mock: `https://<domain>/api/v2/`. */
export function managementAudience(ctx: ManagementContext): string {
  return `https://${ctx.config.domain}/api/v2/`;
}

/** Checks the bearer token: issued by this mock, for its Management API, with the scope. */
export function authorize(ctx: ManagementContext, req: ManagementRequest, scope: string): Reply | undefined {
  const auth = header(req, "authorization");
  if (!auth || !/^bearer /i.test(auth)) return mgmtError(managementErrors.missingAuthentication);
  const claims = ctx.signer.verify(auth.slice(7).trim(), ctx.clock.now());
  if (!claims) return mgmtError(managementErrors.invalidToken);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(managementAudience(ctx))) {
    return mgmtError(managementErrors.badAudience(aud.join(" ")));
  }
  const granted = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!granted.includes(scope)) return mgmtError(managementErrors.insufficientScope(scope));
  return undefined;
}
