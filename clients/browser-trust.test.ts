/**
 * The package's browser trust in Debian's Chromium: `chromiumTrustArgs(mock.spkiHashes)` makes
 * Chromium accept the mock's certificate, and only it. Another mock's certificate (another local
 * CA), or no argument at all, is still a certificate error. Skipped, with the reason, without Chromium.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "@playwright/test";
import { findChromium, QUIET_CHROMIUM_ARGS, skipWithoutChromium } from "../cli/chromium.ts";
import { chromiumTrustArgs, type RunningMock, startMock } from "../mock/start.ts";

describe("chromiumTrustArgs in Chromium: the mock's certificate is trusted, no other", {
  skip: skipWithoutChromium(),
}, () => {
  const ourCa = mkdtempSync(path.join(tmpdir(), "browser-trust-ca-"));
  const theirCa = mkdtempSync(path.join(tmpdir(), "browser-trust-ca-"));
  let ours: RunningMock;
  let theirs: RunningMock;
  const browsers: Browser[] = [];

  before(async () => {
    // Two local CAs: theirs stands for any server Chromium was not told to trust.
    const start = (dir: string) => startMock({ tls: { dir }, signingThreads: 0 });
    [ours, theirs] = await Promise.all([start(ourCa), start(theirCa)]);
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await Promise.all([ours?.close(), theirs?.close()]);
    for (const dir of [ourCa, theirCa]) rmSync(dir, { recursive: true, force: true });
  });

  /** What Chromium makes of the mock's discovery document: its issuer, or the navigation error. */
  async function visit(args: string[], mock: RunningMock): Promise<string> {
    const browser = await chromium.launch({
      executablePath: findChromium(),
      args: [...QUIET_CHROMIUM_ARGS, ...args],
    });
    browsers.push(browser);
    const page = await browser.newPage();
    try {
      const answer = await page.goto(`${mock.url}/.well-known/openid-configuration`);
      assert.ok(answer, "a navigation answers a response");
      return `issuer ${((await answer.json()) as { issuer?: string }).issuer}`;
    } catch (e) {
      return /net::(ERR_\w+)/.exec((e as Error).message)?.[1] ?? (e as Error).message;
    } finally {
      await browser.close();
    }
  }

  const rows: Array<[name: string, args: () => string[], target: () => RunningMock, expected: () => string]> =
    [
      [
        "its own hashes: the mock answers",
        () => chromiumTrustArgs(ours.spkiHashes),
        () => ours,
        () => `issuer ${ours.issuer}`,
      ],
      ["no argument: refused", () => [], () => ours, () => "ERR_CERT_AUTHORITY_INVALID"],
      [
        "another mock's hashes: refused",
        () => chromiumTrustArgs(theirs.spkiHashes),
        () => ours,
        () => "ERR_CERT_AUTHORITY_INVALID",
      ],
      [
        "the CA's hash alone: refused (the mock sends its certificate without the CA)",
        () => chromiumTrustArgs(ours.spkiHashes.slice(1)),
        () => ours,
        () => "ERR_CERT_AUTHORITY_INVALID",
      ],
      [
        "its own hashes, another server: refused",
        () => chromiumTrustArgs(ours.spkiHashes),
        () => theirs,
        () => "ERR_CERT_AUTHORITY_INVALID",
      ],
    ];
  for (const [name, args, target, expected] of rows) {
    it(name, async () => {
      assert.equal(await visit(args(), target()), expected());
    });
  }
});
