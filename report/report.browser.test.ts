/**
 * Opens a report composed from the fixtures in headless Chromium and checks that it renders
 * without console errors or network requests, with the matrix and the load section visible;
 * saves `report.png` beside the page. Skips, naming what is missing, when there is no Chromium.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { skipWithoutChromium } from "../cli/chromium.ts";
import { checkReportInBrowser } from "./browser.ts";
import { composeReport } from "./compose.ts";
import { stageFixtures } from "./fixtures.ts";

const skip = skipWithoutChromium();

const dir = mkdtempSync(path.join(tmpdir(), "report-browser-"));
after(() => {
  // KEEP_REPORT=1 keeps the page and its screenshot to look at.
  if (process.env.KEEP_REPORT) console.log(`report kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

test("the report renders in Chromium with the matrix, load and clients sections visible", {
  skip,
}, async () => {
  stageFixtures(dir, { clients: true });
  const { indexPath } = composeReport({
    reportsDir: dir,
    startedAt: new Date("2026-01-05T10:00:00Z"),
    now: new Date("2026-01-05T10:03:12Z"),
    target: "mock",
    baseURL: "http://127.0.0.1:4010",
    commit: "0123abcd4567",
    versions: [
      ["Node.js", process.version],
      ["Playwright", "1.x"],
      ["k6", "v0.52.0"],
    ],
    stages: [
      { name: "generated code is current", status: "passed", durationMs: 2100 },
      { name: "contract suites", status: "failed", durationMs: 41000, note: "1 failed" },
      { name: "load", status: "passed", durationMs: 62000 },
    ],
  });
  const screenshot = path.join(dir, "report.png");
  const check = await checkReportInBrowser(indexPath, screenshot);
  assert.deepEqual(check.problems, []);
  assert.match(check.page.title, /failed/);
  // Injection from a finding renders as text, never as markup.
  assert.match(check.page.findingsText, /<img src=x onerror=alert\(1\)>/);
  assert.ok(check.page.firstFailedCellHref?.startsWith("#cell-"), "a failed cell links to its details");
  assert.equal(check.page.hrefTargets, 1);
  assert.ok(existsSync(screenshot));
  // The over-limit scenario's time series (fixtures/load/challenge-over-limit/series.json) are drawn.
  const html = readFileSync(indexPath, "utf8");
  for (const title of [
    "requests per second",
    "latency per second",
    "admitted requests against the token-bucket envelope, per second",
  ])
    assert.ok(html.includes(`challenge-over-limit: ${title}`), title);
  // The clients fixtures: one row per SDK flow, the failed one naming its step.
  assert.match(html, /<table class="clients">/);
  assert.ok(html.includes("SMS: a wrong code is the SDK's error"), "the step that failed");
});
