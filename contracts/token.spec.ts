/**
 * POST /oauth/token (docs/behaviour.md#token-grants, #mfa-required, #code-mismatch-status,
 * #response-media-types, #request-media-types, #issued-tokens): mfa_required from the password grants, the
 * mfa-oob grant in both content types, JWTs verifiable through the JWKS, and negative cases as tables.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import {
  challenge,
  clientAuth,
  createUser,
  enrolledUser,
  expect,
  type FlowContext,
  GRANT,
  issuerOf,
  readCode,
  test,
  wrongCode,
} from "./fixtures.ts";
import { generatedRows } from "./negative-cases.ts";

/** An enrolled user with a fresh challenge: a valid mfa-oob body and its parts. */
async function pendingChallenge(ctx: FlowContext) {
  const user = await enrolledUser(ctx, "sms");
  const { oobCode } = await challenge(ctx, user.mfaToken, user.authenticatorId);
  const message = await readCode(ctx, user.phone, { action: "second-factor-authentication" });
  const body: Record<string, string> = {
    grant_type: GRANT.mfaOob,
    ...(await clientAuth(ctx.target)),
    mfa_token: user.mfaToken,
    oob_code: oobCode,
    binding_code: message.code,
  };
  return { user, oobCode, code: message.code, body };
}

/**
 * Verifies an RS256 JWT with jose against the target's JWKS (not the mock's own JWT code): signature,
 * issuer (the one of the target's OpenID configuration), expiry, and the claims every token carries.
 */
async function verifyJwt(ctx: FlowContext, token: string): Promise<JWTPayload> {
  // Through the client, like issuerOf: a global 429 is waited out like any other answer.
  const res = await ctx.api.get("/.well-known/jwks.json");
  expect(res.status, "JWKS").toBe(200);
  const { payload } = await jwtVerify(token, createLocalJWKSet(res.body as JSONWebKeySet), {
    algorithms: ["RS256"],
    issuer: await issuerOf(ctx),
    requiredClaims: ["iss", "aud", "sub", "iat", "exp"],
  });
  return payload;
}

test.describe("token", { tag: "@op:token" }, () => {
  const passwordGrants = [
    {
      name: "password-realm",
      fields: (t: FlowContext["target"]) => ({ grant_type: GRANT.passwordRealm, realm: t.connection }),
    },
    { name: "password", fields: () => ({ grant_type: "password" }) },
  ];
  for (const grant of passwordGrants) {
    test(`the ${grant.name} grant answers 403 mfa_required with an mfa_token (docs/behaviour.md#mfa-required)`, {
      tag: ["@check:errors", "@check:headers"],
    }, async ({ api, target }) => {
      const user = await createUser({ api, target });
      const res = await api.post("/oauth/token", {
        form: {
          ...grant.fields(target),
          ...(await clientAuth(target)),
          username: user.username,
          password: user.password,
          scope: "openid",
        },
      });
      expect(res).toBeError(403, "mfa_required", "Multifactor authentication required");
      expect(res).toConform("token");
      expect(res.headers["content-type"]).toBe("application/json");
    });
  }

  test("a wrong password → 403 invalid_grant", { tag: ["@check:errors"] }, async ({ api, target }) => {
    const user = await createUser({ api, target });
    const res = await api.post("/oauth/token", {
      form: {
        grant_type: GRANT.passwordRealm,
        realm: target.connection,
        ...(await clientAuth(target)),
        username: user.username,
        password: `${user.password}x`,
      },
    });
    expect(res).toBeError(403, "invalid_grant");
  });

  test("mfa-oob accepts a JSON body too (docs/behaviour.md#request-media-types), and its tokens are RS256 JWTs verifiable through the JWKS (docs/behaviour.md#issued-tokens)", {
    tag: ["@sends-sms", "@check:status", "@check:body", "@check:security"],
  }, async ({ api, target }) => {
    const ctx = { api, target };
    const { body } = await pendingChallenge(ctx);
    const res = await api.post("/oauth/token", { json: body });
    expect(res.status).toBe(200);
    expect(res).toConform("token");
    expect(res.body.token_type).toBe("Bearer");
    expect(Number.isInteger(res.body.expires_in)).toBe(true);
    for (const name of ["access_token", "id_token"] as const) {
      if (name === "id_token" && res.body.id_token === undefined) continue;
      const claims = await test.step(`verify the ${name} with jose`, () => verifyJwt(ctx, res.body[name]), {
        box: true,
      });
      expect(claims.sub, `${name} has a subject`).toEqual(expect.any(String));
    }
  });

  test.describe("mfa-oob: negative cases generated from the description", {
    tag: ["@sends-sms", "@check:errors"],
  }, () => {
    for (const row of generatedRows("token", GRANT.mfaOob)) {
      test(`${row.name} → ${row.status} ${row.error}`, async ({ api, target }) => {
        const { body } = await pendingChallenge({ api, target });
        const res = await api.post("/oauth/token", row.spoil(body));
        expect(res).toBeError(row.status, row.error);
      });
    }
  });

  test.describe("mfa-recovery-code: negative cases generated from the description", {
    tag: ["@sends-sms", "@check:errors"],
  }, () => {
    for (const row of generatedRows("token", GRANT.mfaRecoveryCode)) {
      test(`${row.name} → ${row.status} ${row.error}`, async ({ api, target }) => {
        const user = await enrolledUser({ api, target }, "sms");
        const body = {
          grant_type: GRANT.mfaRecoveryCode,
          ...(await clientAuth(target)),
          mfa_token: user.mfaToken,
          recovery_code: user.recoveryCodes[0] ?? "",
        };
        const res = await api.post("/oauth/token", row.spoil(body));
        expect(res).toBeError(row.status, row.error);
      });
    }
  });

  test.describe("mfa-oob: negative cases from docs/behaviour.md", {
    tag: ["@sends-sms", "@check:errors"],
  }, () => {
    type Row = {
      name: string;
      spoil: (b: Record<string, string>) => Record<string, string>;
      status: number;
      error: string;
      description?: string;
    };
    const rows: Row[] = [
      {
        name: "a wrong binding_code",
        spoil: (b) => ({ ...b, binding_code: wrongCode(b.binding_code) }),
        status: 403,
        error: "invalid_grant",
        description: "Invalid binding_code.",
      },
      {
        name: "a malformed binding_code",
        spoil: (b) => ({ ...b, binding_code: "12ab" }),
        status: 403,
        error: "invalid_grant",
        description: "Invalid binding_code.",
      },
      {
        name: "binding_code left out",
        spoil: ({ binding_code: _, ...b }) => b,
        status: 400,
        error: "invalid_request",
      },
      {
        name: "an unknown oob_code",
        spoil: (b) => ({ ...b, oob_code: "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz" }),
        status: 403,
        error: "invalid_grant",
        description: "Malformed oob_code",
      },
      {
        name: "an unknown mfa_token",
        spoil: (b) => ({ ...b, mfa_token: "Fe26.2**0123456789abcdefghijklmnopqrstuvwxyz" }),
        status: 403,
        error: "invalid_grant",
        description: "Malformed mfa_token",
      },
      {
        name: "a wrong client_secret",
        spoil: (b) => ({ ...b, client_secret: `${b.client_secret}x` }),
        status: 401,
        error: "invalid_client",
      },
      {
        name: "an unsupported grant_type",
        spoil: (b) => ({ ...b, grant_type: "http://auth0.com/oauth/grant-type/mfa-carrier-pigeon" }),
        status: 400,
        error: "unsupported_grant_type",
      },
    ];
    for (const row of rows) {
      test(`${row.name} → ${row.status} ${row.error}`, async ({ api, target }) => {
        const { body } = await pendingChallenge({ api, target });
        const res = await api.post("/oauth/token", { form: row.spoil(body) });
        expect(res).toBeError(row.status, row.error, row.description);
      });
    }
  });
});
