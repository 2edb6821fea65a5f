/**
 * The tenant path end to end, with the mock standing in for Auth0: users created and deleted
 * through the Management API with the `auth0` SDK, and each SMS or email code carried the way a
 * tenant carries it: the mock "sends" it (its outbox plays Auth0), the phone-message or custom email
 * provider Action code receives it as its `event` and posts it, signed, to a real sink, and the
 * tenant target's inbox reads it back.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startMockServer } from "../mock/http/server.ts";
import type { OutboxMessage } from "../mock/store/outbox.ts";
import { readSecretEntries } from "../redaction/secrets.ts";
import { eventFor, fakeApi, loadActionHandler } from "./action-runner.ts";
import { parseTenantConfig, type TenantConfig } from "./config.ts";
import { createManagementClient, TenantUsers } from "./management.ts";
import { startSink } from "./sink.ts";
import {
  createTenantTarget,
  NO_EMAIL_SINK_REASON,
  NO_SINK_REASON,
  PUSH_REASON,
  type TenantTarget,
} from "./target.ts";

const SINK_SECRET = "e2e-sink-secret-0123456789abcdef0123456789";
type Json = Record<string, unknown>;

describe("tenant path against the mock", () => {
  let mock: Awaited<ReturnType<typeof startMockServer>>;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let config: TenantConfig;
  let target: TenantTarget;
  const reportsDir = mkdtempSync(path.join(tmpdir(), "tenant-e2e-"));

  before(async () => {
    mock = await startMockServer({ port: 0, host: "127.0.0.1", config: { users: 0 } });
    sink = await startSink({ secret: SINK_SECRET });
    const m = mock.app.config();
    config = parseTenantConfig({
      AUTH0_DOMAIN: m.domain,
      AUTH0_BASE_URL: mock.url,
      AUTH0_CLIENT_ID: m.clientId,
      AUTH0_CLIENT_SECRET: m.clientSecret,
      AUTH0_CONNECTION: m.connection,
      // The mock grants Management API tokens to the clients it knows: its default client.
      AUTH0_MGMT_CLIENT_ID: m.clientId,
      AUTH0_MGMT_CLIENT_SECRET: m.clientSecret,
      SINK_URL: sink.url,
      SINK_SECRET,
      TENANT_CODE_TIMEOUT_SECONDS: "5",
    });
    target = await createTenantTarget(undefined, { config, reportsDir });
  });
  after(async () => {
    await target?.dispose();
    await sink?.close();
    await mock?.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  async function call(method: string, p: string, body?: Json, headers: Record<string, string> = {}) {
    const res = await fetch(`${mock.url}${p}`, {
      method,
      headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json & Json[] };
  }

  const client = () => ({ client_id: config.clientId, client_secret: config.clientSecret });

  /** What Auth0 does after it "sent" a message: run the deployed Action with that message as its event. */
  async function deliverThroughAction(
    recipient: string,
    hook: "send-phone-message" | "custom-phone-provider" | "custom-email-provider",
  ) {
    const outbox = (await call("GET", `/__mock/outbox?recipient=${encodeURIComponent(recipient)}`))
      .body as unknown as OutboxMessage[];
    const m = outbox.at(-1);
    assert.ok(m, "the mock sent a message");
    // The Action runner's event, as `npm run test:tenant-on-mock` delivers every code.
    const ctx = {
      secrets: { SINK_URL: sink.url, SINK_SECRET },
      tenantId: "mock",
      clientId: config.clientId,
      hostname: config.domain,
    };
    await loadActionHandler(`tenant/actions/${hook}.js`, hook)(eventFor(hook, m, ctx), fakeApi());
    return m.code;
  }

  async function mfaToken(username: string, password: string): Promise<string> {
    const res = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "password",
      username,
      password,
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, "mfa_required");
    return String(res.body.mfa_token);
  }

  test("enroll and challenge by SMS with users from the Management API and codes through Action and sink", async () => {
    const user = await target.createUser();
    assert.ok(user.userId);
    assert.ok(
      mock.app.runtime.state.users.has(user.userId),
      "the user exists in the mock, made through the SDK",
    );

    // Enrollment: the code goes through the send-phone-message Action.
    const phone = target.phoneNumber();
    let token = await mfaToken(user.username, user.password);
    const assoc = await call(
      "POST",
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(assoc.status, 200);
    const sent = await deliverThroughAction(phone, "send-phone-message");
    const enrollCode = await target.inbox.nextCode(phone);
    assert.equal(enrollCode.code, sent);
    assert.equal(enrollCode.action, "enrollment");
    assert.equal(enrollCode.message_type, "sms");
    const confirmed = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: token,
      oob_code: assoc.body.oob_code,
      binding_code: enrollCode.code,
    });
    assert.equal(confirmed.status, 200);
    assert.equal(typeof confirmed.body.access_token, "string");

    // Challenge: the code goes through the custom-phone-provider Action.
    token = await mfaToken(user.username, user.password);
    const list = await call("GET", "/mfa/authenticators", undefined, { authorization: `Bearer ${token}` });
    const sms = list.body.find((a) => a.oob_channel === "sms" && a.active === true);
    assert.ok(sms, "the sms authenticator is active");
    const challenge = await call("POST", "/mfa/challenge", {
      ...client(),
      mfa_token: token,
      challenge_type: "oob",
      authenticator_id: sms.id,
    });
    assert.equal(challenge.status, 200);
    const challengeSent = await deliverThroughAction(phone, "custom-phone-provider");
    const challengeCode = await target.inbox.nextCode(phone);
    assert.equal(challengeCode.code, challengeSent);
    assert.equal(challengeCode.action, "second-factor-authentication");
    assert.notEqual(challengeCode.id, enrollCode.id);
    const verified = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: token,
      oob_code: challenge.body.oob_code,
      binding_code: challengeCode.code,
    });
    assert.equal(verified.status, 200);

    // Between tests: the authenticators go through the Management API.
    const management = new TenantUsers(createManagementClient(config), config.connection);
    const methods = await management.methodIds(user.userId);
    assert.ok(
      methods.some((id) => id.startsWith("phone|dev_")),
      methods.join(),
    );
    await target.removeAuthenticators(user.userId);
    assert.deepEqual(await management.methodIds(user.userId), []);

    // After the test: the user is deleted and can no longer log in.
    await target.cleanup();
    assert.equal(mock.app.runtime.state.users.has(user.userId), false);
    const gone = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "password",
      username: user.username,
      password: user.password,
    });
    assert.equal(gone.status, 403);
    assert.equal(gone.body.error, "invalid_grant");

    // What the run used is in the secrets registry, so reports can mask it.
    const registry = JSON.stringify(readSecretEntries({ dir: reportsDir }));
    for (const value of [config.clientSecret, user.password, phone, enrollCode.code])
      assert.ok(registry.includes(value));
  });

  test("enroll and challenge by email with codes through the custom email provider Action and sink", async () => {
    const user = await target.createUser();
    const email = target.emailAddress();
    assert.match(email, /@example\.com$/);
    assert.notEqual(target.emailAddress(), email, "a fresh address per call");
    let token = await mfaToken(user.username, user.password);
    const assoc = await call(
      "POST",
      "/mfa/associate",
      { authenticator_types: ["oob"], oob_channels: ["email"], email },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(assoc.status, 200);
    const sent = await deliverThroughAction(email, "custom-email-provider");
    const enrollCode = await target.inbox.nextCode(email);
    assert.equal(enrollCode.code, sent);
    assert.equal(enrollCode.message_type, "email");
    // Auth0's email event does not say enrollment from challenge: the sink keeps no action rather than a guess.
    assert.equal(enrollCode.action, undefined);
    const confirmed = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: token,
      oob_code: assoc.body.oob_code,
      binding_code: enrollCode.code,
    });
    assert.equal(confirmed.status, 200);

    token = await mfaToken(user.username, user.password);
    const list = await call("GET", "/mfa/authenticators", undefined, { authorization: `Bearer ${token}` });
    const enrolled = list.body.find((a) => a.oob_channel === "email" && a.active === true);
    assert.ok(enrolled, "the email authenticator is active");
    const challenge = await call("POST", "/mfa/challenge", {
      ...client(),
      mfa_token: token,
      challenge_type: "oob",
      authenticator_id: enrolled.id,
    });
    assert.equal(challenge.status, 200);
    const challengeSent = await deliverThroughAction(email, "custom-email-provider");
    const challengeCode = await target.inbox.nextCode(email);
    assert.equal(challengeCode.code, challengeSent);
    assert.notEqual(challengeCode.id, enrollCode.id);
    const verified = await call("POST", "/oauth/token", {
      ...client(),
      grant_type: "http://auth0.com/oauth/grant-type/mfa-oob",
      mfa_token: token,
      oob_code: challenge.body.oob_code,
      binding_code: challengeCode.code,
    });
    assert.equal(verified.status, 200);
    await target.cleanup();

    const registry = JSON.stringify(readSecretEntries({ dir: reportsDir }));
    for (const value of [email, enrollCode.code]) assert.ok(registry.includes(value));
  });

  test("push is skipped on a tenant, saying why; no Guardian stand-in is offered", () => {
    assert.equal(target.capabilities.guardian, false);
    assert.equal(target.guardian, undefined);
    assert.equal(target.skipReason(["@factor:push", "@op:token"]), PUSH_REASON);
    assert.equal(target.skipReason(["@factor:otp", "@op:token"]), undefined, "OTP runs on a tenant");
    assert.match(PUSH_REASON, /Guardian/);
  });

  test("without a sink, @sends-sms is skipped naming the setting, and the inbox says why", async () => {
    const { sink: _none, ...withoutSink } = config;
    const bare = await createTenantTarget(undefined, { config: withoutSink, reportsDir });
    assert.equal(bare.skipReason(["@sends-sms"]), NO_SINK_REASON);
    assert.match(NO_SINK_REASON, /SINK_URL and SINK_SECRET/);
    assert.equal(bare.skipReason([]), undefined);
    assert.match(bare.skipReason(["@mock-only"]) ?? "", /control API/);
    assert.equal(bare.skipReason(["@factor:email"]), NO_EMAIL_SINK_REASON);
    assert.match(NO_EMAIL_SINK_REASON, /SINK_URL and SINK_SECRET/);
    assert.equal(target.skipReason(["@factor:email"]), undefined, "with a sink, email runs");
    assert.deepEqual(bare.capabilities, {
      clock: false,
      control: false,
      sendsRealSms: true,
      inbox: false,
      guardian: false,
    });
    await assert.rejects(bare.inbox.nextCode("+447700900001"), /SINK_URL/);
  });

  test("a worker reads no more codes than the budget", async () => {
    const capped = await createTenantTarget(undefined, {
      config: { ...config, messageBudget: 0 },
      reportsDir,
    });
    await assert.rejects(capped.inbox.nextCode(capped.phoneNumber()), /TENANT_SMS_BUDGET=0 reached/);
    // Emails cost nothing and reach no phone: the budget does not stop them (the wait does, here).
    await assert.rejects(
      capped.inbox.nextCode(capped.emailAddress(), { timeoutMs: 1 }),
      (e: Error) => e.name === "InboxTimeoutError" && !e.message.includes("@example.com"),
    );
  });
});
