/**
 * Whether a module is the script node was started with, or only imported (by a test, say). Compared
 * as file URLs, so a checkout whose path has spaces or other characters a URL escapes still runs its
 * scripts: a hand-made `file://${argv[1]}` would not match there, and the script would do nothing.
 */
import { pathToFileURL } from "node:url";

/** True when `moduleUrl` (the caller's `import.meta.url`) is the entry point of this process. */
export function isEntryPoint(moduleUrl: string): boolean {
  const started = process.argv[1];
  return started !== undefined && moduleUrl === pathToFileURL(started).href;
}
