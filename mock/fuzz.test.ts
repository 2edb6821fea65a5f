/**
 * A bounded, seeded fuzz run of the in-process app: valid SMS/voice flows of a few users interleaved
 * with mutated requests (methods, paths, headers, bodies). Every answer must keep the invariants of
 * issue 3's "Bad input" section: never a 5xx (response validation is on, so a response that drifts
 * from the description is a 5xx too), an Auth0-shaped JSON error on every 4xx, rate-limit headers on
 * every Auth0 path, and a bystander user whose authenticators, tokens and messages nothing touches.
 * Cases the fuzzer once found are kept as ordinary rows in `regressions` below.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MockRequest, MockResponse } from "./app.ts";
import { createRng } from "./store/random.ts";
import { type Enrolled, Harness, json, OOB, RECOVERY } from "./testing.ts";
import { CLIENT_ASSERTION_TYPE } from "./tokens/client-assertion.ts";

const SEED = 0x5eed_f022;
const REQUESTS = 20_000;
// A bound on wall time so a slow machine ends the run early instead of hanging; not an assertion.
const WALL_BUDGET_MS = 120_000;
const MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp";
const PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm";

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  text(len: number, alphabet = "abcXYZ019+/=%|._-~ \t\"'{}[]:,&?#\\"): string {
    let s = "";
    for (let i = 0; i < len; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

/** What a fuzzed user has built so far through valid flows; mutations reuse these values. */
interface Actor {
  username: string;
  password: string;
  phone: string;
  mfaTokens: string[];
  oobCodes: string[];
  /** The mfa_token each oob_code belongs to (a code only confirms with its own token). */
  oobToken: Map<string, string>;
  accessTokens: string[];
  ids: string[];
  recovery: string | undefined;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "P0ST", ""];
const AUTH0_PATHS = [
  "/oauth/token",
  "/mfa/associate",
  "/mfa/authenticators",
  "/mfa/challenge",
  "/.well-known/openid-configuration",
  "/.well-known/jwks.json",
];
const ODD_PATHS = [
  "/",
  "",
  "*",
  "//oauth/token",
  "/oauth/token/",
  "/OAUTH/TOKEN",
  "/oauth%2Ftoken",
  "/mfa/%61ssociate",
  "/mfa/authenticators/",
  "/mfa/authenticators/%",
  "/mfa/authenticators/%ZZ",
  "/mfa/authenticators/%E0%A4%A",
  "/mfa/authenticators/%00",
  "/mfa/authenticators/\u0000",
  "/mfa/authenticators/..%2F..%2Foauth%2Ftoken",
  "/mfa/authenticators/sms%7Cdev_",
  "/mfa/authenticators/sms|dev_AAAAAAAAAAAAAAAA/extra",
  "/mfa/authenticators/%F0%9F%92%A9",
  "/mfa/associate?a=1&a=2&__proto__[x]=1",
  "/oauth/token?grant_type=password",
  "/oauth/token#frag",
  "http://127.0.0.1/oauth/token",
  "/api/v2",
  "/api/v2/users",
  "/api/v2/users/%",
  "/api/v2/users/auth0%7Cx/authentication-methods/%ZZ",
  "/.well-known/",
  "/mfa",
  "/\u00e9\u{1f4a9}",
];
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json;",
  "application/json; charset=utf-16",
  "application/json, text/plain",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=ISO-8859-1",
  "multipart/form-data; boundary=xyz",
  "text/plain",
  "",
  ";;;",
  "application/\u0000json",
  "application/jsonp",
];

/** The fuzz run's state: a harness, the actors, the bystander and what was seen. */
class Fuzzer {
  readonly h = new Harness({
    profile: "essentials",
    // Long lifetimes keep the bystander's tokens alive for the whole run: expiry is not under test here.
    mfaTokenTtlSeconds: 7200,
    codeTtlSeconds: 7200,
  });
  readonly d = new Dice(createRng(SEED)); // seeded: the run's choices replay for the same SEED
  readonly actors: Actor[] = [];
  bystander!: Enrolled;
  bystanderOob = "";
  failures: string[] = [];
  private readonly seenKinds = new Set<string>();
  count = 0;
  readonly statuses = new Map<number, number>();

  get client(): { client_id: string; client_secret: string } {
    return this.h.client;
  }

  /** Sends one request through `handle()` and checks the per-response invariants. */
  send(req: MockRequest, label: string): MockResponse {
    this.count += 1;
    // Time moves a little per request, so the tenant bucket (25/s) refills and most requests pass it.
    if (this.d.chance(0.9)) this.h.clock.advance(40);
    let res: MockResponse;
    try {
      res = this.h.app.handle(req);
    } catch (err) {
      this.fail(req, label, `handle() threw: ${String(err)}`);
      return { status: 0, headers: {}, body: "" };
    }
    this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
    const problem = checkInvariants(req, res, this.h.clock.now());
    if (problem) this.fail(req, label, `${problem} → ${res.status} ${res.body.slice(0, 300)}`);
    return res;
  }

  /** Keeps the first failure of each kind (the text before the arrow), so one bug is one line. */
  fail(req: MockRequest, label: string, why: string): void {
    const kind = why.split(" → ")[0] ?? why;
    if (this.seenKinds.has(kind) || this.failures.length >= 20) return;
    this.seenKinds.add(kind);
    this.failures.push(`[${label}] ${describe_(req)}: ${why}`);
  }

  req(method: string, url: string, headers: Record<string, string>, body: string | Buffer): MockRequest {
    return { method, url, headers, body };
  }

  jsonPost(url: string, fields: object, headers: Record<string, string> = {}): MockRequest {
    return this.req("POST", url, { "content-type": "application/json", ...headers }, JSON.stringify(fields));
  }

  formPost(url: string, fields: Record<string, string>): MockRequest {
    return this.req(
      "POST",
      url,
      { "content-type": "application/x-www-form-urlencoded" },
      new URLSearchParams(fields).toString(),
    );
  }

  bearer(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  // ---- valid flows (they feed the corpus the mutations draw from) -------------------------------

  async addActor(i: number): Promise<void> {
    const user = await this.h.user();
    this.actors.push({
      username: user.username,
      password: user.password,
      phone: `+1555${String(7_000_000 + i).padStart(8, "0")}`,
      mfaTokens: [],
      oobCodes: [],
      oobToken: new Map(),
      accessTokens: [],
      ids: [],
      recovery: undefined,
    });
  }

  validStep(a: Actor): void {
    const d = this.d;
    const step = d.int(7);
    const mt = a.mfaTokens.at(-1);
    if (step === 0 || mt === undefined) {
      const audience = `https://${this.h.app.config().domain}/mfa/`;
      const extra: Record<string, string> = d.chance(0.3)
        ? { audience, scope: "openid enroll read:authenticators" }
        : {};
      const grant: Record<string, string> = d.chance(0.5)
        ? { grant_type: "password" }
        : { grant_type: PASSWORD_REALM, realm: this.h.app.config().connection };
      const fields = { ...this.client, ...grant, username: a.username, password: a.password, ...extra };
      const res = this.send(
        d.chance(0.5) ? this.jsonPost("/oauth/token", fields) : this.formPost("/oauth/token", fields),
        "login",
      );
      const body = safeJson(res.body);
      if (typeof body?.mfa_token === "string") a.mfaTokens.push(body.mfa_token);
      return;
    }
    if (step === 1) {
      const res = this.send(
        this.jsonPost(
          "/mfa/associate",
          { authenticator_types: ["oob"], oob_channels: [d.pick(["sms", "voice"])], phone_number: a.phone },
          this.bearer(mt),
        ),
        "associate",
      );
      const body = safeJson(res.body);
      if (typeof body?.oob_code === "string") {
        a.oobCodes.push(body.oob_code);
        a.oobToken.set(body.oob_code, mt);
      }
      if (Array.isArray(body?.recovery_codes)) a.recovery = String(body.recovery_codes[0]);
      return;
    }
    if (step === 2 || step === 3) {
      const oob = a.oobCodes.at(-1);
      if (oob === undefined) return;
      const code = this.h.app.outbox.list({ recipient: a.phone }).at(-1)?.code ?? "000000";
      const owner = a.oobToken.get(oob) ?? mt;
      const fields = { ...this.client, grant_type: OOB, mfa_token: owner, oob_code: oob, binding_code: code };
      const res = this.send(
        d.chance(0.5) ? this.formPost("/oauth/token", fields) : this.jsonPost("/oauth/token", fields),
        "confirm",
      );
      const body = safeJson(res.body);
      if (typeof body?.access_token === "string") a.accessTokens.push(body.access_token);
      return;
    }
    if (step === 4) {
      const res = this.send(this.req("GET", "/mfa/authenticators", this.bearer(mt), ""), "list");
      const body = safeJson(res.body);
      if (Array.isArray(body)) a.ids = body.map((x) => String((x as { id?: unknown }).id));
      return;
    }
    if (step === 5) {
      const id = a.ids.find((x) => !x.startsWith("recovery-code|"));
      const fields: Record<string, string> = { ...this.client, mfa_token: mt, challenge_type: "oob" };
      if (id !== undefined) fields.authenticator_id = id;
      const res = this.send(
        d.chance(0.5) ? this.formPost("/mfa/challenge", fields) : this.jsonPost("/mfa/challenge", fields),
        "challenge",
      );
      const body = safeJson(res.body);
      if (typeof body?.oob_code === "string") {
        a.oobCodes.push(body.oob_code);
        a.oobToken.set(body.oob_code, mt);
      }
      return;
    }
    if (a.recovery !== undefined) {
      const res = this.send(
        this.jsonPost("/oauth/token", {
          ...this.client,
          grant_type: RECOVERY,
          mfa_token: mt,
          recovery_code: a.recovery,
        }),
        "recovery",
      );
      const body = safeJson(res.body);
      if (typeof body?.recovery_code === "string") a.recovery = body.recovery_code;
    }
  }

  // ---- mutations ---------------------------------------------------------------------------------

  /** A value an attacker might try: known tokens and ids of other users, and plain junk. */
  corpusValue(): unknown {
    const d = this.d;
    const a = d.pick(this.actors);
    const options: Array<() => unknown> = [
      () => a.mfaTokens.at(-1) ?? "x",
      () => a.oobCodes.at(-1) ?? "y",
      () => a.accessTokens.at(-1) ?? "z.z.z",
      () => this.bystanderOob,
      () => d.pick(this.bystander.ids),
      () => this.bystander.user.user_id,
      () => this.bystander.user.username,
      () => d.text(d.int(40)),
      () => "\u0000",
      () => "\ud800",
      () => "A".repeat(5000),
      () => 1e308 * 10,
      () => 2 ** 64,
      () => -0,
      () => 123456,
      () => null,
      () => true,
      () => [],
      () => ["sms", "voice", "email", "auth0"],
      () => ({}),
      () => ({ __proto__: { polluted: true } }),
      () => JSON.parse('{"__proto__":{"polluted":true}}'),
      () => "sms",
      () => "oob otp",
      () => OOB,
      () => MFA_OTP,
      () => "+15550000000",
    ];
    return d.pick(options)();
  }

  mutatedFields(): Record<string, unknown> {
    const d = this.d;
    const a = d.pick(this.actors);
    const base: Record<string, unknown> = d.pick([
      { ...this.client, grant_type: OOB, mfa_token: a.mfaTokens.at(-1), oob_code: a.oobCodes.at(-1) },
      { ...this.client, grant_type: "password", username: a.username, password: "wrong" },
      { ...this.client, grant_type: RECOVERY, mfa_token: a.mfaTokens.at(-1), recovery_code: "X" },
      { ...this.client, grant_type: MFA_OTP, mfa_token: a.mfaTokens.at(-1), otp: "000000" },
      { ...this.client, mfa_token: a.mfaTokens.at(-1), challenge_type: "oob" },
      { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: a.phone },
      {},
    ]);
    const keys = [
      "grant_type",
      "client_id",
      "client_secret",
      "mfa_token",
      "oob_code",
      "binding_code",
      "recovery_code",
      "otp",
      "authenticator_id",
      "challenge_type",
      "oob_channel",
      "authenticator_types",
      "oob_channels",
      "phone_number",
      "username",
      "password",
      "realm",
      "audience",
      "scope",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
    ];
    const n = 1 + d.int(3);
    for (let i = 0; i < n; i++) {
      const key = d.pick(keys);
      if (d.chance(0.15)) {
        if (Object.hasOwn(base, key)) delete base[key];
      }
      // defineProperty: a plain assignment to "__proto__" would set the prototype instead of a key.
      else
        Object.defineProperty(base, key, {
          value: this.corpusValue(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return base;
  }

  /** Half the time the mutated fields as they are (form or JSON, by the content type); else broken. */
  mutatedBody(fields: Record<string, unknown>, contentType: string | undefined): string | Buffer {
    const d = this.d;
    const text = JSON.stringify(fields);
    if (d.chance(0.5)) {
      if (!contentType?.includes("form")) return text;
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(fields))
        form.append(k, typeof v === "string" ? v : JSON.stringify(v));
      return form.toString();
    }
    switch (d.int(16)) {
      case 0:
        return text.slice(0, d.int(text.length));
      case 1:
        return `${"[".repeat(5000)}${"]".repeat(5000)}`;
      case 2:
        return `{"mfa_token":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}`;
      case 3:
        return `[${text}]`;
      case 4:
        return `{"binding_code":1e99999,"mfa_token":123456789012345678901234567890,"oob_code":-1e-400}`;
      case 5: {
        // Duplicate keys: JSON.parse keeps the last, a form parser may keep the first.
        const mt = JSON.stringify(d.pick(this.actors).mfaTokens.at(-1) ?? "x");
        return `{"mfa_token":"junk","mfa_token":${mt},"client_id":"a","client_id":${JSON.stringify(this.client.client_id)}}`;
      }
      case 6: {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
        form.append("mfa_token", "second");
        form.append("__proto__", "x");
        form.append("constructor", "y");
        form.append("toString", "z");
        return form.toString();
      }
      case 7:
        return Buffer.concat([
          Buffer.from('{"mfa_token":"'),
          Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]);
      case 8:
        return Buffer.from([0x00, 0x7b, 0x00, 0x7d, 0x00]);
      case 9:
        return `${text}\u0000`;
      case 10:
        return "x".repeat(this.h.app.config().maxBodyBytes + 1 + d.int(10));
      case 11:
        return `{"a":"${"\\u0000".repeat(2000)}"}`;
      case 12:
        return "%%%&&&===&=&a=%ZZ&b=%E0%A4%A";
      case 13:
        return '"just a string"';
      case 14:
        return "";
      default:
        return text;
    }
  }

  mutatedHeaders(): Record<string, string> {
    const d = this.d;
    const headers: Record<string, string> = {};
    if (d.chance(0.8))
      headers["content-type"] = d.chance(0.5) ? d.pick(CONTENT_TYPES.slice(0, 2)) : d.pick(CONTENT_TYPES);
    if (d.chance(0.7)) {
      const a = d.pick(this.actors);
      const token = String(this.corpusValue());
      headers.authorization = d.pick([
        "Bearer",
        "Bearer ",
        `Bearer ${token}`,
        `bearer\t${a.mfaTokens.at(-1) ?? ""}`,
        `Bearer ${a.accessTokens.at(-1) ?? ""}x`,
        `Bearer ${a.mfaTokens.at(-1) ?? ""} ${a.mfaTokens.at(-1) ?? ""}`,
        "Basic",
        "Basic !!!!",
        `Basic ${Buffer.from("no-colon").toString("base64")}`,
        `Basic ${Buffer.from("%ZZ:%ZZ").toString("base64")}`,
        `Basic ${Buffer.from(`${this.client.client_id}:wrong`).toString("base64")}`,
        `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString("base64")}`,
        "Digest x",
        `Bearer ${"A".repeat(10_000)}`,
        "\u0000",
        token,
      ]);
    }
    if (d.chance(0.05)) headers["access-control-request-headers"] = d.text(20);
    return headers;
  }

  mutatedRequest(): MockRequest {
    const d = this.d;
    let method = d.pick(METHODS);
    let url: string;
    const r = d.int(10);
    if (r < 6) {
      url = d.pick(AUTH0_PATHS);
      // Mostly the method the path takes, so that mutated bodies reach the handlers.
      if (d.chance(0.8))
        method = url.startsWith("/.well-known/") || url === "/mfa/authenticators" ? "GET" : "POST";
    } else if (r < 8) url = d.pick(ODD_PATHS);
    else if (r < 9) {
      const id = d.chance(0.5) ? d.pick(this.bystander.ids) : String(this.corpusValue());
      url = `/mfa/authenticators/${d.chance(0.5) && wellFormed(id) ? encodeURIComponent(id) : id}`;
    } else url = `/${d.text(d.chance(0.1) ? 20_000 : d.int(60), "abc/%2F09.?&=#")}`;
    if (d.chance(0.1)) url += `?${d.text(d.int(30))}`;
    const headers = this.mutatedHeaders();
    const body = d.chance(0.9) ? this.mutatedBody(this.mutatedFields(), headers["content-type"]) : "";
    return this.req(method, url, headers, body);
  }
}

/** The invariants every answer keeps; a description of the first broken one, or undefined. */
function checkInvariants(req: MockRequest, res: MockResponse, nowMs: number): string | undefined {
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 599) return "status out of range";
  if (res.status >= 500) return "5xx";
  const path = req.url.split("?")[0] ?? "";
  const control = path === "/__mock" || path.startsWith("/__mock/");
  const management = path.startsWith("/api/v2/");
  const preflight = req.method === "OPTIONS";
  const body = res.body === "" ? undefined : safeJson(res.body);
  if (res.body !== "" && body === undefined) return "body is not JSON";
  if (res.status >= 400) {
    if (!isObject(body)) return "4xx without a JSON object body";
    if (management) {
      if (typeof body.message !== "string" || typeof body.error !== "string")
        return "management 4xx without {statusCode, error, message}";
    } else if (
      typeof body.error !== "string" ||
      body.error === "" ||
      typeof body.error_description !== "string" ||
      body.error_description === ""
    ) {
      return "4xx without {error, error_description}";
    }
  }
  if (res.status === 204 && res.body !== "") return "204 with a body";
  if (res.body === "" && res.status !== 204) return "empty body without 204";
  if (!control && !preflight) {
    const limit = res.headers["x-ratelimit-limit"];
    const remaining = res.headers["x-ratelimit-remaining"];
    const reset = res.headers["x-ratelimit-reset"];
    if (limit === undefined || remaining === undefined || reset === undefined)
      return "rate-limit headers missing";
    if (!/^\d+$/.test(limit) || !/^\d+$/.test(remaining) || !/^\d+$/.test(reset))
      return "rate-limit headers not integers";
    const nowS = nowMs / 1000;
    // Epoch seconds, not milliseconds or a delta: within [now - 1 s, now + 10 days].
    if (Number(reset) < nowS - 1 || Number(reset) > nowS + 10 * 86400)
      return `x-ratelimit-reset ${reset} not epoch seconds`;
    if (Number(remaining) > Number(limit)) return "x-ratelimit-remaining above the limit";
    if (res.status === 429 && !/^[1-9]\d*$/.test(res.headers["retry-after"] ?? ""))
      return "429 without a positive retry-after";
  }
  if (path === "/oauth/token" && req.method === "POST" && !management) {
    if (res.headers["content-type"] !== "application/json")
      return "token answer content type not application/json";
  } else if (path.startsWith("/mfa/") && !preflight && res.body !== "") {
    if (res.headers["content-type"] !== "application/json; charset=utf-8")
      return "/mfa answer content type not application/json; charset=utf-8";
  }
  return undefined;
}

/** True when a string has no lone surrogate (encodeURIComponent throws on one). */
function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A request as one line, short and with token-like values masked, for failure messages. */
function describe_(req: MockRequest): string {
  const body =
    typeof req.body === "string"
      ? req.body
      : `<${req.body.length} bytes: ${req.body.toString("hex").slice(0, 40)}>`;
  const mask = (s: string) =>
    s
      .replace(/("client_secret\\*":\\*")[^"\\]+/g, "$1…")
      .replace(/(Fe26\.2\*)[\w*.~-]+/g, "$1…")
      .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, "eyJ…")
      .replace(/\+\d{4,}(\d{4})/g, "+…$1");
  return mask(
    `${JSON.stringify(req.method)} ${JSON.stringify(req.url.slice(0, 120))} headers=${JSON.stringify(req.headers).slice(0, 200)} body=${JSON.stringify(body.slice(0, 200))}`,
  );
}

/** The bystander's data as it stands, for a before/after comparison. */
function snapshot(f: Fuzzer): string {
  const rt = f.h.app.runtime;
  const user = rt.state.users.get(f.bystander.user.user_id);
  const token = rt.state.mfaToken(f.bystander.mfaToken);
  const tx = rt.state.oobTransaction(f.bystanderOob);
  const outbox = f.h.app.outbox.list({ recipient: f.bystander.phone }).map((m) => m.id);
  const spec = rt.profile.messagesPerUser;
  return JSON.stringify({
    user,
    token,
    tx,
    outbox,
    login: rt.state.findLogin(f.bystander.user.username)?.id,
    messagesRemaining: spec ? rt.limiter.peek(spec, f.bystander.user.user_id).remaining : null,
  });
}

describe("fuzz: mutated requests never crash the mock or touch a bystander", () => {
  it(`${REQUESTS} seeded requests keep every invariant`, async (t) => {
    const f = new Fuzzer();
    f.bystander = await f.h.enrolled("sms");
    const smsId = f.bystander.ids.find((id) => id.startsWith("sms|")) ?? "";
    const ch = await f.h.challenge(f.bystander.mfaToken, { authenticator_id: smsId });
    assert.equal(ch.status, 200, ch.body);
    f.bystanderOob = String(json(ch).oob_code);
    for (let i = 0; i < 6; i++) await f.addActor(i);
    // Give every actor a token and an enrollment before mutations start drawing on them.
    for (const a of f.actors) for (let k = 0; k < 3; k++) f.validStep(a);

    const before = snapshot(f);
    const started = Date.now();
    while (f.count < REQUESTS && Date.now() - started < WALL_BUDGET_MS) {
      if (f.d.chance(0.3)) f.validStep(f.d.pick(f.actors));
      else f.send(f.mutatedRequest(), "mutated");
    }
    const after = snapshot(f);

    t.diagnostic(
      `requests: ${f.count}; statuses: ${JSON.stringify(Object.fromEntries([...f.statuses].sort()))}`,
    );
    assert.ok(f.failures.length === 0, `invariants broken:\n${f.failures.join("\n")}`);
    assert.equal(after, before, "the bystander's user, mfa_token, pending oob_code or messages changed");
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
    // Still usable: the bystander's pending challenge completes with the code that was sent (after a
    // second, so the tenant bucket the run may have emptied has refilled).
    f.h.clock.advance(1000);
    const code = f.h.lastCode(f.bystander.phone).code;
    const done = await f.h.oob(f.bystander.mfaToken, f.bystanderOob, code);
    assert.equal(done.status, 200, done.body);
  });
});

/** A JWS header and payload of `alg: none`, for the Private Key JWT client. */
const UNSIGNED = [{ alg: "none" }, { iss: "mockPrivateKeyJwtClient000000000", exp: 9e9 }]
  .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
  .join(".");

describe("fuzz rows: edge cases pinned as ordinary requests", () => {
  const json_ = { "content-type": "application/json" };
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const rows: Array<{ name: string; req: MockRequest; status: number }> = [
    {
      name: "prototype keys in a form body",
      req: {
        method: "POST",
        url: "/oauth/token",
        headers: form,
        body: "__proto__=x&constructor=y&toString=z&grant_type=password",
      },
      status: 400,
    },
    {
      name: "__proto__ object in a JSON body",
      req: {
        method: "POST",
        url: "/mfa/challenge",
        headers: json_,
        body: '{"__proto__":{"client_id":"x"},"constructor":{"prototype":{"a":1}}}',
      },
      status: 400,
    },
    {
      name: "5000 levels of nested arrays",
      req: {
        method: "POST",
        url: "/oauth/token",
        headers: json_,
        body: `${"[".repeat(5000)}${"]".repeat(5000)}`,
      },
      status: 400,
    },
    {
      name: "invalid UTF-8 inside a JSON string",
      req: {
        method: "POST",
        url: "/mfa/challenge",
        headers: json_,
        body: Buffer.concat([
          Buffer.from('{"mfa_token":"'),
          Buffer.from([0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
      },
      status: 400,
    },
    {
      name: "numbers beyond double range",
      req: {
        method: "POST",
        url: "/oauth/token",
        headers: json_,
        body: '{"grant_type":1e99999,"client_id":123456789012345678901234567890}',
      },
      status: 400,
    },
    {
      name: "NUL bytes around a JSON body",
      req: {
        method: "POST",
        url: "/mfa/associate",
        headers: { ...json_, authorization: "Bearer \u0000" },
        body: "\u0000{}\u0000",
      },
      status: 400,
    },
    {
      name: "broken percent-encoding in a DELETE id",
      req: {
        method: "DELETE",
        url: "/mfa/authenticators/%E0%A4%A",
        headers: { authorization: "Bearer x" },
        body: "",
      },
      status: 401,
    },
    {
      name: "unreadable Basic credentials",
      req: {
        method: "POST",
        url: "/oauth/token",
        headers: { ...form, authorization: `Basic ${Buffer.from("%ZZ:%ZZ").toString("base64")}` },
        body: "grant_type=password&username=a&password=b",
      },
      status: 401,
    },
    ...[
      ["a client_assertion that is not a JWS", "client_assertion=%00%FF.."],
      ["a client_assertion with an alg of none", `client_assertion=${UNSIGNED}.`],
      ["a client_assertion of 60 KiB", `client_assertion=${"a.".repeat(30_000)}a`],
    ].map(([name, field]) => ({
      name: String(name),
      req: {
        method: "POST",
        url: "/oauth/token",
        headers: form,
        body: `grant_type=password&username=a&password=b&client_id=mockPrivateKeyJwtClient000000000&client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE)}&${field}`,
      },
      status: 401,
    })),
    {
      name: "a 20,000-character path",
      req: { method: "GET", url: `/${"a/".repeat(10_000)}`, headers: {}, body: "" },
      status: 404,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const h = new Harness();
      const res = h.app.handle(row.req);
      assert.equal(res.status, row.status, res.body);
      assert.equal(checkInvariants(row.req, res, h.clock.now()), undefined, `${res.status} ${res.body}`);
    });
  }
});
