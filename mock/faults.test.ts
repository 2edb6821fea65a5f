import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { checkDeviationNames, deviationNames, UnknownDeviationError } from "./deviations.ts";
import { email, Harness, json, OOB, phone, RECOVERY, T0 } from "./testing.ts";
import { signClientAssertion } from "./tokens/assertion-signer.ts";
import { CLIENT_ASSERTION_TYPE } from "./tokens/client-assertion.ts";

/**
 * One probe per deviation: it runs a flow over the app's HTTP surface and answers what a client
 * sees. Each probe must answer differently with the deviation on than off, which is what the
 * contract suites' mutation run relies on.
 */
const probes: Record<string, (h: Harness) => Promise<unknown>> = {
  "associate-status-201": async (h) => {
    const mfa = await h.mfaToken(await h.user());
    return (await h.associatePhone(mfa, "sms", phone())).status;
  },
  "list-renames-oob_channel": async (h) =>
    Object.keys(json(await h.list((await h.enrolled()).mfaToken))[0] ?? {}),
  "missing-ratelimit-headers": async (h) =>
    (await h.app.request("/mfa/authenticators")).headers["x-ratelimit-limit"],
  "binding-code-reusable": async (h) => {
    const e = await h.enrolled();
    const ch = json(await h.challenge(e.mfaToken));
    const code = h.lastCode(e.phone).code;
    await h.oob(e.mfaToken, String(ch.oob_code), code);
    return (await h.oob(e.mfaToken, String(ch.oob_code), code)).status;
  },
  "wrong-mfa-required-status": async (h) => {
    const u = await h.user();
    return (await h.token({ grant_type: "password", username: u.username, password: u.password })).status;
  },
  "unmasked-phone-in-list": async (h) => json(await h.list((await h.enrolled()).mfaToken))[0]?.name,
  "missing-binding-method": async (h) =>
    json(await h.challenge((await h.enrolled()).mfaToken)).binding_method,
  "expires-in-string": async (h) => {
    const e = await h.enrolled();
    return typeof json(
      await h.token({ grant_type: RECOVERY, mfa_token: e.mfaToken, recovery_code: e.recoveryCode ?? "" }),
    ).expires_in;
  },
  "wrong-content-type": async (h) => (await h.app.request("/mfa/authenticators")).headers["content-type"],
  "no-retry-after": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), profile: "essentials" });
    let res = await h.app.request("/nope");
    for (let i = 0; i < 30 && res.status !== 429; i++) res = await h.app.request("/nope");
    return res.headers["retry-after"];
  },
  "lockout-never-triggers": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), profile: "enterprise" });
    const e = await h.enrolled();
    const ch = json(await h.challenge(e.mfaToken));
    const wrong = h.lastCode(e.phone).code === "123456" ? "654321" : "123456";
    let last = "";
    for (let i = 0; i < 11; i++) {
      h.clock.advance(6_000);
      last = json(await h.oob(e.mfaToken, String(ch.oob_code), wrong)).error_description as string;
    }
    return last;
  },
  "foreign-authenticator-reveals-existence": async (h) => {
    const a = await h.enrolled();
    const b = await h.enrolled();
    return (await h.challenge(a.mfaToken, { authenticator_id: b.ids[0] ?? "" })).status;
  },
  "expired-mfa-token-accepted": async (h) => {
    const e = await h.enrolled();
    h.clock.advance(601_000);
    return (await h.list(e.mfaToken)).status;
  },
  "oob-code-never-expires": async (h) => {
    const e = await h.enrolled();
    const ch = json(await h.challenge(e.mfaToken));
    h.clock.advance(301_000);
    return (await h.oob(e.mfaToken, String(ch.oob_code), h.lastCode(e.phone).code)).status;
  },
  "recovery-code-not-rotated": async (h) => {
    const e = await h.enrolled();
    const body = json(
      await h.token({ grant_type: RECOVERY, mfa_token: e.mfaToken, recovery_code: e.recoveryCode ?? "" }),
    );
    return body.recovery_code === undefined;
  },
  "already-enrolled-not-enforced": async (h) =>
    (await h.associatePhone((await h.enrolled()).mfaToken, "sms", phone())).status,
  "sms-voice-not-paired": async (h) => (await h.enrolled()).ids.length,
  "delete-returns-200": async (h) => {
    const { token, enrolled } = await h.mfaAccessToken("remove:authenticators");
    return (await h.remove(token, enrolled.ids[0] ?? "")).status;
  },
  "client-assertion-replayable": async (h) => {
    const { client_id, alg, private_key } = json(
      await h.app.request("/__mock/private-key-jwt"),
    ) as unknown as {
      client_id: string;
      alg: "RS256";
      private_key: string;
    };
    const assertion = signClientAssertion({
      clientId: client_id,
      audience: h.app.config().issuer,
      privateKeyPem: private_key,
      alg,
      now: T0,
    });
    const u = await h.user();
    const body = {
      grant_type: "password",
      username: u.username,
      password: u.password,
      client_id,
      client_assertion: assertion,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
    };
    await h.app.request("/oauth/token", { body });
    return (await h.app.request("/oauth/token", { body })).status;
  },
  "public-client-needs-secret": async (h) => {
    const u = await h.user();
    const login = { grant_type: "password", username: u.username, password: u.password };
    const res = await h.app.request("/oauth/token", {
      body: { client_id: h.app.config().publicClientId, ...login },
    });
    return res.status;
  },
  "token-type-lowercase": async (h) => {
    const e = await h.enrolled();
    const ch = json(await h.challenge(e.mfaToken));
    return json(await h.oob(e.mfaToken, String(ch.oob_code), h.lastCode(e.phone).code)).token_type;
  },
  "otp-code-reusable": async (h) => {
    const e = await h.otpEnrolled();
    const code = h.totp(e.secret);
    await h.otp(e.mfaToken, code);
    return (await h.otp(e.mfaToken, code)).status;
  },
  "otp-previous-step-refused": async (h) => {
    const e = await h.otpEnrolled();
    return (await h.otp(e.mfaToken, h.totp(e.secret, -30))).status;
  },
  "otp-challenge-returns-oob-code": async (h) => {
    const e = await h.otpEnrolled();
    return Object.keys(
      json(await h.challenge(e.mfaToken, { challenge_type: "otp", authenticator_id: e.id })),
    );
  },
  "email-missing-binding-method": async (h) => {
    const mfa = await h.mfaToken(await h.user());
    return json(await h.associateEmail(mfa, email())).binding_method;
  },
  "email-name-unmasked": async (h) => {
    const mfa = await h.mfaToken(await h.user());
    await h.associateEmail(mfa, email());
    return json(await h.list(mfa))[0]?.name;
  },
  "email-limit-never-triggers": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), profile: "enterprise" });
    let last = 0;
    const user = await h.user();
    for (let i = 0; i < 21; i++) last = (await h.associateEmail(await h.mfaToken(user), email())).status;
    return last;
  },
  "push-barcode-without-enrollment-tx": async (h) => {
    const mfa = await h.mfaToken(await h.user());
    const uri = String(json(await h.associatePush(mfa)).barcode_uri);
    return new URL(uri).searchParams.has("enrollment_tx_id");
  },
  "push-pending-200": async (h) => {
    const mfa = await h.mfaToken(await h.user());
    return (await h.poll(mfa, String(json(await h.associatePush(mfa)).oob_code))).status;
  },
  "push-rejection-invalid-grant": async (h) => {
    const e = await h.pushEnrolled();
    const ch = json(await h.challenge(e.mfaToken, { authenticator_id: e.pushId }));
    await h.guardian("respond", { oob_code: ch.oob_code, approve: false });
    return json(await h.poll(e.mfaToken, String(ch.oob_code))).error;
  },
  "push-never-slow-down": async (h) => {
    const e = await h.pushEnrolled();
    const ch = json(await h.challenge(e.mfaToken, { authenticator_id: e.pushId }));
    await h.poll(e.mfaToken, String(ch.oob_code));
    return json(await h.poll(e.mfaToken, String(ch.oob_code))).error;
  },
  "push-delete-keeps-totp": async (h) => {
    const audience = `https://${h.app.config().domain}/mfa/`;
    const mfa = await h.mfaToken(await h.user(), {
      audience,
      scope: "remove:authenticators read:authenticators",
    });
    const body = json(await h.associatePush(mfa));
    await h.guardian("enroll", { enrollment_tx_id: h.enrollmentTxId(String(body.barcode_uri)) });
    const token = String(json(await h.poll(mfa, String(body.oob_code))).access_token);
    const ids = json(await h.list(token)).map((a) => String(a.id));
    await h.remove(token, ids.find((id) => id.startsWith("push|")) ?? "");
    return json(await h.list(token)).length;
  },
  "push-limit-never-triggers": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), profile: "enterprise" });
    const e = await h.pushEnrolled();
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await h.challenge(e.mfaToken, { authenticator_id: e.pushId })).status;
    return last;
  },
  "disabled-factor-enrolls": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), factors: ["sms", "voice"] });
    const mfa = await h.mfaToken(await h.user());
    return (await h.associateOtp(mfa)).status;
  },
  "code-reusable": async (h) => {
    const code = await spaCode(h);
    await spaExchange(h, code);
    return (await spaExchange(h, code)).status;
  },
  "pkce-not-checked": async (h) => (await spaExchange(h, await spaCode(h), "a-wrong-verifier")).status,
  "refresh-not-rotated": async (h) => {
    const first = json(await spaExchange(h, await spaCode(h)));
    return "refresh_token" in json(await spaRefresh(h, String(first.refresh_token)));
  },
  "refresh-reuse-not-detected": async (h) => {
    const first = String(json(await spaExchange(h, await spaCode(h))).refresh_token);
    await spaRefresh(h, first);
    return (await spaRefresh(h, first)).status;
  },
  "mfa-required-without-token": async (h) => {
    h.app.runtime.reconfigure({ ...h.app.config(), mfaOnRefresh: true });
    const first = json(await spaExchange(h, await spaCode(h)));
    return "mfa_token" in json(await spaRefresh(h, String(first.refresh_token)));
  },
  "cors-missing": async (h) => {
    const preflight = await h.app.request("/oauth/token", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    return preflight.headers["access-control-allow-origin"];
  },
  "userinfo-expired-token-accepted": async (h) => {
    const e = await h.enrolled();
    const tokens = json(
      await h.token({ grant_type: RECOVERY, mfa_token: e.mfaToken, recovery_code: e.recoveryCode ?? "" }),
    );
    h.clock.advance(86_401_000);
    const headers = { authorization: `Bearer ${tokens.access_token}` };
    return (await h.app.request("/userinfo", { headers })).status;
  },
};

const SPA_REDIRECT = "http://localhost:3000/callback";
const SPA_VERIFIER = "a-verifier-of-at-least-43-characters-0123456789";

/** The single-page app's code: /authorize with PKCE, then the login page (docs/behaviour.md#login). */
async function spaCode(h: Harness): Promise<string> {
  const user = await h.user();
  const q = new URLSearchParams({
    client_id: h.app.config().spaClientId,
    redirect_uri: SPA_REDIRECT,
    response_type: "code",
    scope: "openid offline_access",
    code_challenge: createHash("sha256").update(SPA_VERIFIER).digest("base64url"),
    code_challenge_method: "S256",
  });
  const start = await h.app.request(`/authorize?${q}`);
  const state = new URL(String(start.headers.location), "https://localhost").searchParams.get("state") ?? "";
  const back = await h.app.request("/u/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ state, username: user.username, password: user.password }).toString(),
  });
  return new URL(String(back.headers.location)).searchParams.get("code") ?? "";
}

/** The authorization_code grant of the single-page app. */
function spaExchange(h: Harness, code: string, verifier = SPA_VERIFIER) {
  return h.app.request("/oauth/token", {
    body: {
      grant_type: "authorization_code",
      client_id: h.app.config().spaClientId,
      code,
      redirect_uri: SPA_REDIRECT,
      code_verifier: verifier,
    },
  });
}

/** The refresh_token grant of the single-page app. */
function spaRefresh(h: Harness, token: string) {
  return h.app.request("/oauth/token", {
    body: { grant_type: "refresh_token", client_id: h.app.config().spaClientId, refresh_token: token },
  });
}

describe("named deviations (faults.ts)", () => {
  it("every deviation has a probe", () => {
    assert.deepEqual(Object.keys(probes).sort(), [...deviationNames].sort());
    assert.ok(deviationNames.length >= 10);
  });

  it("an unknown name is refused, naming it, where it came from and every known name", () => {
    assert.deepEqual(checkDeviationNames(["no-retry-after"], "X"), ["no-retry-after"]);
    assert.deepEqual(checkDeviationNames([], "X"), []);
    assert.throws(
      () => checkDeviationNames(["no-retry-after", "no-retry-afterr"], "SOME_SETTING"),
      (error: unknown) => {
        assert.ok(error instanceof UnknownDeviationError);
        assert.match(error.message, /^SOME_SETTING: unknown deviation "no-retry-afterr"; known: /);
        for (const name of deviationNames) assert.ok(error.message.includes(name), name);
        return true;
      },
    );
  });

  for (const name of deviationNames) {
    it(`${name} is observable over HTTP`, async () => {
      const probe = probes[name];
      assert.ok(probe);
      const faithful = await probe(new Harness({ profile: "off" }));
      const deviant = await probe(
        new Harness({ profile: "off", faults: { latencyMs: 0, errorRate: {}, deviations: [name] } }),
      );
      assert.notDeepEqual(deviant, faithful, `${name}: ${JSON.stringify(faithful)} both times`);
    });
  }

  it("an injected error share answers 5xx/429 for that operation only, with rate-limit headers", async () => {
    const h = new Harness({
      profile: "off",
      faults: { latencyMs: 0, errorRate: { challenge: { status: 503, share: 1 } }, deviations: [] },
    });
    const e = await h.enrolled();
    const res = await h.challenge(e.mfaToken);
    assert.equal(res.status, 503);
    assert.equal(json(res).error, "temporarily_unavailable");
    assert.ok(res.headers["x-ratelimit-limit"]);
    const limited = new Harness({
      profile: "off",
      faults: { latencyMs: 0, errorRate: { token: { status: 429, share: 1 } }, deviations: [] },
    });
    const r = await limited.token({ grant_type: OOB });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers["retry-after"]) >= 1);
  });

  it("latency is added by request(), not by the synchronous core", async () => {
    const h = new Harness({ profile: "off", faults: { latencyMs: 30, errorRate: {}, deviations: [] } });
    const started = Date.now();
    const sync = h.app.handle({ method: "GET", url: "/__mock/health", headers: {}, body: "" });
    assert.equal(sync.status, 200);
    const res = await h.app.request("/__mock/health");
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 25);
  });
});
