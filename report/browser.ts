/**
 * Opens a report page in headless Chromium (Debian's `chromium` through Playwright's
 * `executablePath`; no browser download) and says what a person would notice: console errors,
 * requests to anywhere, a missing matrix, load, findings or clients section. Takes a full-page screenshot.
 */
import { pathToFileURL } from "node:url";
import { chromium } from "@playwright/test";
import { findChromium, QUIET_CHROMIUM_ARGS } from "../cli/chromium.ts";

export interface BrowserCheck {
  /** Everything wrong with the page; empty when it is fine. */
  problems: string[];
  /** Read from the rendered page, for tests to assert on. */
  page: {
    title: string;
    findingsText: string;
    injectedElements: number;
    firstFailedCellHref?: string;
    hrefTargets: number;
  };
}

/** Renders a report file, checks it and saves a full-page screenshot to `screenshotPath`. */
export async function checkReportInBrowser(
  indexPath: string,
  screenshotPath: string,
  executablePath = findChromium(),
): Promise<BrowserCheck> {
  if (!executablePath)
    throw new Error("no Chromium found (set CHROMIUM_PATH or apt-get install -y chromium)");
  const browser = await chromium.launch({ executablePath, args: [...QUIET_CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(indexPath).href);
    for (const [what, selector] of [
      ["the conformance section", "#matrix h2"],
      ["the load section", "#load h2"],
      ["the findings section", "#findings h2"],
      ["the clients section", "#clients h2"],
    ] as const) {
      if (!(await page.locator(selector).first().isVisible())) problems.push(`${what} is not visible`);
    }
    const href =
      (await page
        .locator("td.cell.fail a")
        .first()
        .getAttribute("href", { timeout: 1000 })
        .catch(() => null)) ?? undefined;
    const result: BrowserCheck = {
      problems,
      page: {
        title: await page.title(),
        findingsText: (await page.locator("#findings").textContent()) ?? "",
        injectedElements: await page.locator("main script, main img, main iframe").count(),
        ...(href ? { firstFailedCellHref: href } : {}),
        hrefTargets: href ? await page.locator(href).count() : 0,
      },
    };
    if (result.page.injectedElements > 0) problems.push("the page holds script, img or iframe elements");
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return result;
  } finally {
    await browser.close();
  }
}
