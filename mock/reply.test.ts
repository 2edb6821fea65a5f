import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "./config/config.ts";
import { type ErrorEntry, errors, fail, failWith, statusOf } from "./reply.ts";

type Catalogue = typeof errors;
type Parameterised = {
  [K in keyof Catalogue]: Catalogue[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Catalogue];

/**
 * One sample argument list per entry with a parameter; the type makes a new function entry without
 * a row here a type error, so every entry is checked below.
 */
const samples: { [K in Parameterised]: Parameters<Catalogue[K]> } = {
  missingParameter: ["client_id"],
  invalidParameter: ["otp", "string"],
  unsupportedContentType: ["text/plain", "application/json"],
  notFound: ["GET", "/nowhere"],
  methodNotAllowed: ["PUT", "/oauth/token", "POST"],
  storeFull: ["The mock holds 100000 users."],
  injectedFault: [503, "challenge"],
  invalidClientAssertion: ["expired"],
  insufficientScope: ["enroll"],
  unsupportedGrantType: ["implicit"],
  invalidChallengeType: ["sms"],
  unsupportedChallengeType: [["otp"], "oob"],
  invalidAuthenticatorId: ["sms|dev_x"],
  foreignAuthenticator: ["sms|dev_y"],
  malformedAuthenticatorId: ["%%"],
  unknownControlPath: ["/__mock/nope", "GET /__mock/health"],
  invalidConfig: ["profile: unknown profile"],
  invalidString: ["username", 256],
  invalidControlInput: ["after must be a message id"],
  hostNotAllowed: ["attacker.example:4711"],
  plainHttpOnTlsPort: [4443],
  controlWriteNotJson: ["text/plain"],
  unknownClient: ["nope"],
  callbackMismatch: ["https://evil.example/cb"],
  returnToMismatch: ["https://evil.example/"],
  unsupportedResponseType: ["token"],
  unsupportedResponseMode: ["form_post"],
  pkceMethod: ["plain"],
};

/** Every entry, the parameterised ones called with their sample. */
function allEntries(): [string, ErrorEntry][] {
  return Object.entries(errors).map(([name, value]) => {
    if (typeof value !== "function") return [name, value];
    const args = samples[name as Parameterised] as unknown[];
    return [name, (value as (...a: unknown[]) => ErrorEntry)(...args)];
  });
}

// The 5xx the mock answers on purpose: its own failure, a response that breaks the description in
// test mode, and the faults a user injects (faults.error_rate takes 500, 502 and 503).
const DOCUMENTED_5XX = new Set(["internalError", "invalidResponse", "injectedFault"]);

describe("the error catalogue", () => {
  const config = defaultConfig();

  for (const [name, e] of allEntries()) {
    it(`${name} is an Auth0-shaped answer with a client-error status`, () => {
      assert.match(e.error, /^[a-z]+(_[a-z]+)*$/, "error is a snake_case code");
      assert.ok(e.description.trim() !== "" && e.description === e.description.trim());
      assert.deepEqual(Object.keys(e.body), ["error", "error_description"]);
      assert.equal(e.body.error, e.error);
      assert.equal(e.body.error_description, e.description);
      assert.equal(e.json, JSON.stringify(e.body));
      const status = statusOf(e, config);
      if (DOCUMENTED_5XX.has(name)) assert.ok(status >= 500 && status <= 599, `${status}`);
      else assert.ok(status >= 400 && status <= 499, `${name}: ${status}`);
    });
  }

  it("declares each answer once (no two entries give the same status, code and text)", () => {
    const seen = new Map<string, string>();
    for (const [name, e] of allEntries()) {
      const key = `${String(e.status)} ${e.error} ${e.description}`;
      assert.equal(seen.get(key), undefined, `${name} repeats ${seen.get(key)}`);
      seen.set(key, name);
    }
  });

  it("reads a configurable status from the configuration", () => {
    const c = { ...config, invalidGrantStatus: 401, lockoutStatus: 403 };
    assert.equal(fail(errors.invalidBinding, c).status, 401);
    assert.equal(fail(errors.tooManySms, c).status, 403);
    assert.equal(fail(errors.invalidBinding, config).status, 403);
    assert.equal(fail(errors.tooManySms, config).status, 429);
    // Without the configuration it is a programming error (a 500 in the app), never a guessed status.
    assert.throws(() => statusOf(errors.invalidBinding), /invalidGrantStatus/);
  });

  it("answers a fixed entry with its prebuilt body and text (no allocation but the reply)", () => {
    const a = fail(errors.expiredMfaToken);
    const b = fail(errors.expiredMfaToken);
    assert.equal(a.body, b.body);
    assert.equal(a.json, '{"error":"expired_token","error_description":"mfa_token is expired"}');
    assert.ok(Object.isFrozen(a.body), "a shared body cannot be changed by one answer");
  });

  it("adds fields without touching the entry", () => {
    const r = failWith(errors.mfaRequired, { mfa_token: "t" });
    assert.deepEqual(r.body, {
      error: "mfa_required",
      error_description: "Multifactor authentication required",
      mfa_token: "t",
    });
    assert.equal(r.json, undefined);
    assert.deepEqual(Object.keys(errors.mfaRequired.body), ["error", "error_description"]);
  });
});
