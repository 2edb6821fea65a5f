/**
 * Helpers for the mock's own unit tests: an app on a frozen clock with response validation on, and
 * the steps of Auth0's SMS/voice, OTP, email and push pages (get an mfa_token, associate, read the
 * code, confirm, challenge; play the Guardian device) as one-liners, all in process through
 * `app.request()`.
 */
import assert from "node:assert/strict";
import { GRANT } from "../openapi/grant-types.ts";
import { createMockApp, type MockApp, type MockResponse } from "./app.ts";
import type { MockConfig } from "./config/config.ts";
import { totpCode } from "./factors/otp.ts";
import { Clock } from "./store/clock.ts";

export const T0 = Date.UTC(2026, 0, 1);
export const OOB = GRANT.mfaOob;
export const OTP = GRANT.mfaOtp;
export const RECOVERY = GRANT.mfaRecoveryCode;

let emailSeq = 0;
/** A fresh address at example.com. */
export function email(): string {
  emailSeq += 1;
  return `person${emailSeq}@example.com`;
}

let phoneSeq = 0;
/** A fresh E.164 number in the fictional 555 range. */
export function phone(): string {
  phoneSeq += 1;
  return `+1555${String(1_000_000 + phoneSeq).padStart(8, "0")}`;
}

/** Parsed JSON body (`{}` when empty), typed loosely for assertions on objects and lists. */
export function json(res: MockResponse): Record<string, unknown> & Array<Record<string, unknown>> {
  return res.body === "" ? ({} as ReturnType<typeof json>) : JSON.parse(res.body);
}

/** Asserts an Auth0 error answer. */
export function assertError(res: MockResponse, status: number, error: string, description?: string): void {
  const body = json(res);
  assert.equal(res.status, status, `status of ${res.body}`);
  assert.equal(body.error, error, res.body);
  if (description !== undefined) assert.equal(body.error_description, description);
}

export interface Enrolled {
  user: { username: string; password: string; user_id: string };
  mfaToken: string;
  phone: string;
  recoveryCode: string | undefined;
  ids: string[];
}

/** An app plus the flow steps. */
export class Harness {
  readonly app: MockApp;
  readonly clock: Clock;

  constructor(config?: Partial<MockConfig>) {
    this.clock = new Clock({ frozenAt: T0 });
    this.app = createMockApp({ validateResponses: true, users: 2, ...config }, { clock: this.clock });
  }

  get client(): { client_id: string; client_secret: string } {
    const c = this.app.config();
    return { client_id: c.clientId, client_secret: c.clientSecret };
  }

  /** Creates a user through the control API. */
  async user(): Promise<{ username: string; password: string; user_id: string }> {
    const res = await this.app.request("/__mock/users", { method: "POST", body: {} });
    assert.equal(res.status, 200, res.body);
    return json(res) as unknown as { username: string; password: string; user_id: string };
  }

  /** POST /oauth/token (JSON). */
  token(fields: Record<string, string>): Promise<MockResponse> {
    return this.app.request("/oauth/token", { body: { ...this.client, ...fields } });
  }

  /** The password grant; answers the mfa_token of the 403. */
  async mfaToken(
    user: { username: string; password: string },
    extra: Record<string, string> = {},
  ): Promise<string> {
    const res = await this.token({
      grant_type: "password",
      username: user.username,
      password: user.password,
      ...extra,
    });
    assert.equal(res.status, 403, res.body);
    return String(json(res).mfa_token);
  }

  associate(bearer: string, body: object): Promise<MockResponse> {
    return this.app.request("/mfa/associate", { headers: { authorization: `Bearer ${bearer}` }, body });
  }

  associatePhone(bearer: string, channel: "sms" | "voice", number: string): Promise<MockResponse> {
    return this.associate(bearer, {
      authenticator_types: ["oob"],
      oob_channels: [channel],
      phone_number: number,
    });
  }

  list(bearer: string): Promise<MockResponse> {
    return this.app.request("/mfa/authenticators", { headers: { authorization: `Bearer ${bearer}` } });
  }

  remove(bearer: string, id: string): Promise<MockResponse> {
    return this.app.request(`/mfa/authenticators/${encodeURIComponent(id)}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${bearer}` },
    });
  }

  challenge(mfaToken: string, extra: Record<string, string> = {}): Promise<MockResponse> {
    return this.app.request("/mfa/challenge", { body: { ...this.client, mfa_token: mfaToken, ...extra } });
  }

  oob(mfaToken: string, oobCode: string, bindingCode: string): Promise<MockResponse> {
    return this.token({ grant_type: OOB, mfa_token: mfaToken, oob_code: oobCode, binding_code: bindingCode });
  }

  associateOtp(bearer: string): Promise<MockResponse> {
    return this.associate(bearer, { authenticator_types: ["otp"] });
  }

  associateEmail(bearer: string, address: string): Promise<MockResponse> {
    return this.associate(bearer, { authenticator_types: ["oob"], oob_channels: ["email"], email: address });
  }

  associatePush(bearer: string): Promise<MockResponse> {
    return this.associate(bearer, { authenticator_types: ["oob"], oob_channels: ["auth0"] });
  }

  /** The mfa-otp grant. */
  otp(mfaToken: string, code: string): Promise<MockResponse> {
    return this.token({ grant_type: OTP, mfa_token: mfaToken, otp: code });
  }

  /** A poll of the mfa-oob grant for a push (no binding_code). */
  poll(mfaToken: string, oobCode: string): Promise<MockResponse> {
    return this.token({ grant_type: OOB, mfa_token: mfaToken, oob_code: oobCode });
  }

  /** The code of a TOTP secret on the mock's clock, `offsetSeconds` from now. */
  totp(secret: string, offsetSeconds = 0): string {
    return totpCode(secret, this.clock.now() + offsetSeconds * 1000);
  }

  /** A call to the Guardian stand-in of the control API (`/__mock/guardian/<path>`). */
  guardian(path: string, body?: object): Promise<MockResponse> {
    return this.app.request(`/__mock/guardian/${path}`, body === undefined ? {} : { body });
  }

  /** The enrollment_tx_id of a push enrollment's barcode_uri. */
  enrollmentTxId(barcodeUri: string): string {
    const id = new URL(barcodeUri).searchParams.get("enrollment_tx_id");
    assert.ok(id, `enrollment_tx_id in ${barcodeUri}`);
    return id;
  }

  /** A user with a confirmed OTP authenticator: its mfa_token, secret and id. */
  async otpEnrolled(): Promise<{ mfaToken: string; secret: string; id: string; user_id: string }> {
    const user = await this.user();
    const mfaToken = await this.mfaToken(user);
    const res = await this.associateOtp(mfaToken);
    assert.equal(res.status, 200, res.body);
    const secret = String(json(res).secret);
    const confirmed = await this.otp(mfaToken, this.totp(secret));
    assert.equal(confirmed.status, 200, confirmed.body);
    const id = String(json(await this.list(mfaToken)).find((a) => a.authenticator_type === "otp")?.id);
    // A code works once: three steps on, neither the current code nor the previous one was used.
    this.clock.advance(90_000);
    return { mfaToken, secret, id, user_id: user.user_id };
  }

  /** A user with a push enrollment its device has scanned: the pair's ids and the totp secret. */
  async pushEnrolled(): Promise<{
    mfaToken: string;
    pushId: string;
    totpId: string;
    totpSecret: string;
    user_id: string;
  }> {
    const user = await this.user();
    const mfaToken = await this.mfaToken(user);
    const res = await this.associatePush(mfaToken);
    assert.equal(res.status, 200, res.body);
    const body = json(res);
    const scanned = await this.guardian("enroll", {
      enrollment_tx_id: this.enrollmentTxId(String(body.barcode_uri)),
    });
    assert.equal(scanned.status, 200, scanned.body);
    const device = json(scanned);
    const done = await this.poll(mfaToken, String(body.oob_code));
    assert.equal(done.status, 200, done.body);
    return {
      mfaToken,
      pushId: String(device.authenticator_id),
      totpId: String(device.totp_authenticator_id),
      totpSecret: String(device.totp_secret),
      user_id: user.user_id,
    };
  }

  /** The last code sent to a phone. */
  lastCode(number: string): { code: string; action: string; message_type: string } {
    const messages = this.app.outbox.list({ recipient: number });
    const last = messages.at(-1);
    assert.ok(last, "a message was sent");
    return last;
  }

  /** A user with a confirmed phone authenticator (sms, paired voice). */
  async enrolled(channel: "sms" | "voice" = "sms", extra: Record<string, string> = {}): Promise<Enrolled> {
    const user = await this.user();
    const mfaToken = await this.mfaToken(user, extra);
    const number = phone();
    const res = await this.associatePhone(mfaToken, channel, number);
    assert.equal(res.status, 200, res.body);
    const body = json(res);
    const confirmed = await this.oob(mfaToken, String(body.oob_code), this.lastCode(number).code);
    assert.equal(confirmed.status, 200, confirmed.body);
    const ids = json(await this.list(mfaToken)).map((a) => String(a.id));
    const codes = body.recovery_codes as string[] | undefined;
    return { user, mfaToken, phone: number, recoveryCode: codes?.[0], ids };
  }

  /** An access token for the MFA API audience with the given scope, obtained through MFA. */
  async mfaAccessToken(scope: string): Promise<{ token: string; enrolled: Enrolled }> {
    const audience = `https://${this.app.config().domain}/mfa/`;
    const enrolled = await this.enrolled("sms", { audience, scope });
    const smsId = enrolled.ids.find((id) => id.startsWith("sms|")) ?? "";
    const ch = await this.challenge(enrolled.mfaToken, { authenticator_id: smsId });
    const res = await this.oob(
      enrolled.mfaToken,
      String(json(ch).oob_code),
      this.lastCode(enrolled.phone).code,
    );
    assert.equal(res.status, 200, res.body);
    return { token: String(json(res).access_token), enrolled };
  }
}
