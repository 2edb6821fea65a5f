/**
 * `mfa_requirements` (docs/behaviour.md#mfa-requirements, #mfa-on-refresh): a refresh refused by MFA
 * on refresh answers the same requirements as the password grant for the same user: what an
 * unenrolled user may enroll, or the types of an enrolled user's active authenticators.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Harness, json } from "../testing.ts";

const SCOPE = "openid profile offline_access";

/** The refresh grant's 403 for a new family of `userId` (as a login through the login page starts it). */
async function refusedRefresh(h: Harness, userId: string): Promise<Record<string, unknown>> {
  const login = h.app.runtime.state.login;
  const clientId = h.app.config().spaClientId;
  const session = login.openSession(userId, h.clock.now());
  const token = login.startFamily({
    clientId,
    audience: undefined,
    scope: SCOPE,
    userId,
    sessionId: session.id,
  });
  const res = await h.app.request("/oauth/token", {
    body: { grant_type: "refresh_token", client_id: clientId, refresh_token: token },
  });
  assert.equal(res.status, 403, res.body);
  assert.equal(json(res).error, "mfa_required");
  return json(res);
}

describe("mfa_requirements of a refresh refused by MFA on refresh", () => {
  const rows: Array<{
    name: string;
    /** Makes the user; answers its id. */
    user: (h: Harness) => Promise<string>;
    expected: Record<string, unknown>;
  }> = [
    {
      name: "a user without factors: what the tenant offers to enroll",
      user: async (h) => (await h.user()).user_id,
      expected: { enroll: [{ type: "otp" }, { type: "phone" }, { type: "push-notification" }] },
    },
    {
      name: "a user with SMS: the phone and its recovery code",
      user: async (h) => (await h.enrolled("sms")).user.user_id,
      expected: { challenge: [{ type: "phone" }, { type: "recovery-code" }] },
    },
    {
      name: "a user with OTP: the app and its recovery code",
      user: async (h) => (await h.otpEnrolled()).user_id,
      expected: { challenge: [{ type: "otp" }, { type: "recovery-code" }] },
    },
  ];
  for (const row of rows) {
    it(`${row.name}, as the password grant answers`, async () => {
      const h = new Harness({ mfaOnRefresh: true, mfaRequirements: true });
      const userId = await row.user(h);
      const refused = await refusedRefresh(h, userId);
      assert.deepEqual(refused.mfa_requirements, row.expected);
      assert.ok(refused.mfa_token, "the mfa_token beside them");
      const user = h.app.runtime.state.users.get(userId);
      assert.ok(user);
      const password = await h.token({
        grant_type: "password",
        username: user.username,
        password: user.password,
      });
      assert.equal(password.status, 403, password.body);
      assert.deepEqual(json(password).mfa_requirements, row.expected);
    });
  }

  it("absent unless --mfa-requirements (Early Access)", async () => {
    const h = new Harness({ mfaOnRefresh: true });
    const user = await h.user();
    assert.equal((await refusedRefresh(h, user.user_id)).mfa_requirements, undefined);
  });
});
