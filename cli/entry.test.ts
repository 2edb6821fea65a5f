import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEntryPoint } from "./entry.ts";

describe("isEntryPoint", () => {
  const cases: Array<{ started: string | undefined; url: string; is: boolean }> = [
    { started: "/repo/scripts/test.ts", url: "file:///repo/scripts/test.ts", is: true },
    // A checkout in a folder with a space: the URL escapes it, a hand-made file:// string would not.
    { started: "/My Projects/h/scripts/test.ts", url: "file:///My%20Projects/h/scripts/test.ts", is: true },
    { started: "/repo/scripts/test.ts", url: "file:///repo/scripts/unit-tests.ts", is: false },
    { started: undefined, url: "file:///repo/scripts/test.ts", is: false },
  ];
  for (const c of cases) {
    it(`${c.url} started as ${c.started ?? "(no script)"}: ${c.is}`, () => {
      const saved = process.argv[1];
      try {
        if (c.started === undefined) process.argv.splice(1, process.argv.length - 1);
        else process.argv[1] = c.started;
        assert.equal(isEntryPoint(c.url), c.is);
      } finally {
        if (saved !== undefined) process.argv[1] = saved;
      }
    });
  }
});
