import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_MESSAGES_PER_TEST, messagesFor, planMessages, testsFromPlaywrightJson } from "./budget.ts";

describe("messagesFor", () => {
  const rows = [
    { name: "untagged", test: { title: "a", tags: [] }, expect: 0 },
    { name: "@sends-sms", test: { title: "a", tags: ["@sends-sms"] }, expect: DEFAULT_MESSAGES_PER_TEST },
    {
      name: "annotation wins",
      test: { title: "a", tags: ["@sends-sms"], annotations: [{ type: "messages", description: "5" }] },
      expect: 5,
    },
    {
      name: "annotation without tag",
      test: { title: "a", tags: [], annotations: [{ type: "messages", description: " 1 " }] },
      expect: 1,
    },
    {
      name: "other annotations ignored",
      test: { title: "a", tags: [], annotations: [{ type: "issue", description: "x" }] },
      expect: 0,
    },
  ];
  for (const row of rows) test(row.name, () => assert.equal(messagesFor(row.test), row.expect));
  test("a malformed annotation is an error naming the test", () => {
    assert.throws(
      () =>
        messagesFor({ title: "enroll", tags: [], annotations: [{ type: "messages", description: "many" }] }),
      /test "enroll": annotation messages=many/,
    );
  });
});

describe("planMessages", () => {
  const tests = [
    { title: "list", tags: [] },
    { title: "enroll sms", tags: ["@sends-sms"] },
    { title: "lockout", tags: ["@sends-sms"], annotations: [{ type: "messages", description: "11" }] },
  ];
  const rows = [
    {
      name: "within budget",
      budget: 20,
      sink: true,
      planned: 13,
      ok: true,
      summary: /^13 of 20 messages planned .* by 2 tests$/,
    },
    { name: "exactly the budget", budget: 13, sink: true, planned: 13, ok: true, summary: /13 of 13/ },
    {
      name: "over budget",
      budget: 12,
      sink: true,
      planned: 13,
      ok: false,
      summary:
        /^refusing to start: .*13 messages, more than TENANT_SMS_BUDGET=12\..*Most expensive: lockout \(11\), enroll sms \(2\)$/,
    },
    {
      name: "zero budget refuses any sender",
      budget: 0,
      sink: true,
      planned: 13,
      ok: false,
      summary: /refusing/,
    },
    {
      name: "no sink: senders are skipped, nothing planned",
      budget: 0,
      sink: false,
      planned: 0,
      ok: true,
      summary: /no code sink configured \(SINK_URL\)/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const plan = planMessages(tests, row.budget, { sink: row.sink });
      assert.equal(plan.planned, row.planned);
      assert.equal(plan.ok, row.ok);
      assert.match(plan.summary, row.summary);
    });
  }
});

test("testsFromPlaywrightJson walks nested suites and keeps one project", () => {
  const report = {
    suites: [
      {
        title: "associate.spec.ts",
        specs: [
          {
            title: "lists nothing",
            tags: [],
            tests: [
              { projectName: "mock", annotations: [] },
              { projectName: "tenant", annotations: [] },
            ],
          },
        ],
        suites: [
          {
            title: "sms",
            specs: [
              {
                title: "enrolls",
                tags: ["sends-sms"],
                tests: [{ projectName: "tenant", annotations: [{ type: "messages", description: "1" }] }],
              },
            ],
          },
        ],
      },
    ],
  };
  assert.deepEqual(testsFromPlaywrightJson(report, "tenant"), [
    { title: "associate.spec.ts › lists nothing", tags: [], annotations: [] },
    {
      title: "associate.spec.ts › sms › enrolls",
      tags: ["@sends-sms"],
      annotations: [{ type: "messages", description: "1" }],
    },
  ]);
  assert.deepEqual(testsFromPlaywrightJson({}, "tenant"), []);
});
