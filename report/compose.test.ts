import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { readSecrets } from "../redaction/secrets.ts";
import { fmt } from "./charts.tsx";
import { CLIENTS_NOT_RUN } from "./components/clients.tsx";
import { composeReport, type ResultKind } from "./compose.ts";
import { stageFixtures } from "./fixtures.ts";

const root = mkdtempSync(path.join(tmpdir(), "compose-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh reports folder with the fixtures laid out. */
function staged(name: string, opts: { load?: boolean; clients?: boolean } = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  stageFixtures(dir, opts);
  return dir;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 10, minute));

test("composes the page, the merged JUnit and the history from the fixtures", () => {
  const dir = staged("full");
  const r = composeReport({
    reportsDir: dir,
    startedAt: at(0),
    now: at(3),
    target: "mock",
    commit: "abc123",
  });
  const html = readFileSync(r.indexPath, "utf8");
  assert.equal(r.ok, false, "a failed test and findings fail the run");
  for (const needle of [
    '<table class="matrix">',
    'id="cell-mock-challenge-headers"',
    'href="#cell-mock-challenge-headers"',
    "x-ratelimit-limit",
    "challenge-over-limit",
    "p95 threshold",
    "Knee at 800 req/s",
    'href="contracts/html/index.html"',
    "abc123",
  ]) {
    assert.ok(html.includes(needle), `page lacks ${needle}`);
  }
  assert.match(
    readFileSync(r.junitPath, "utf8"),
    /<testsuites name="auth0-mfa-harness" tests="16" failures="1"/,
  );
  assert.equal(JSON.parse(readFileSync(r.historyPath, "utf8")).length, 9);
});

test("the run facts: a job's start and duration, or when a page composed alone was composed; each result's time", () => {
  const dir = staged("facts");
  const facts = (html: string) =>
    html.slice(
      html.indexOf('<section id="run">'),
      html.indexOf("</section>", html.indexOf('<section id="run">')),
    );
  const job = facts(
    readFileSync(composeReport({ reportsDir: dir, startedAt: at(0), now: at(3) }).indexPath, "utf8"),
  );
  assert.match(job, /<dt>Started<\/dt><dd>2026-01-05 10:00:00 UTC<\/dd><dt>Duration<\/dt><dd>3 min/);
  // npm run report alone: no run of its own, so no start and no duration of 0 ms.
  const alone = facts(readFileSync(composeReport({ reportsDir: dir, now: at(9) }).indexPath, "utf8"));
  assert.match(alone, /<dt>Composed<\/dt><dd>2026-01-05 10:09:00 UTC<\/dd>/);
  assert.doesNotMatch(alone, /Started|Duration/);
  // Results of several runs side by side say when each was made (the fixtures: contracts and three load runs).
  assert.match(
    alone,
    /<dt>Results from<\/dt><dd>contracts 2026-11-27 18:49:47 UTC · load [a-z-]+ 2026-01-05 /,
  );
  assert.match(alone, /load ramp 2026-01-05 10:03:00 UTC/);
});

test("the load table, the card and the history show one volume: the main phase, or k6's totals marked", () => {
  const dir = staged("volume");
  const r = composeReport({ reportsDir: dir, startedAt: at(0), now: at(1) });
  const html = readFileSync(r.indexPath, "utf8");
  const over = r.model.load.results.find((l) => l.scenario === "challenge-over-limit");
  const under = r.model.load.results.find((l) => l.scenario === "challenge-under-limit");
  assert.ok(over?.main && !under?.main, "the fixtures: a series for challenge-over-limit only");
  const card = (scenario: string) => {
    const at = html.indexOf(`<article class="scenario" id="load-${scenario}">`);
    return html.slice(at, html.indexOf("</p>", at));
  };
  // With points: the main phase everywhere, k6's total beside it in the card.
  const main = over.main;
  const row = (scenario: string) => `${scenario}</a></th><td class="num">`;
  assert.match(
    card("challenge-over-limit"),
    new RegExp(`${fmt(main.requests)} requests in the main phase \\(${fmt(over.requests)} with setup`),
  );
  assert.ok(
    html.includes(
      `${row("challenge-over-limit")}${fmt(main.requests)}</td><td class="num">${fmt(main.rps)}</td>`,
    ),
  );
  // Without: k6's totals, marked in the table and said in the card.
  assert.ok(html.includes(`${row("challenge-under-limit")}${fmt(under?.requests ?? 0)}*</td>`));
  assert.match(card("challenge-under-limit"), /req\/s \(setup included\)/);
  const entry = (
    JSON.parse(readFileSync(r.historyPath, "utf8")) as Array<{
      time: string;
      load: Record<string, { rps: number }>;
    }>
  ).find((h) => h.time === at(0).toISOString());
  assert.equal(entry?.load["challenge-over-limit"]?.rps, over.main.rps);
  assert.equal(entry?.load["challenge-under-limit"]?.rps, under?.rps);
});

test("nothing from a finding or test can inject markup, and nothing secret shows", () => {
  const dir = staged("escaping");
  const results = path.join(dir, "contracts", "results.json");
  const pw = JSON.parse(readFileSync(results, "utf8"));
  pw.suites[0].specs[0].title = "associate <script>alert(2)</script> sms";
  writeFileSync(results, JSON.stringify(pw));
  const { indexPath, junitPath } = composeReport({ reportsDir: dir, now: at(1) });
  const html = readFileSync(indexPath, "utf8");
  const rows: Array<[string, string]> = [
    ["img from a finding", "<img src=x"],
    ["script from a finding", "<script>alert"],
    ["script from a test title", "<script>alert(2)"],
    ["markup from an error message", "<b>missing</b>"],
  ];
  for (const [name, raw] of rows) assert.ok(!html.includes(raw), `${name} is rendered raw`);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)>"), "the finding is shown escaped");
  assert.ok(
    html.includes("associate &lt;script>alert(2)&lt;/script> sms"),
    "the test title is shown escaped",
  );
  for (const secret of readSecrets({ dir })) {
    assert.ok(!html.includes(secret), `page holds a secret (${secret.length} chars)`);
    assert.ok(!readFileSync(junitPath, "utf8").includes(secret), "JUnit holds a secret");
  }
  assert.ok(html.includes("+•••••••0123"), "the phone number is masked, not dropped");
  assert.ok(!/<script|<link|<img|@import|url\(/i.test(html), "the page loads nothing and runs nothing");
});

test("a run without results reports nothing to report: a failing page, history.json untouched", () => {
  // Rows: what the folder holds besides no results. None of them is a result, so none may pass.
  const rows: Array<{ name: string; lay: (dir: string) => void; loadSkipped?: string }> = [
    { name: "an empty folder", lay: () => {} },
    { name: "k6 skipped", lay: () => {}, loadSkipped: "k6 is not installed: install it" },
    {
      name: "only an old history and unit tests",
      lay: (dir) => {
        stageFixtures(dir, { load: false });
        rmSync(path.join(dir, "contracts"), { recursive: true });
      },
    },
  ];
  for (const row of rows) {
    const dir = path.join(root, `empty-${row.name.replace(/\W+/g, "-")}`);
    mkdirSync(dir, { recursive: true });
    row.lay(dir);
    const historyFile = path.join(dir, "history.json");
    const before = existsSync(historyFile) ? readFileSync(historyFile, "utf8") : undefined;
    const r = composeReport({
      reportsDir: dir,
      now: at(2),
      ...(row.loadSkipped ? { loadSkipped: row.loadSkipped } : {}),
    });
    assert.equal(r.ok, false, row.name);
    assert.match(r.nothing ?? "", /no contract, load, tenant or client results/, row.name);
    const html = readFileSync(r.indexPath, "utf8");
    assert.match(html, /FAILED/, row.name);
    assert.ok(!html.includes("PASSED"), `${row.name}: no PASSED badge`);
    assert.match(html, /nothing to report/, row.name);
    assert.match(html, /The contract suites did not run/, row.name);
    assert.ok(!html.includes("every response the suites received matched"), `${row.name}: no "no findings"`);
    if (row.loadSkipped) assert.ok(html.includes(row.loadSkipped), row.name);
    const after = existsSync(historyFile) ? readFileSync(historyFile, "utf8") : undefined;
    assert.equal(after, before, `${row.name}: history.json as it was`);
  }
});

test("a stage that crashed before writing its results fails the run and is named on the page", () => {
  // Rows: how a crash looks in the folder, and the stage the page must show as failed.
  const rows: Array<{ name: string; lay: (dir: string) => void; expected?: ResultKind[]; stage: string }> = [
    {
      name: "contracts folder without results.json",
      lay: (dir) => rmSync(path.join(dir, "contracts", "results.json")),
      stage: "contract suites",
    },
    {
      name: "a load scenario folder without summary.json",
      lay: (dir) => mkdirSync(path.join(dir, "load", "ramp"), { recursive: true }),
      stage: "load ramp",
    },
    {
      name: "load expected, none written",
      lay: (dir) => rmSync(path.join(dir, "load"), { recursive: true }),
      expected: ["load"],
      stage: "load",
    },
    { name: "drift expected, none written", lay: () => {}, expected: ["drift"], stage: "tenant drift" },
  ];
  for (const row of rows) {
    const dir = staged(`crashed-${row.name.replace(/\W+/g, "-")}`);
    // A passing run but for the crash: the fixtures' failing test and findings removed.
    writeFileSync(path.join(dir, "contracts", "findings.json"), "[]");
    const results = path.join(dir, "contracts", "results.json");
    const pw = JSON.parse(readFileSync(results, "utf8"));
    writeFileSync(results, JSON.stringify({ ...pw, suites: [] }));
    for (const f of ["junit/unit.xml", "contracts/junit.xml"]) rmSync(path.join(dir, f));
    for (const scenario of readdirSync(path.join(dir, "load")))
      rmSync(path.join(dir, "load", scenario), { recursive: true });
    writeFileSync(
      path.join(dir, "drift.json"),
      JSON.stringify({ version: 1, description: [], versusMock: [] }),
    );
    if (row.stage === "tenant drift") rmSync(path.join(dir, "drift.json"));
    assert.equal(composeReport({ reportsDir: dir, now: at(1) }).ok, true, `${row.name}: passes before it`);
    row.lay(dir);
    const r = composeReport({
      reportsDir: dir,
      now: at(2),
      ...(row.expected ? { expected: row.expected } : {}),
    });
    assert.equal(r.ok, false, row.name);
    const failed = r.model.stages.filter((s) => s.status === "failed").map((s) => s.name);
    assert.ok(failed.includes(row.stage), `${row.name}: failed stages ${failed.join(", ")}`);
    assert.match(readFileSync(r.indexPath, "utf8"), /FAILED/, row.name);
  }
});

test("the drift section warns when the mock baseline is stale, and only then", () => {
  const rows: Array<{ name: string; baseline?: object; warns: RegExp | undefined }> = [
    {
      name: "current",
      baseline: { recordedAt: "2026-01-05T09:00:00.000Z", current: true },
      warns: undefined,
    },
    { name: "no-baseline", warns: undefined },
    {
      name: "stale",
      baseline: { recordedAt: "2026-01-05T09:00:00.000Z", current: false },
      warns: /recorded 2026-01-05T09:00:00.000Z/,
    },
    { name: "unknown", baseline: { current: false }, warns: /of unknown provenance/ },
  ];
  for (const row of rows) {
    const dir = path.join(root, `drift-${row.name}`);
    mkdirSync(dir, { recursive: true });
    const inputs = {
      findings: true,
      tenantObservations: 1,
      mockObservations: 1,
      ...(row.baseline ? { mockBaseline: row.baseline } : {}),
    };
    writeFileSync(
      path.join(dir, "drift.json"),
      JSON.stringify({ version: 1, inputs, description: [], versusMock: [] }),
    );
    const html = readFileSync(composeReport({ reportsDir: dir, now: at(2) }).indexPath, "utf8");
    assert.match(html, /id="drift"/, row.name);
    const warning = /another version of the mock[^<]*/.exec(html);
    if (row.warns) assert.match(html, row.warns, row.name);
    assert.equal(warning !== null, row.warns !== undefined, row.name);
  }
});

test("loadSkipped hides stale load results", () => {
  const dir = staged("skipped");
  const html = readFileSync(
    composeReport({ reportsDir: dir, now: at(2), loadSkipped: "k6 missing" }).indexPath,
    "utf8",
  );
  assert.ok(!html.includes('id="load-challenge-over-limit"'), "no scenario card");
  assert.match(html, /k6 missing/);
});

test("composing twice in one run keeps one history entry; the history stays bounded", () => {
  const dir = staged("history", { load: false });
  const first = composeReport({
    reportsDir: dir,
    runId: "run-1",
    startedAt: at(5),
    now: at(6),
    historyLimit: 5,
  });
  const again = composeReport({
    reportsDir: dir,
    runId: "run-1",
    startedAt: at(5),
    now: at(7),
    historyLimit: 5,
  });
  assert.equal(first.model.history.length, 5);
  assert.deepEqual(
    again.model.history.map((h) => h.id),
    first.model.history.map((h) => h.id),
  );
  assert.equal(again.model.history.at(-1)?.id, "run-1");
});

test("a malformed input is treated as missing", () => {
  const dir = staged("malformed", { load: false });
  writeFileSync(path.join(dir, "contracts", "results.json"), "{ not json");
  writeFileSync(path.join(dir, "history.json"), '"nope"');
  const r = composeReport({ reportsDir: dir, now: at(8) });
  assert.equal(r.model.contracts.available, false);
  // Nothing else to report: no entry is added, and the malformed history file stays as it was.
  assert.ok(r.nothing);
  assert.equal(r.model.history.length, 0);
  assert.equal(readFileSync(path.join(dir, "history.json"), "utf8"), '"nope"');
  assert.ok(r.model.stages.some((s) => s.name === "contract suites" && s.status === "failed"));
});

test("a test without its matrix cell fails the run, and the page says which", () => {
  const dir = staged("untagged", { load: false });
  const results = path.join(dir, "contracts", "results.json");
  const pw = JSON.parse(readFileSync(results, "utf8"));
  const spec = pw.suites[0].specs[0];
  spec.tags = [];
  for (const t of spec.tests) t.tags = [];
  spec.title = "a renamed test with no cell";
  writeFileSync(results, JSON.stringify(pw));
  const r = composeReport({ reportsDir: dir, now: at(1) });
  assert.equal(r.ok, false);
  assert.equal(r.matrixProblems.length, 2, r.matrixProblems.join("\n")); // no @op:, no @check:
  assert.match(r.matrixProblems[0] ?? "", /a renamed test with no cell/);
  assert.match(readFileSync(r.indexPath, "utf8"), /conformance matrix/);
});

/** Rewrites every flow under clients/ as one skipped here (no Chromium): every step not run. */
function skipAllFlows(dir: string): void {
  const folder = path.join(dir, "clients");
  for (const name of readdirSync(folder)) {
    const file = path.join(folder, name);
    const flow = JSON.parse(readFileSync(file, "utf8")) as { steps: Array<Record<string, unknown>> };
    const steps = flow.steps.map((s) => ({ name: s.name, outcome: "not run", durationMs: 0 }));
    writeFileSync(
      file,
      JSON.stringify({ ...flow, skipped: "no Chromium (apt-get install -y chromium)", steps }),
    );
  }
}

/** The Clients section of a page (up to the next section). */
function clientsSection(html: string): string {
  const start = html.indexOf('<section id="clients">');
  assert.ok(start >= 0, "the page has a Clients section");
  return html.slice(start, html.indexOf("</section>", start));
}

test("the Clients section and its JUnit: one row per SDK flow, the step that failed, never passed on nothing", () => {
  const flows = (dir: string) => path.join(dir, "clients");
  // Rows: what clients/ holds, what the section shows, the clients' JUnit totals, and the verdict's part.
  const rows: Array<{
    name: string;
    lay: (dir: string) => void;
    opts?: { junitSources?: string[]; expected?: ResultKind[] };
    shows: Array<string | RegExp>;
    hides?: Array<string | RegExp>;
    junit?: RegExp;
    failedStage?: string;
    stageNote?: RegExp;
    fails: boolean;
  }> = [
    {
      name: "all passed",
      lay: (dir) => rmSync(path.join(flows(dir), "auth0-react.json")),
      shows: [
        "@auth0/auth0-spa-js",
        "2.28.3",
        "Chromium 140.0.7339.80",
        "TLS (local CA)",
        /3 \/ 3/,
        "passed",
      ],
      hides: ["did not finish", "flows failed"],
      junit:
        /<testsuite name="clients › @auth0\/auth0-spa-js 2.28.3 · auth0-spa-js \(Chromium 140.0.7339.80\)" tests="3" failures="0" errors="0" skipped="0"/,
      fails: false,
    },
    {
      name: "one failed, later steps not run",
      lay: () => {},
      shows: [
        "@auth0/auth0-react",
        /2 \/ 4/,
        "SMS: a wrong code is the SDK's error",
        "AssertionError: expected 'Invalid binding_code.' &lt;got>",
        "1 of 2 flows failed",
      ],
      hides: ["<got>"],
      junit: /tests="4" failures="1" errors="0" skipped="1"/,
      fails: true,
    },
    {
      name: "absent files",
      lay: (dir) => rmSync(flows(dir), { recursive: true }),
      shows: ["not run", CLIENTS_NOT_RUN, "npm run test:unit -- clients"],
      hides: [/badge pass/],
      fails: false,
    },
    {
      name: "absent files, but expected",
      lay: (dir) => rmSync(flows(dir), { recursive: true }),
      opts: { expected: ["clients"] },
      shows: ["not run"],
      failedStage: "client flows",
      fails: true,
    },
    {
      name: "only skipped flows: shown as skipped, no result",
      lay: skipAllFlows,
      shows: ["skipped", "no Chromium (apt-get install -y chromium)", /0 \/ 3/],
      hides: [/badge pass/, "flows failed"],
      junit: /tests="3" failures="0" errors="0" skipped="3"/,
      fails: false,
    },
    {
      name: "only skipped flows, but expected: the clients stage failed, saying why",
      lay: skipAllFlows,
      opts: { expected: ["clients"] },
      shows: ["skipped"],
      junit: /tests="3" failures="0" errors="0" skipped="3"/,
      failedStage: "client flows",
      stageNote:
        /^no SDK flow ran, every one was skipped \(auth0-react: no Chromium .*; auth0-spa-js: no Chromium/,
      fails: true,
    },
    {
      name: "a malformed file",
      lay: (dir) => writeFileSync(path.join(flows(dir), "auth0-react.json"), "{ half a file"),
      shows: [
        "clients/auth0-react.json",
        "unreadable",
        /not JSON \(/,
        "1 file under clients/ could not be read as a flow.",
      ],
      hides: ["flows failed"],
      junit:
        /<testcase name="read clients\/auth0-react.json" classname="clients.auth0-react" time="0.000"><failure message="not JSON/,
      fails: true,
    },
    {
      name: "a failed flow and a file that is not one: the notice says both",
      lay: (dir) => writeFileSync(path.join(flows(dir), "broken.json"), "[]"),
      shows: [
        "1 of 2 flows failed: an SDK step failed against the mock, or was not reached; 1 file under clients/ could not be read as a flow.",
      ],
      junit: /<testcase name="read clients\/broken.json"/,
      fails: true,
    },
    {
      name: "a run without the clients among its sources (npm start) shows none of an earlier run's",
      lay: () => {},
      opts: { junitSources: ["contracts", "load"] },
      shows: ["Not part of this run"],
      hides: ["@auth0/auth0-react"],
      fails: false,
    },
  ];
  for (const row of rows) {
    const dir = staged(`clients-${row.name.replace(/\W+/g, "-")}`, { clients: true, load: false });
    // Passing but for the clients: the fixtures' failing test, findings and unit JUnit removed.
    writeFileSync(path.join(dir, "contracts", "findings.json"), "[]");
    const results = path.join(dir, "contracts", "results.json");
    writeFileSync(results, JSON.stringify({ ...JSON.parse(readFileSync(results, "utf8")), suites: [] }));
    for (const f of ["junit/unit.xml", "contracts/junit.xml"]) rmSync(path.join(dir, f));
    row.lay(dir);
    const r = composeReport({ reportsDir: dir, now: at(4), ...row.opts });
    const html = readFileSync(r.indexPath, "utf8");
    const section = clientsSection(html);
    for (const needle of row.shows)
      if (typeof needle === "string") assert.ok(section.includes(needle), `${row.name}: lacks ${needle}`);
      else assert.match(section, needle, row.name);
    for (const needle of row.hides ?? [])
      if (typeof needle === "string") assert.ok(!section.includes(needle), `${row.name}: shows ${needle}`);
      else assert.doesNotMatch(section, needle, row.name);
    const junit = readFileSync(r.junitPath, "utf8");
    if (row.junit) assert.match(junit, row.junit, row.name);
    else assert.ok(!junit.includes("clients ›"), `${row.name}: no clients suite`);
    if (row.failedStage) {
      const stage = r.model.stages.find((s) => s.name === row.failedStage && s.status === "failed");
      assert.ok(stage, `${row.name}: stage ${row.failedStage}`);
      if (row.stageNote) assert.match(stage.note ?? "", row.stageNote, row.name);
    }
    assert.equal(r.ok, !row.fails, row.name);
    assert.match(html, row.fails ? /FAILED/ : /PASSED/, row.name);
  }
});

test("the summary card and the history entry count the SDK flows", () => {
  const card = (html: string) =>
    /<div class="label">Auth0 SDK flows<\/div><div class="value">([^<]*)<\/div><div class="sub">([^<]*)<\/div>/
      .exec(html)
      ?.slice(1);
  const entryAt = (file: string, time: Date) =>
    (JSON.parse(readFileSync(file, "utf8")) as Array<{ time: string; clients?: unknown }>).find(
      (h) => h.time === time.toISOString(),
    );
  // Rows: what clients/ holds, the card's figure and small print, the history entry's tally.
  const rows: Array<{
    name: string;
    clients: boolean;
    lay?: (dir: string) => void;
    junitSources?: string[];
    card: [string, string];
    tally: object | undefined;
  }> = [
    {
      // The fixtures: auth0-spa-js passed, auth0-react failed at its third step.
      name: "one passed, one failed",
      clients: true,
      card: ["1 passed", "1 failed · 0 skipped"],
      tally: { passed: 1, failed: 1, skipped: 0, unreadable: 0 },
    },
    {
      name: "a file that is no flow is counted apart, as the Clients section does",
      clients: true,
      lay: (dir) => writeFileSync(path.join(dir, "clients", "broken.json"), "not JSON"),
      card: ["1 passed", "1 failed · 0 skipped · 1 unreadable"],
      tally: { passed: 1, failed: 1, skipped: 0, unreadable: 1 },
    },
    {
      name: "no flows, the unit tests not part of the run (npm start)",
      clients: false,
      junitSources: ["contracts"],
      card: ["not run", "not part of this run"],
      tally: undefined,
    },
    {
      name: "no flows, the unit tests part of the run",
      clients: false,
      card: ["not run", "no reports/clients/*.json"],
      tally: undefined,
    },
  ];
  for (const [i, row] of rows.entries()) {
    const dir = staged(`clients-card-${i}`, { clients: row.clients, load: false });
    row.lay?.(dir);
    const r = composeReport({
      reportsDir: dir,
      startedAt: at(6),
      now: at(7),
      ...(row.junitSources ? { junitSources: row.junitSources } : {}),
    });
    assert.deepEqual(card(readFileSync(r.indexPath, "utf8")), row.card, row.name);
    const entry = entryAt(r.historyPath, at(6));
    assert.deepEqual(entry?.clients, row.tally, row.name);
  }
});

test("client flows alone are results: the report is composed, not nothing to report", () => {
  const dir = path.join(root, "clients-only");
  mkdirSync(dir, { recursive: true });
  stageFixtures(dir, { clients: true, load: false });
  for (const f of ["contracts", "junit"]) rmSync(path.join(dir, f), { recursive: true });
  rmSync(path.join(dir, "clients", "auth0-react.json"));
  const r = composeReport({ reportsDir: dir, now: at(5) });
  assert.equal(r.nothing, undefined);
  assert.equal(r.ok, true);
  assert.ok(
    r.model.links.some((l) => l.href === "clients/auth0-spa-js.json"),
    "a link to the flow's file",
  );
});

test("skipped flows alone are no results: nothing to report, the message says they were skipped", () => {
  const dir = path.join(root, "clients-skipped-only");
  mkdirSync(dir, { recursive: true });
  stageFixtures(dir, { clients: true, load: false });
  for (const f of ["contracts", "junit"]) rmSync(path.join(dir, f), { recursive: true });
  skipAllFlows(dir);
  const history = readFileSync(path.join(dir, "history.json"), "utf8");
  const r = composeReport({ reportsDir: dir, now: at(6) });
  assert.equal(r.ok, false, "a report never passes on nothing");
  assert.match(r.nothing ?? "", /of the SDK flows there, every one was skipped \(auth0-react: no Chromium/);
  assert.equal(readFileSync(r.historyPath, "utf8"), history, "no history point for a run that ran nothing");
});
