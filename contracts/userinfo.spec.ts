/**
 * /userinfo (docs/behaviour.md#userinfo): the user's profile for an access token the target issued,
 * with the claims the token's scope allows (the ID token's values); a refusal is 401 with the text
 * "Unauthorized" and its reason in a `WWW-Authenticate: Bearer` challenge, not Auth0's JSON
 * envelope. Mock-only: the tokens come from the mock's login page (see flows/spa-login.ts).
 */
import { expect, type FlowContext, test } from "./fixtures.ts";
import { claimsOf, signIn } from "./flows/spa-login.ts";

/** A Bearer request to /userinfo (GET unless told). */
function userinfo({ api }: FlowContext, authorization: string | undefined, method: "GET" | "POST" = "GET") {
  return api.send({ method, path: "/userinfo", headers: authorization ? { authorization } : {} });
}

/** One character of the signature changed: the token's shape stays, its signature fails. */
function tampered(token: string): string {
  const at = token.length - 2;
  return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
}

test.describe("/userinfo", { tag: ["@op:getUserInfo", "@mock-only"] }, () => {
  test("answers the ID token's claims for openid profile email, by GET and by POST", {
    tag: ["@op:postUserInfo", "@check:body"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { tokens } = await signIn(ctx);
    const id = claimsOf(tokens.body.id_token);
    for (const method of ["GET", "POST"] as const) {
      const res = await userinfo(ctx, `Bearer ${tokens.body.access_token}`, method);
      expect(res.status, `${method} /userinfo`).toBe(200);
      expect(res).toConform();
      expect(res.body).toEqual({
        sub: id.sub,
        nickname: id.nickname,
        name: id.name,
        email: id.email,
        email_verified: true,
      });
    }
  });

  const scopes: Array<[string, string[]]> = [
    ["openid offline_access", ["sub"]],
    ["openid profile offline_access", ["sub", "nickname", "name"]],
    ["openid email offline_access", ["sub", "email", "email_verified"]],
  ];
  for (const [scope, claims] of scopes) {
    test(`scope "${scope}" answers ${claims.join(", ")}`, { tag: "@check:body" }, async ({ api, target }) => {
      const ctx = { api, target };
      const { tokens } = await signIn(ctx, { scope });
      const res = await userinfo(ctx, `Bearer ${tokens.body.access_token}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(claims);
    });
  }

  const refusals: Array<{
    name: string;
    authorization: (ctx: FlowContext) => Promise<string | undefined>;
    challenge: string;
  }> = [
    {
      name: "no Authorization header",
      authorization: async () => undefined,
      challenge: 'Bearer realm="Users"',
    },
    {
      name: "another scheme",
      authorization: async () => "Basic dXNlcjpwYXNz",
      challenge: 'Bearer realm="Users"',
    },
    {
      name: "a token whose signature does not verify",
      authorization: async (ctx) =>
        `Bearer ${tampered(String((await signIn(ctx)).tokens.body.access_token))}`,
      challenge: 'Bearer realm="Users", error="invalid_token", error_description="Invalid token"',
    },
    {
      name: "a refresh token instead of an access token",
      authorization: async (ctx) => `Bearer ${(await signIn(ctx)).tokens.body.refresh_token}`,
      challenge: 'Bearer realm="Users", error="invalid_token", error_description="Invalid token"',
    },
  ];
  for (const row of refusals) {
    test(`${row.name}: 401 "Unauthorized" with ${row.challenge}`, {
      tag: ["@check:errors", "@check:headers"],
    }, async ({ api, target }) => {
      const ctx = { api, target };
      const res = await userinfo(ctx, await row.authorization(ctx));
      expect(res.status).toBe(401);
      expect(res.text).toBe("Unauthorized");
      expect(res.headers["www-authenticate"]).toBe(row.challenge);
      expect(res).toConform();
    });
  }

  test.describe("on a private mock (its clock moves)", () => {
    test.use({ privateMock: true });

    test("an expired access token is refused: 401 with The token has expired", {
      tag: ["@check:security", "@check:headers"],
    }, async ({ api, target }) => {
      const ctx = { api, target };
      const { tokens } = await signIn(ctx);
      const lifetime = Number(tokens.body.expires_in);
      expect((await userinfo(ctx, `Bearer ${tokens.body.access_token}`)).status, "before it expires").toBe(
        200,
      );
      if (!target.advanceClock) throw new Error("a private mock has a clock");
      await target.advanceClock(lifetime + 1);
      const res = await userinfo(ctx, `Bearer ${tokens.body.access_token}`);
      expect(res.status, "an expired access token").toBe(401);
      expect(res.headers["www-authenticate"]).toBe(
        'Bearer realm="Users", error="invalid_token", error_description="The token has expired"',
      );
    });
  });
});
