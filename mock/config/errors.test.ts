import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, TlsError, UnknownDeviationError } from "./errors.ts";

describe("the configuration's error family", () => {
  // A caller catches ConfigError once; String(e) and a stack trace show which kind it was.
  const family: Array<[string, new (message: string, option?: string) => ConfigError]> = [
    ["ConfigError", ConfigError],
    ["TlsError", TlsError],
    ["UnknownDeviationError", UnknownDeviationError],
  ];
  for (const [name, Kind] of family) {
    it(`${name}: a ConfigError named ${name}, with the option it names`, () => {
      const e = new Kind("--tls-cert: cannot read /x.pem", "--tls-cert");
      assert.ok(e instanceof ConfigError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, name);
      assert.equal(e.option, "--tls-cert");
      assert.equal(String(e), `${name}: --tls-cert: cannot read /x.pem`);
      assert.ok(e.stack?.startsWith(`${name}: `));
    });
  }

  it("the option defaults to nothing (the whole input is at fault)", () => {
    assert.equal(new ConfigError("the configuration must be a JSON object").option, "");
  });
});
