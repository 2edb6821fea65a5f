import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createMockApp } from "../mock/app.ts";
import {
  authenticationMethods,
  handleManagement,
  type ManagementContext,
  type ManagementRequest,
  type ManagementResponse,
} from "../mock/management/management.ts";
import type { Client, User } from "../mock/store/records.ts";
import { TokenSigner } from "../mock/tokens/jwt.ts";
import { parseTenantConfig } from "./config.ts";
import { createManagementClient, TenantUsers } from "./management.ts";

const domain = "tenant.mock.test";
const client = { clientId: "m2m", clientSecret: "m2m-secret-0123456789", name: "M2M" } satisfies Client;
const publicClient: Client = { clientId: "native", clientSecret: undefined, name: "Native" };

/** A state with the methods the handler needs; the app passes its MockState. */
function fakeState(): ManagementContext["state"] {
  const users = new Map<string, User>();
  let n = 0;
  return {
    users,
    clients: new Map<string, Client>([
      [client.clientId, client],
      [publicClient.clientId, publicClient],
    ]),
    createUser(o) {
      const id = `auth0|${String(++n).padStart(24, "0")}`;
      const user: User = {
        id,
        username: o.username ?? `user${n}`,
        email: (o.email ?? `user${n}@example.com`).toLowerCase(),
        password: o.password ?? "x",
        name: "",
        authenticators: [],
        recoveryCode: undefined,
      };
      users.set(id, user);
      return user;
    },
    loginTaken: (login) =>
      [...users.values()].some((u) => u.email === login.toLowerCase() || u.username === login),
    removeAuthenticators(user, ids) {
      const before = user.authenticators.length;
      user.authenticators = user.authenticators.filter((a) => !ids.includes(a.id));
      return user.authenticators.length < before;
    },
    deleteUser: (id) => users.delete(id),
  };
}

function context(): ManagementContext {
  let now = 1_800_000_000_000;
  return {
    config: { domain, connection: "Username-Password-Authentication" },
    clock: { now: () => now++ },
    signer: new TokenSigner({ issuer: `https://${domain}/` }),
    state: fakeState(),
  };
}

function call(
  ctx: ManagementContext,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const req: ManagementRequest = {
    method,
    url,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
  };
  return handleManagement(ctx, req);
}

function parsed(res: ManagementResponse | undefined): { status: number; body: Record<string, unknown> } {
  assert.ok(res, "handled");
  return { status: res.status, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

function token(ctx: ManagementContext): string {
  const res = parsed(
    call(ctx, "POST", "/oauth/token", {
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      audience: `https://${domain}/api/v2/`,
    }),
  );
  assert.equal(res.status, 200);
  return String(res.body.access_token);
}

describe("client credentials on /oauth/token", () => {
  const ctx = context();
  const base = {
    grant_type: "client_credentials",
    client_id: client.clientId,
    client_secret: client.clientSecret,
  };
  const rows: {
    name: string;
    body: Record<string, unknown>;
    status: number;
    error?: string;
    description?: RegExp;
  }[] = [
    { name: "management audience", body: { ...base, audience: `https://${domain}/api/v2/` }, status: 200 },
    {
      name: "wrong secret",
      body: { ...base, client_secret: "nope", audience: `https://${domain}/api/v2/` },
      status: 401,
      error: "access_denied",
      description: /^Unauthorized$/,
    },
    {
      name: "unknown client",
      body: { ...base, client_id: "who", audience: `https://${domain}/api/v2/` },
      status: 401,
      error: "access_denied",
    },
    {
      name: "a public client, without a secret",
      body: { grant_type: "client_credentials", client_id: "native", audience: `https://${domain}/api/v2/` },
      status: 401,
      error: "access_denied",
    },
    {
      name: "a public client, with a secret",
      body: { ...base, client_id: "native", audience: `https://${domain}/api/v2/` },
      status: 401,
      error: "access_denied",
    },
    {
      name: "no audience",
      body: base,
      status: 403,
      error: "access_denied",
      description: /No audience parameter/,
    },
    {
      name: "other audience",
      body: { ...base, audience: "https://api.example.com/" },
      status: 403,
      error: "access_denied",
      description: /^Service not found: https:\/\/api\.example\.com\/$/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const raw = call(ctx, "POST", "/oauth/token", row.body);
      const res = parsed(raw);
      assert.equal(res.status, row.status);
      assert.equal(raw?.headers["content-type"], "application/json");
      if (row.status === 200) {
        assert.deepEqual(Object.keys(res.body).sort(), ["access_token", "expires_in", "scope", "token_type"]);
        assert.equal(res.body.token_type, "Bearer");
        assert.equal(res.body.expires_in, 86400);
      } else {
        assert.equal(res.body.error, row.error);
        if (row.description) assert.match(String(res.body.error_description), row.description);
      }
    });
  }

  test("other grants and the Authentication API fall through", () => {
    assert.equal(call(ctx, "POST", "/oauth/token", { grant_type: "password" }), undefined);
    assert.equal(call(ctx, "POST", "/mfa/challenge", { client_id: "client_credentials" }), undefined);
    assert.equal(call(ctx, "GET", "/mfa/authenticators"), undefined);
  });

  test("form-encoded requests work too", () => {
    const body = new URLSearchParams({ ...base, audience: `https://${domain}/api/v2/` }).toString();
    const res = call(ctx, "POST", "/oauth/token", body, {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(res?.status, 200);
  });
});

describe("Management API errors use {statusCode, error, message, errorCode}", () => {
  const ctx = context();
  const bearer = () => ({ authorization: `Bearer ${token(ctx)}` });
  const mfaToken = () => ({
    authorization: `Bearer ${ctx.signer.sign({ aud: `https://${domain}/mfa/`, scope: "read:authenticators" }, 600, ctx.clock.now())}`,
  });
  const narrow = () => ({
    authorization: `Bearer ${ctx.signer.sign({ aud: `https://${domain}/api/v2/`, scope: "read:users" }, 600, ctx.clock.now())}`,
  });
  const conn = "Username-Password-Authentication";
  const rows: {
    name: string;
    method: string;
    url: string;
    body?: unknown;
    headers?: () => Record<string, string>;
    status: number;
    message: RegExp;
    errorCode?: string;
  }[] = [
    {
      name: "no token",
      method: "GET",
      url: "/api/v2/users/auth0%7C1",
      status: 401,
      message: /^Missing authentication$/,
    },
    {
      name: "garbage token",
      method: "GET",
      url: "/api/v2/users/auth0%7C1",
      headers: () => ({ authorization: "Bearer abc" }),
      status: 401,
      message: /^Invalid token$/,
    },
    {
      name: "token of another audience",
      method: "GET",
      url: "/api/v2/users/auth0%7C1",
      headers: mfaToken,
      status: 401,
      message: /^Bad audience/,
    },
    {
      name: "missing scope",
      method: "DELETE",
      url: "/api/v2/users/auth0%7C1",
      headers: narrow,
      status: 403,
      message: /^Insufficient scope, expected any of: delete:users$/,
      errorCode: "insufficient_scope",
    },
    {
      name: "unknown user",
      method: "GET",
      url: "/api/v2/users/auth0%7Cnobody",
      headers: bearer,
      status: 404,
      message: /^The user does not exist\.$/,
      errorCode: "inexistent_user",
    },
    {
      name: "methods of an unknown user",
      method: "GET",
      url: "/api/v2/users/auth0%7Cnobody/authentication-methods",
      headers: bearer,
      status: 404,
      message: /does not exist/,
      errorCode: "inexistent_user",
    },
    {
      name: "no connection",
      method: "POST",
      url: "/api/v2/users",
      body: { email: "a@example.com", password: "Aa1!aaaaaaa" },
      headers: bearer,
      status: 400,
      message: /Missing required property: connection/,
      errorCode: "invalid_body",
    },
    {
      name: "unknown connection",
      method: "POST",
      url: "/api/v2/users",
      body: { connection: "other", email: "a@example.com", password: "Aa1!aaaaaaa" },
      headers: bearer,
      status: 400,
      message: /^The connection does not exist\.$/,
      errorCode: "inexistent_connection",
    },
    {
      name: "bad email",
      method: "POST",
      url: "/api/v2/users",
      body: { connection: conn, email: "nope", password: "Aa1!aaaaaaa" },
      headers: bearer,
      status: 400,
      message: /format email/,
      errorCode: "invalid_body",
    },
    {
      name: "weak password",
      method: "POST",
      url: "/api/v2/users",
      body: { connection: conn, email: "b@example.com", password: "short" },
      headers: bearer,
      status: 400,
      message: /PasswordStrengthError/,
      errorCode: "invalid_password",
    },
    {
      name: "body not JSON",
      method: "POST",
      url: "/api/v2/users",
      body: "{",
      headers: bearer,
      status: 400,
      message: /JSON/,
      errorCode: "invalid_body",
    },
    {
      name: "unknown route",
      method: "GET",
      url: "/api/v2/clients",
      headers: bearer,
      status: 404,
      message: /^Not Found$/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const raw = call(ctx, row.method, row.url, row.body, row.headers?.() ?? {});
      const res = parsed(raw);
      assert.equal(res.status, row.status);
      assert.equal(raw?.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(res.body.statusCode, row.status);
      assert.equal(typeof res.body.error, "string");
      assert.match(String(res.body.message), row.message);
      assert.equal(res.body.errorCode, row.errorCode);
    });
  }

  test("an existing email is a 409 conflict", () => {
    const body = { connection: conn, email: "dup@example.com", password: "Aa1!aaaaaaa" };
    assert.equal(call(ctx, "POST", "/api/v2/users", body, bearer())?.status, 201);
    const res = parsed(call(ctx, "POST", "/api/v2/users", body, bearer()));
    assert.deepEqual(res, {
      status: 409,
      body: {
        statusCode: 409,
        error: "Conflict",
        message: "The user already exists.",
        errorCode: "auth0_idp_error",
      },
    });
  });
});

test("authenticationMethods groups sms and voice of a device into one phone method", () => {
  const user: User = {
    id: "auth0|1",
    username: "u",
    email: "u@example.com",
    password: "x",
    name: "",
    recoveryCode: "R",
    authenticators: [
      { id: "sms|dev_A", kind: "sms", active: true, phone: "+447700900001", createdAt: 0 },
      { id: "voice|dev_A", kind: "voice", active: true, phone: "+447700900001", createdAt: 0 },
      { id: "recovery-code|dev_B", kind: "recovery-code", active: true, createdAt: 0 },
    ],
  };
  const methods = authenticationMethods(user).map(({ authenticatorIds: _a, ...v }) => v);
  assert.deepEqual(methods, [
    {
      id: "phone|dev_A",
      type: "phone",
      confirmed: true,
      created_at: "1970-01-01T00:00:00.000Z",
      phone_number: "+447700900001",
      preferred_authentication_method: "sms",
      authentication_methods: [
        { id: "sms|dev_A", type: "sms" },
        { id: "voice|dev_A", type: "voice" },
      ],
    },
    {
      id: "recovery-code|dev_B",
      type: "recovery-code",
      confirmed: true,
      created_at: "1970-01-01T00:00:00.000Z",
    },
  ]);
});

describe("the auth0 SDK's ManagementClient against the handler over HTTP", () => {
  const ctx = context();
  let url = "";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const answer = handleManagement(ctx, {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks),
      }) ?? {
        status: 404,
        headers: {},
        body: "",
      };
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  function users(secret = client.clientSecret): TenantUsers {
    const config = parseTenantConfig({
      AUTH0_DOMAIN: domain,
      AUTH0_BASE_URL: url,
      AUTH0_CLIENT_ID: "app",
      AUTH0_CLIENT_SECRET: "app-secret",
      AUTH0_CONNECTION: "Username-Password-Authentication",
      AUTH0_MGMT_CLIENT_ID: client.clientId,
      AUTH0_MGMT_CLIENT_SECRET: secret,
    });
    return new TenantUsers(createManagementClient(config), config.connection, "run1");
  }

  test("creates a user, lists and removes its methods, deletes it", async () => {
    const fixtures = users();
    const user = await fixtures.create();
    assert.match(user.username, /^mfa-harness\+run1-1@example\.com$/);
    assert.match(user.userId, /^auth0\|/);
    const stored = ctx.state.users.get(user.userId);
    assert.ok(stored);
    assert.equal(stored.password, user.password);
    stored.authenticators.push(
      { id: "sms|dev_X", kind: "sms", active: true, phone: "+447700900002", createdAt: 0 },
      { id: "voice|dev_X", kind: "voice", active: true, phone: "+447700900002", createdAt: 0 },
      { id: "recovery-code|dev_Y", kind: "recovery-code", active: true, createdAt: 0 },
    );
    assert.deepEqual(await fixtures.methodIds(user.userId), ["phone|dev_X", "recovery-code|dev_Y"]);
    await fixtures.removeAuthenticators(user.userId);
    assert.deepEqual(await fixtures.methodIds(user.userId), []);
    assert.deepEqual(await fixtures.cleanup(), { deleted: 1, failed: [] });
    assert.equal(ctx.state.users.has(user.userId), false);
    // Deleting again is still 204, as on Auth0.
    await fixtures.delete(user.userId);
  });

  test("a wrong M2M secret fails with the status and no secret in the message", async () => {
    const fixtures = users("wrong-secret-value");
    await assert.rejects(fixtures.create(), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /401/);
      assert.doesNotMatch(e.message, /wrong-secret-value/);
      return true;
    });
  });
});

describe("rate limits of the Management API in the app", () => {
  test("/api/v2 calls do not drain the Authentication API's global bucket", async () => {
    // essentials: a global burst of 25, so 30 fixture calls would otherwise leave the MFA endpoints a 429.
    const app = createMockApp({ profile: "essentials", users: 0 });
    const c = app.config();
    const user = JSON.parse((await app.request("/__mock/users", { method: "POST", body: {} })).body) as {
      user_id: string;
    };
    const token = JSON.parse(
      (
        await app.request("/oauth/token", {
          method: "POST",
          body: {
            grant_type: "client_credentials",
            client_id: c.clientId,
            client_secret: c.clientSecret,
            audience: `https://${c.domain}/api/v2/`,
          },
        })
      ).body,
    ) as { access_token: string };
    const path = `/api/v2/users/${encodeURIComponent(user.user_id)}/authentication-methods`;
    let last: { status: number; headers: Record<string, string> } | undefined;
    for (let i = 0; i < 30; i++) {
      last = await app.request(path, { headers: { authorization: `Bearer ${token.access_token}` } });
      assert.equal(last.status, 200);
    }
    assert.ok(last?.headers["x-ratelimit-limit"], "Management answers carry rate-limit headers of their own");
    const auth = await app.request("/.well-known/openid-configuration");
    assert.notEqual(auth.status, 429);
    assert.ok(Number(auth.headers["x-ratelimit-remaining"]) >= 20, auth.headers["x-ratelimit-remaining"]);
  });
});
