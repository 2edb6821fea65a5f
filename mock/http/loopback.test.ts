import assert from "node:assert/strict";
import { test } from "node:test";
import { isLoopback, isUnspecified, reachableAsLocalhost } from "./loopback.ts";

// One row per host: [host, loopback?, unspecified?, reached at localhost when bound?, why].
const rows: Array<[string, boolean, boolean, boolean, string]> = [
  ["localhost", true, false, true, "the name"],
  ["LOCALHOST", true, false, true, "case does not matter"],
  ["127.0.0.1", true, false, true, "the usual address"],
  ["127.1.2.3", true, false, false, "all of 127.0.0.0/8 is loopback, but localhost is 127.0.0.1"],
  ["127.255.255.255", true, false, false, "the top of 127.0.0.0/8"],
  ["::1", true, false, true, "IPv6 loopback"],
  ["[::1]", true, false, true, "as a URL writes it"],
  ["0:0:0:0:0:0:0:1", true, false, true, "IPv6 loopback written out"],
  ["::ffff:127.0.0.1", true, false, false, "IPv4-mapped loopback"],
  ["[::ffff:7f00:1]", true, false, false, "IPv4-mapped loopback as the URL parser writes it"],
  ["0.0.0.0", false, true, true, "every interface: reachable by others, so not loopback"],
  ["::", false, true, true, "every IPv6 interface"],
  ["[::]", false, true, true, "every IPv6 interface, bracketed"],
  ["0:0:0:0:0:0:0:0", false, true, true, "every IPv6 interface written out"],
  ["::ffff:0.0.0.0", false, false, false, "mapped 0.0.0.0 is no bind-all address"],
  ["example.com", false, false, false, "a name on the network"],
  ["localhost.evil.com", false, false, false, "a name that starts like localhost"],
  ["evil.localhost", false, false, false, "*.localhost resolves to loopback only on some resolvers"],
  ["127.0.0.1.nip.io", false, false, false, "a public name that embeds 127.0.0.1"],
  ["127.0.0.256", false, false, false, "an octet out of range is no address"],
  ["127.1", false, false, false, "the short form is not taken"],
  ["128.0.0.1", false, false, false, "just past 127.0.0.0/8"],
  ["10.0.0.1", false, false, false, "a private address is still the network"],
  ["::2", false, false, false, "not ::1"],
  ["::ffff:10.0.0.1", false, false, false, "a mapped non-loopback address"],
  ["1::1::1", false, false, false, "two :: is no address"],
  ["", false, false, false, "nothing"],
];

test("the loopback rule, host by host", () => {
  for (const [host, loopback, unspecified, reached, why] of rows) {
    assert.equal(isLoopback(host), loopback, `isLoopback(${JSON.stringify(host)}): ${why}`);
    assert.equal(isUnspecified(host), unspecified, `isUnspecified(${JSON.stringify(host)}): ${why}`);
    assert.equal(
      reachableAsLocalhost(host),
      reached,
      `reachableAsLocalhost(${JSON.stringify(host)}): ${why}`,
    );
  }
});

test("a URL's hostname goes in as it is", () => {
  // The WHATWG parser lower-cases, brackets IPv6 and rewrites a dotted IPv4 tail in hex.
  for (const [url, loopback] of [
    ["http://[::ffff:127.0.0.1]:4010/", true],
    ["http://LocalHost:1/", true],
    ["http://0.0.0.0:4010/", false],
    ["https://tenant.eu.auth0.com/", false],
  ] as const) {
    assert.equal(isLoopback(new URL(url).hostname), loopback, url);
  }
});
