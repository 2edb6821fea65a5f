import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { User } from "../store/records.ts";
import { profileClaims } from "./profile-claims.ts";

const user: User = {
  id: "auth0|abc",
  username: "ada",
  email: "ada@example.com",
  password: "unused",
  name: "Ada L.",
  authenticators: [],
  recoveryCode: undefined,
};

describe("profileClaims (docs/behaviour.md#userinfo)", () => {
  const rows: Array<{ scope: unknown; claims: Record<string, unknown> }> = [
    { scope: "openid", claims: { sub: user.id } },
    { scope: "openid profile", claims: { sub: user.id, nickname: "ada", name: "Ada L." } },
    { scope: "openid email", claims: { sub: user.id, email: "ada@example.com", email_verified: true } },
    {
      scope: "email offline_access profile openid",
      claims: {
        sub: user.id,
        nickname: "ada",
        name: "Ada L.",
        email: "ada@example.com",
        email_verified: true,
      },
    },
    { scope: "openid  profile", claims: { sub: user.id, nickname: "ada", name: "Ada L." } },
    // Without openid, nothing: the profile scopes are OpenID Connect's, and only an OpenID request has them.
    { scope: "profile email", claims: {} },
    { scope: "openidprofile", claims: {} },
    { scope: "", claims: {} },
    { scope: undefined, claims: {} },
    { scope: ["openid", "profile"], claims: {} },
    { scope: "openid read:foo", claims: { sub: user.id } },
  ];
  for (const row of rows) {
    it(`scope ${JSON.stringify(row.scope)} → ${Object.keys(row.claims).join(", ") || "{}"}`, () => {
      assert.deepEqual(profileClaims(user, row.scope), row.claims);
    });
  }
});
