import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { addSuite, countTests, mergeJUnit } from "./junit.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

test("counts cases and outcomes", () => {
  const rows: Array<[string, string, [number, number, number, number]]> = [
    ["node (loose cases, nested suite)", fixture("unit-junit.xml"), [4, 0, 0, 1]],
    ["playwright", fixture("contracts-junit.xml"), [12, 1, 0, 1]],
    ["error", '<testsuite><testcase name="a"><error message="x"/></testcase></testsuite>', [1, 0, 1, 0]],
    [
      "tag-like text in CDATA",
      '<testsuite><testcase name="a"><failure><![CDATA[<testcase>]]></failure></testcase></testsuite>',
      [1, 1, 0, 0],
    ],
    ["attribute with >", '<testsuite><testcase name="a > b"/></testsuite>', [1, 0, 0, 0]],
    ["empty", "", [0, 0, 0, 0]],
  ];
  for (const [name, xml, [tests, failures, errors, skipped]] of rows) {
    assert.deepEqual(countTests(xml), { tests, failures, errors, skipped }, name);
  }
});

test("merges unit, contracts and load inputs with their sources and totals", () => {
  const { xml, totals } = mergeJUnit([
    { source: "unit", xml: fixture("unit-junit.xml") },
    { source: "contracts", xml: fixture("contracts-junit.xml") },
    {
      source: "load/ramp",
      xml: '<testsuite name="k6 &amp; co" tests="9"><testcase name="p95"/></testsuite>',
    },
    { source: "broken", xml: "not xml" },
  ]);
  assert.deepEqual(totals, { tests: 18, failures: 2, errors: 0, skipped: 2 });
  assert.match(
    xml,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="auth0-mfa-harness" tests="18" failures="2" errors="0" skipped="2">/,
  );
  assert.match(xml, /<testsuite name="unit › envelope"/);
  assert.match(xml, /<testsuite name="unit" tests="2" failures="0" errors="0" skipped="0">/);
  assert.match(
    xml,
    /<testsuite name="contracts › challenge.spec.ts"[^>]* tests="4" failures="1"[^>]* skipped="1"/,
  );
  // Counts are recomputed from the cases, and names are not escaped twice.
  assert.match(xml, /<testsuite name="load\/ramp › k6 &amp; co" tests="1"/);
  assert.match(xml, /<testsuite name="broken" tests="1" failures="1"/);
  // The result parses again to the same totals.
  assert.deepEqual(countTests(xml), totals);
});

test("adds a suite of cases to a document, escaping what it writes", () => {
  const cases = [
    { name: "a <b> & c", classname: "tenant-on-mock", seconds: 1.23456 },
    { name: "d", classname: "tenant-on-mock", seconds: 0, failure: 'no "drift" <here>' },
  ];
  const added = addSuite(fixture("contracts-junit.xml"), "tenant-on-mock drift", cases);
  assert.deepEqual(countTests(added), { tests: 14, failures: 2, errors: 0, skipped: 1 });
  assert.match(added, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites/);
  assert.match(
    added,
    /<testsuite name="tenant-on-mock drift" tests="2" failures="1" errors="0" skipped="0">\n<testcase name="a &lt;b&gt; &amp; c" classname="tenant-on-mock" time="1.235"\/>/,
  );
  assert.match(
    added,
    /<failure message="no &quot;drift&quot; &lt;here&gt;"\/><\/testcase>\n<\/testsuite>\n<\/testsuites>\n$/,
  );
  // Without a document (the runner died), the suite stands alone.
  const alone = addSuite("", "drift", cases);
  assert.deepEqual(countTests(alone), { tests: 2, failures: 1, errors: 0, skipped: 0 });
  assert.match(alone, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>\n<testsuite name="drift"/);
  // A document with stray markup keeps its suites, the new one after them.
  const broken = '<testsuites><testsuite name="s"><testcase name="a" x=/></testsuite></testsuites>\n';
  assert.deepEqual(countTests(addSuite(broken, "drift", cases)), {
    tests: 3,
    failures: 1,
    errors: 0,
    skipped: 0,
  });
});

test("a case with a skipped reason is skipped, unless it also failed", () => {
  const cases = [
    { name: "ran", classname: "c", seconds: 0.5 },
    { name: "not run", classname: "c", seconds: 0, skipped: "an earlier step failed" },
    { name: "failed", classname: "c", seconds: 0, failure: "boom", skipped: "ignored" },
  ];
  const xml = addSuite("", "flow", cases);
  assert.deepEqual(countTests(xml), { tests: 3, failures: 1, errors: 0, skipped: 1 });
  assert.match(xml, /<testsuite name="flow" tests="3" failures="1" errors="0" skipped="1">/);
  assert.match(
    xml,
    /<testcase name="not run" classname="c" time="0.000"><skipped message="an earlier step failed"\/>/,
  );
  assert.ok(!xml.includes("ignored"), "a failure wins over a skip");
});
