import assert from "node:assert/strict";
import { test } from "node:test";
import { countJUnit } from "./test.ts";

const cases: Array<{ name: string; xml: string; expected: ReturnType<typeof countJUnit> }> = [
  { name: "no file", xml: "", expected: { passed: 0, failed: 0, skipped: 0 } },
  {
    name: "self-closing passes",
    xml: '<testsuite><testcase name="a"/><testcase name="b" time="1"/></testsuite>',
    expected: { passed: 2, failed: 0, skipped: 0 },
  },
  {
    name: "failure, error, skipped and pass",
    xml: `<testsuite>
      <testcase name="f"><failure message="x">boom</failure></testcase>
      <testcase name="e"><error message="y"/></testcase>
      <testcase name="s"><skipped message="no k6"/></testcase>
      <testcase name="p"><system-out>ok</system-out></testcase>
    </testsuite>`,
    expected: { passed: 1, failed: 2, skipped: 1 },
  },
  {
    name: "nested suites",
    xml: '<testsuites><testsuite><testsuite><testcase name="a"></testcase></testsuite></testsuite></testsuites>',
    expected: { passed: 1, failed: 0, skipped: 0 },
  },
];

for (const c of cases) {
  test(`countJUnit: ${c.name}`, () => assert.deepEqual(countJUnit(c.xml), c.expected));
}
