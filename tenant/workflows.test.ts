import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { checkWorkflow, documentedSecrets, referencedSecrets } from "./workflow-check.ts";

const root = new URL("../", import.meta.url);
const workflowsDir = new URL(".github/workflows/", root);
const documented = documentedSecrets(readFileSync(new URL("tenant/README.md", root), "utf8"));

describe("the repository's workflows pass the check", () => {
  const files = readdirSync(workflowsDir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  test("both workflows are there", () => {
    assert.deepEqual(files.sort(), ["nightly-conformance.yml", "pre-release-load.yml"]);
  });
  for (const file of files) {
    test(file, () => {
      const text = readFileSync(new URL(file, workflowsDir), "utf8");
      assert.deepEqual(checkWorkflow(file, text, documented), []);
    });
  }
  test("the nightly run uses the tenant's secrets, all documented", () => {
    const text = readFileSync(new URL("nightly-conformance.yml", workflowsDir), "utf8");
    const secrets = referencedSecrets(text);
    for (const s of ["AUTH0_DOMAIN", "AUTH0_CLIENT_SECRET", "AUTH0_MGMT_CLIENT_SECRET", "SINK_SECRET"])
      assert.ok(secrets.includes(s), s);
  });
});

const valid = `
name: x
on:
  schedule:
    - cron: "17 3 * * *"
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache/restore@v4
        with:
          path: reports/history.json
          key: history-\${{ github.workflow }}-\${{ github.run_id }}-\${{ github.run_attempt }}
          restore-keys: history-\${{ github.workflow }}-
      - run: npm run test:tenant
        env:
          S: \${{ secrets.AUTH0_DOMAIN }}
      - run: npm run report
        if: always()
      - uses: actions/cache/save@v4
        if: always()
        with:
          path: reports/history.json
          key: history-\${{ github.workflow }}-\${{ github.run_id }}-\${{ github.run_attempt }}
      - uses: actions/upload-artifact@v4
        if: always()
        with: { name: r, path: reports/ }
      - uses: dorny/test-reporter@v1
        with: { name: t, path: junit.xml, reporter: java-junit }
`;

const restoreStep = valid.slice(
  valid.indexOf("      - uses: actions/cache/restore@v4"),
  valid.indexOf("      - run: npm run test:tenant"),
);
const saveStep = valid.slice(
  valid.indexOf("      - uses: actions/cache/save@v4"),
  valid.indexOf("      - uses: actions/upload-artifact@v4"),
);

/** How the report's history can fail to survive a run, each with the problem the check names. */
const historyRows: { name: string; text: string; problem: RegExp }[] = [
  {
    name: "no history restored",
    text: valid.replace(restoreStep, ""),
    problem: /must restore reports\/history\.json/,
  },
  {
    name: "no history saved",
    text: valid.replace(saveStep, ""),
    problem: /must save reports\/history\.json/,
  },
  {
    name: "history restored after the run",
    text: valid.replace(restoreStep, "").replace(saveStep, `${restoreStep}${saveStep}`),
    problem: /restore reports\/history\.json before the run step/,
  },
  {
    name: "history saved before the report",
    text: valid
      .replace(saveStep, "")
      .replace("      - run: npm run test:tenant", `${saveStep}      - run: npm run test:tenant`),
    problem: /save reports\/history\.json after the run and the report/,
  },
  {
    name: "history saved only when the run passed",
    text: valid.replace(saveStep, saveStep.replace("        if: always()\n", "")),
    problem: /with if: always\(\)/,
  },
  {
    name: "the whole reports folder cached",
    text: valid.replace(
      saveStep,
      saveStep.replace(
        "path: reports/history.json",
        "path: |\n            reports/history.json\n            reports/",
      ),
    ),
    problem: /cache reports\/history\.json alone/,
  },
  {
    name: "a fixed key (a cache entry is never overwritten)",
    text: valid.replace(/-\$\{\{ github\.run_id \}\}/g, ""),
    problem: /must roll with \$\{\{ github\.run_id \}\}/,
  },
  {
    name: "different keys to restore and save",
    text: valid.replace(saveStep, saveStep.replace("history-", "hist-")),
    problem: /under the same key/,
  },
  {
    name: "no restore-keys prefix",
    text: valid.replace(/ {10}restore-keys: .*\n/, ""),
    problem: /restore-keys must hold a prefix/,
  },
];

describe("checkWorkflow finds", () => {
  const rows: { name: string; file?: string; text: string; problem: RegExp }[] = [
    { name: "YAML that does not parse", text: "name: [", problem: /not YAML/ },
    {
      name: "a job without runs-on",
      text: valid.replace("    runs-on: ubuntu-latest\n", ""),
      problem: /\/jobs\/a must have required property 'runs-on'/,
    },
    {
      name: "a job without a timeout",
      text: valid.replace("    timeout-minutes: 5\n", ""),
      problem: /timeout-minutes/,
    },
    {
      name: "a step with neither uses nor run",
      text: valid.replace("      - uses: actions/checkout@v4", "      - name: nothing"),
      problem: /\/jobs\/a\/steps\/0 must match exactly one schema/,
    },
    {
      name: "a step with both",
      text: valid.replace(
        "      - uses: actions/checkout@v4",
        "      - uses: actions/checkout@v4\n        run: ls",
      ),
      problem: /steps\/0 must match exactly one schema/,
    },
    {
      name: "an unpinned action",
      text: valid.replace("actions/checkout@v4", "actions/checkout"),
      problem: /steps\/0\/uses must match pattern/,
    },
    {
      name: "a misspelt key",
      text: valid.replace("runs-on:", "runs_on:"),
      problem: /must NOT have additional properties/,
    },
    {
      name: "no permissions block",
      text: valid.replace("permissions:\n  contents: read\n", ""),
      problem: /must have required property 'permissions'/,
    },
    {
      name: "an undocumented secret",
      text: valid.replace("secrets.AUTH0_DOMAIN", "secrets.MY_TOKEN"),
      problem: /secret MY_TOKEN is used but not documented/,
    },
    {
      name: "an input pasted into a script",
      text: valid.replace(
        "      - run: npm run test:tenant",
        `      - run: npm run test:tenant -- --grep \${{ inputs.grep }}`,
      ),
      problem: /run pastes/,
    },
    {
      name: "an upload that skips failed runs",
      text: valid.replace("upload-artifact@v4\n        if: always()\n", "upload-artifact@v4\n"),
      problem: /upload the report with if: always\(\)/,
    },
    {
      name: "a nightly without a schedule",
      text: valid.replace(/on:\n {2}schedule:\n {4}- cron: "17 3 \* \* \*"\n/, "on: workflow_dispatch\n"),
      problem: /needs on.schedule/,
    },
    {
      name: "a malformed cron",
      text: valid.replace("17 3 * * *", "every night"),
      problem: /is not five cron fields/,
    },
    {
      name: "a nightly without a test summary",
      text: valid.replace("dorny/test-reporter@v1", "actions/cache@v4"),
      problem: /needs a JUnit test summary/,
    },
    {
      name: "a load run on a schedule",
      file: "pre-release-load.yml",
      text: valid,
      problem: /must run on workflow_dispatch only/,
    },
    { name: "a load run without k6", file: "pre-release-load.yml", text: valid, problem: /must install k6/ },
    {
      name: "a load run without Auth0's approval",
      file: "pre-release-load.yml",
      text: valid,
      problem: /must pass LOAD_AUTH0_APPROVAL/,
    },
    ...historyRows,
  ];
  for (const row of rows) {
    test(row.name, () => {
      const problems = checkWorkflow(row.file ?? "nightly-conformance.yml", row.text, ["AUTH0_DOMAIN"]);
      assert.ok(
        problems.some((p) => row.problem.test(p)),
        `expected ${row.problem} in:\n${problems.join("\n")}`,
      );
    });
  }
  test("nothing in the valid example", () =>
    assert.deepEqual(checkWorkflow("nightly-conformance.yml", valid, ["AUTH0_DOMAIN"]), []));
});

test("documentedSecrets reads backticked names from table rows only", () => {
  assert.deepEqual(documentedSecrets("`NOT_IN_TABLE`\n| `A_B` | x `CC` |\n| `SINK_URL` |"), [
    "A_B",
    "CC",
    "SINK_URL",
  ]);
});
