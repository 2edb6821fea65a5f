/**
 * The machine's Chromium, for everything that opens a real browser (the report's check, the browser
 * SDK flows, the package's SPA example): `$CHROMIUM_PATH`, else Debian's. Playwright may not download
 * its own browsers here, so the tests drive this one through `executablePath`.
 */
import { existsSync } from "node:fs";

/** The Chromium binary: `$CHROMIUM_PATH`, else Debian's; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string =>
    Boolean(p && existsSync(p)),
  );
}

/** Why a browser test is skipped here; false when Chromium is installed. */
export function skipWithoutChromium(env: NodeJS.ProcessEnv = process.env): string | false {
  return findChromium(env) ? false : "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)";
}

/** Flags for a quiet, offline, container-friendly headless Chromium. */
export const QUIET_CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
