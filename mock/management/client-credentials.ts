/**
 * The client-credentials grant on /oauth/token, with audience https://<domain>/api/v2/: the M2M
 * token the Management API subset accepts. Its refusals keep the Authentication API's envelope.
 */
import type { Reply } from "../reply.ts";
import {
  fields,
  header,
  type ManagementContext,
  type ManagementRequest,
  managementAudience,
} from "./context.ts";
import { json } from "./errors.ts";

/** The scopes the mock grants an M2M client: what the fixtures need, nothing more. */
const MANAGEMENT_SCOPES = [
  "read:users",
  "create:users",
  "delete:users",
  "read:authentication_methods",
  "delete:authentication_methods",
  // The step-up fixture installs a post-login Action (management/actions.ts).
  "read:actions",
  "create:actions",
  "update:actions",
  "delete:actions",
  "read:triggers",
  "update:triggers",
] as const;

/** Auth0's default for Management API tokens issued by client credentials. */
const TOKEN_TTL_SECONDS = 86_400;
const CLIENT_CREDENTIALS = "client_credentials";
const CLIENT_CREDENTIALS_BYTES = Buffer.from(CLIENT_CREDENTIALS);

/**
 * The answer to a POST /oauth/token whose grant is client_credentials; undefined for any other
 * grant, which the Authentication API answers. The one place the grant is recognised: a cheap look
 * at the raw bytes first (searched as bytes, so other grants' bodies are not decoded twice, with a
 * needle made once), then the parsed field.
 */
export function clientCredentialsGrant(ctx: ManagementContext, req: ManagementRequest): Reply | undefined {
  const body = req.body;
  const mentioned =
    typeof body === "string" ? body.includes(CLIENT_CREDENTIALS) : body.includes(CLIENT_CREDENTIALS_BYTES);
  if (!mentioned) return undefined;
  const f = fields(req);
  if (f?.grant_type !== CLIENT_CREDENTIALS) return undefined;
  return clientCredentials(ctx, f, header(req, "authorization"));
}

function clientCredentials(
  ctx: ManagementContext,
  f: Record<string, unknown>,
  authorization: string | undefined,
): Reply {
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
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" },
    body: { access_token: token, scope, expires_in: TOKEN_TTL_SECONDS, token_type: "Bearer" },
  };
}
