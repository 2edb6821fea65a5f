/**
 * A path as a command prints it: relative to where the user runs it when it lies below that folder
 * (short, and the same on every machine), else absolute (a `../../tmp/...` says less than `/tmp/...`).
 */
import path from "node:path";

export function shownPath(file: string, from: string = process.cwd()): string {
  const absolute = path.resolve(from, file);
  const relative = path.relative(from, absolute);
  if (relative === "") return ".";
  const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? absolute : relative;
}
