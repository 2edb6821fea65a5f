import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerMatches, bounded, declaresJson, hostAllowed, hostName, isWrite } from "./guards.ts";

const settings = {
  domain: "tenant.example:4443",
  issuer: "https://issuer.example/",
  allowedHosts: ["mock.ci", ".svc.cluster.local", "[fd00::7]"],
};

describe("the Host check (DNS rebinding)", () => {
  // [Host header, served?, why]
  const rows: Array<[string | undefined, boolean, string]> = [
    ["127.0.0.1:4010", true, "loopback address"],
    ["localhost:4010", true, "loopback name"],
    ["LOCALHOST", true, "case does not matter"],
    ["[::1]:4010", true, "IPv6 loopback in brackets"],
    ["127.8.9.10", true, "all of 127.0.0.0/8"],
    ["10.1.2.3:4010", true, "an IP literal: only a page of that address names it"],
    ["[fe80::1]:4010", true, "an IPv6 literal"],
    [undefined, true, "no Host (HTTP/1.0): a browser always sends one"],
    ["tenant.example:4443", true, "the configured domain"],
    ["tenant.example", true, "the domain's host, any port"],
    ["issuer.example", true, "the issuer's host"],
    ["mock.ci:9999", true, "a name of allowedHosts"],
    ["mock.ci.", true, "a final dot is the same name"],
    ["mock.ns.svc.cluster.local", true, "below a .suffix of allowedHosts"],
    ["svc.cluster.local", true, "the .suffix's own name"],
    ["attacker.example:4711", false, "a foreign name"],
    ["localhost.attacker.example", false, "loopback as a prefix is no loopback"],
    ["a.localhost", false, "*.localhost is not loopback (http/loopback.ts)"],
    ["127.0.0.1.nip.io", false, "a name that resolves to loopback is still a name"],
    ["evilsvc.cluster.local", false, "a suffix matches at a dot only"],
    ["mock.ci@attacker.example", false, "user info is no host"],
    ["tenant.example/x", false, "a path is no host"],
    ["", false, "an empty Host"],
    ["tenant.example:port", false, "a port that is no number"],
  ];
  for (const [header, served, why] of rows) {
    it(`${served ? "serves" : "refuses"} Host ${JSON.stringify(header)} (${why})`, () => {
      assert.equal(hostAllowed(header, settings), served);
    });
  }

  it("gives a remembered Host the same verdict, and judges past the bound all the same", () => {
    const fresh = { ...settings };
    for (let i = 0; i < 100; i++) assert.equal(hostAllowed(`n${i}.attacker.example`, fresh), false);
    assert.equal(hostAllowed("attacker.example", fresh), false);
    assert.equal(hostAllowed("mock.ci", fresh), true);
    assert.equal(hostAllowed("mock.ci", fresh), true);
  });

  it("reads a Host header's name", () => {
    assert.equal(hostName("[::1]:4010"), "::1");
    assert.equal(hostName("Mock.CI:80"), "mock.ci");
    assert.equal(hostName("::1"), "::1");
    assert.equal(hostName("[::1"), undefined);
  });

  it("quotes a huge header bounded", () => {
    assert.equal(bounded("a".repeat(1000)).length, 101);
    assert.equal(bounded("mock.ci"), "mock.ci");
  });
});

describe("the control credential", () => {
  const token = "s3cret-control-token-0123";
  // [Authorization header, accepted?]
  const rows: Array<[string | undefined, boolean]> = [
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true],
    [`Bearer  ${token} `, true],
    [undefined, false],
    ["", false],
    ["Bearer ", false],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(0, -1)}`, false],
    [`Basic ${token}`, false],
    [token, false],
    [`Bearer ${token} extra`, false],
  ];
  for (const [header, accepted] of rows) {
    it(`${accepted ? "accepts" : "refuses"} ${JSON.stringify(header)}`, () => {
      assert.equal(bearerMatches(header, token), accepted);
    });
  }

  it("matches nothing without a token", () => {
    assert.equal(bearerMatches("Bearer ", ""), false);
    assert.equal(bearerMatches(undefined, ""), false);
  });
});

describe("control writes declare JSON", () => {
  // What a browser sends cross-site without a preflight (text/plain, forms, nothing) is refused.
  const rows: Array<[string | undefined, boolean]> = [
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["Application/JSON", true],
    ["text/plain", false],
    ["text/plain; charset=utf-8", false],
    ["application/x-www-form-urlencoded", false],
    ["multipart/form-data; boundary=x", false],
    [undefined, false],
    ["", false],
  ];
  for (const [type, json] of rows) {
    it(`${json ? "takes" : "refuses"} ${JSON.stringify(type)}`, () => assert.equal(declaresJson(type), json));
  }

  it("counts every method but GET, HEAD and OPTIONS as a write", () => {
    assert.deepEqual(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"].map(isWrite), [
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
