/**
 * An MFA-API access token that enrolled an authenticator may confirm that enrollment with
 * `mfa_token=<access token>` (auth.ts keeps it as a session for that), but it never becomes an
 * mfa_token anywhere else: /mfa/challenge and the recovery-code grant answer it as before it enrolled.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertError, Harness, json, phone, RECOVERY } from "../testing.ts";

describe("an access token is not an mfa_token, before or after it enrolls", () => {
  it("challenge and recovery refuse it; the enrollment it started still confirms", async () => {
    const h = new Harness();
    const { token, enrolled } = await h.mfaAccessToken("openid enroll read:authenticators");
    const smsId = enrolled.ids.find((id) => id.startsWith("sms|")) ?? "";
    assertError(
      await h.challenge(token, { authenticator_id: smsId }),
      401,
      "invalid_grant",
      "Malformed mfa_token",
    );

    const number = phone();
    const associated = await h.associatePhone(token, "sms", number);
    assert.equal(associated.status, 200, associated.body);

    assertError(
      await h.challenge(token, { authenticator_id: smsId }),
      401,
      "invalid_grant",
      "Malformed mfa_token",
    );
    const recovery = await h.token({
      grant_type: RECOVERY,
      mfa_token: token,
      recovery_code: enrolled.recoveryCode ?? "",
    });
    assertError(recovery, 403, "invalid_grant", "Malformed mfa_token");

    const confirmed = await h.oob(token, String(json(associated).oob_code), h.lastCode(number).code);
    assert.equal(confirmed.status, 200, confirmed.body);
  });
});
