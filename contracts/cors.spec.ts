/**
 * CORS as a browser app meets it (docs/behaviour.md#cors), checked without a browser: the preflight
 * a browser sends before auth0-spa-js's form-encoded token call with its `Auth0-Client` header, and
 * the `Access-Control-Allow-Origin` of the answers it then reads, for an allowed web origin (any
 * loopback origin by default) on the paths Auth0 serves to browsers; nothing for another origin or
 * path. Mock-only: a tenant answers CORS only for the Allowed Web Origins of its application.
 */
import { expect, type FlowContext, test } from "./fixtures.ts";
import { APP_ORIGIN, authorizeCode, exchangeCode } from "./flows/spa-login.ts";

/** The preflight a browser sends before a call with these headers. */
function preflight({ api }: FlowContext, path: string, origin: string, method = "POST") {
  return api.send({
    method: "OPTIONS",
    path,
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "auth0-client, content-type",
    },
  });
}

/** The response's CORS headers, by name. */
function corsHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("access-control-")));
}

test.describe("CORS for the single-page app's origin", { tag: ["@op:token", "@mock-only"] }, () => {
  test("the token call's preflight and answer allow the app's origin (Access-Control-Allow-Origin echoed)", {
    tag: ["@check:headers", "@check:security"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const allowed = await preflight(ctx, "/oauth/token", APP_ORIGIN);
    expect(allowed.status, "preflight status").toBe(204);
    const cors = corsHeaders(allowed.headers);
    expect(cors["access-control-allow-origin"], "the preflight's access-control-allow-origin").toBe(
      APP_ORIGIN,
    );
    expect(cors["access-control-allow-headers"] ?? "", "the SDK's Auth0-Client header allowed").toMatch(
      /auth0-client/i,
    );
    expect(allowed.headers.vary ?? "").toMatch(/Origin/);
    // The call the preflight was for: spa-js's code exchange, from the app's origin.
    const a = await authorizeCode(ctx);
    const tokens = await exchangeCode(ctx, a, {
      headers: { origin: APP_ORIGIN, "auth0-client": "eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0=" },
    });
    expect(tokens.status).toBe(200);
    expect(
      tokens.headers["access-control-allow-origin"],
      "the token answer's access-control-allow-origin",
    ).toBe(APP_ORIGIN);
    expect(tokens.headers["access-control-expose-headers"] ?? "").toMatch(/x-ratelimit-remaining/);
  });

  const paths: Array<[string, string]> = [
    ["/mfa/authenticators", "GET"],
    ["/mfa/challenge", "POST"],
    ["/.well-known/jwks.json", "GET"],
    ["/userinfo", "GET"],
  ];
  for (const [path, method] of paths) {
    test(`a preflight of ${method} ${path} from the app's origin is allowed`, {
      tag: "@check:headers",
    }, async ({ api, target }) => {
      const res = await preflight({ api, target }, path, APP_ORIGIN, method);
      expect(res.headers["access-control-allow-origin"], `${path}: access-control-allow-origin`).toBe(
        APP_ORIGIN,
      );
    });
  }

  const refused: Array<{ name: string; path: string; origin: string }> = [
    { name: "another origin", path: "/oauth/token", origin: "https://evil.example" },
    {
      name: "an origin that only starts like the app's",
      path: "/oauth/token",
      origin: `${APP_ORIGIN}.evil.example`,
    },
    { name: "a path browsers do not fetch (/authorize)", path: "/authorize", origin: APP_ORIGIN },
  ];
  for (const row of refused) {
    test(`${row.name} gets no CORS header at all`, { tag: ["@check:headers", "@check:security"] }, async ({
      api,
      target,
    }) => {
      const res = await preflight({ api, target }, row.path, row.origin);
      expect(corsHeaders(res.headers), `${row.name}: CORS headers`).toEqual({});
    });
  }
});
