import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config/config.ts";
import { loggedPath, logLine, openRequestLog } from "./request-log.ts";

describe("the request log's lines", () => {
  // [path as received, as logged, why]
  const rows: Array<[string, string, string]> = [
    ["/mfa/challenge", "/mfa/challenge", "an Auth0 path stays as it is"],
    [
      "/api/v2/users/auth0|65a1b2c3d4e5f60718293a4b",
      "/api/v2/users/auth0|65a1b2c3d4e5f60718293a4b",
      "an id is no secret",
    ],
    ["/x/+15550001234", "/x/•••[12]", "a phone number"],
    ["/x/%2B15550001234", "/x/•••[12]", "a percent-encoded phone number"],
    ["/x/15550001234", "/x/•••[11]", "digits alone (a phone without +, a code)"],
    ["/x/123456", "/x/•••[6]", "a 6-digit code"],
    ["/x/ada@example.com", "/x/a••@•••••••.com", "an email address"],
    ["/x/%E0%A4%A", "/x/%E0%A4%A", "bad percent-encoding is kept, not thrown"],
  ];
  for (const [path, logged, why] of rows) {
    it(`logs ${path} as ${logged} (${why})`, () => assert.equal(loggedPath(path), logged));
  }

  it("bounds a long path", () => {
    assert.equal(loggedPath(`/${"a".repeat(5000)}`).length, 201);
  });

  it("drops the query and writes the fields in order", () => {
    const line = logLine({
      start: Date.UTC(2026, 0, 2, 3, 4, 5),
      method: "GET",
      url: "/__mock/outbox?recipient=%2B15550001234",
      route: "control/outbox",
      status: 200,
      durationMs: 1.234,
    });
    assert.equal(
      line,
      '{"time":"2026-01-02T03:04:05.000Z","method":"GET","path":"/__mock/outbox","route":"control/outbox","status":200,"ms":1.2}',
    );
  });

  it("refuses a file it cannot open at once, naming the option", () => {
    assert.throws(
      () => openRequestLog("/proc/1/no/such/dir/log.jsonl", "--log"),
      (e: unknown) => e instanceof ConfigError && /^--log: cannot open the request log/.test(e.message),
    );
  });
});
