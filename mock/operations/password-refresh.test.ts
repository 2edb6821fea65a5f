import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MfaTokenRecord } from "../store/records.ts";
import { assertError, Harness, json, RECOVERY } from "../testing.ts";

/** The claims of a JWT, unchecked (the signature is the signer's tests'). */
function claims(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** A user's password grant with `scope`, completed with a new OTP authenticator: the token answer and the recovery code. */
async function passwordLogin(h: Harness, scope: string) {
  const user = await h.user();
  const mfaToken = await h.mfaToken(user, { scope });
  const enrolled = await h.associateOtp(mfaToken);
  assert.equal(enrolled.status, 200, enrolled.body);
  const done = await h.otp(mfaToken, h.totp(String(json(enrolled).secret)));
  assert.equal(done.status, 200, done.body);
  const recovery = (json(enrolled).recovery_codes as string[] | undefined)?.[0];
  assert.ok(recovery, "the first enrollment answers a recovery code");
  return { tokens: json(done), recovery };
}

function refresh(h: Harness, token: string) {
  return h.token({ grant_type: "refresh_token", refresh_token: token });
}

describe("refresh tokens of the password grant (docs/behaviour.md#mfa-on-refresh)", () => {
  it("offline_access: the MFA grant that completes the login answers a refresh_token; without it, none", async () => {
    const h = new Harness();
    const { tokens } = await passwordLogin(h, "openid profile offline_access");
    assert.match(String(tokens.refresh_token), /^v1\./);
    const without = await passwordLogin(h, "openid profile");
    assert.equal(without.tokens.refresh_token, undefined);
  });

  it("it rotates, its tokens carry the login's MFA (amr), and reuse revokes the family", async () => {
    const h = new Harness();
    const { tokens } = await passwordLogin(h, "openid offline_access");
    const first = String(tokens.refresh_token);
    const r1 = await refresh(h, first);
    assert.equal(r1.status, 200, r1.body);
    assert.deepEqual(claims(json(r1).access_token).amr, ["mfa"]);
    const second = String(json(r1).refresh_token);
    assert.notEqual(second, first);
    assertError(await refresh(h, first), 403, "invalid_grant", "Unknown or invalid refresh token.");
    assertError(await refresh(h, second), 403, "invalid_grant", "Unknown or invalid refresh token.");
  });

  it("with MFA on refresh, the login's MFA is not MFA done in the family: the first refresh answers mfa_required, the completing grant rotates", async () => {
    const h = new Harness({ mfaOnRefresh: true });
    const { tokens, recovery } = await passwordLogin(h, "openid offline_access");
    const first = String(tokens.refresh_token);
    const refused = await refresh(h, first);
    assertError(refused, 403, "mfa_required", "Multifactor authentication required");
    const mfaToken = String(json(refused).mfa_token);
    const record = h.app.runtime.state.mfaToken(mfaToken) as MfaTokenRecord;
    assert.equal(record.scope, "openid offline_access", "the mfa_token carries the refused request's scope");
    const done = await h.token({ grant_type: RECOVERY, mfa_token: mfaToken, recovery_code: recovery });
    assert.equal(done.status, 200, done.body);
    const rotated = String(json(done).refresh_token);
    assert.match(rotated, /^v1\./);
    assert.notEqual(rotated, first);
    const later = await refresh(h, rotated);
    assert.equal(later.status, 200, later.body);
    // MFA skipped: the token the refused refresh consumed is reuse, and reuse revokes the family.
    assertError(await refresh(h, first), 403, "invalid_grant", "Unknown or invalid refresh token.");
    assertError(
      await refresh(h, String(json(later).refresh_token)),
      403,
      "invalid_grant",
      "Unknown or invalid refresh token.",
    );
  });
});
