/** Finds the k6 binary: K6_BIN, else the first `k6` on PATH; says how to install it when there is none. */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** How to get k6 (it is a Go binary, not an npm package). */
export const installHelp = `k6 was not found: set K6_BIN to its path, or put it on PATH. Install k6 v0.48 or newer:
  Debian/Ubuntu: sudo gpg -k && sudo gpg --no-default-keyring --keyring /usr/share/keyrings/k6-archive-keyring.gpg \\
                   --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys C5AD17C747E3415A3642D57D77C6C491D6AC1D69
                 echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" \\
                   | sudo tee /etc/apt/sources.list.d/k6.list && sudo apt-get update && sudo apt-get install k6
  macOS:         brew install k6
  Windows:       winget install k6 --source winget
  Docker:        docker run --rm -i --network host -v "$PWD:/src" -w /src -e LOAD_BASE_URL=<url> \\
                   grafana/k6 run load/dist/<scenario>.js
  Binary:        https://github.com/grafana/k6/releases (unpack, then K6_BIN=/path/to/k6)
See https://grafana.com/docs/k6/latest/set-up/install-k6/`;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The k6 to run, or undefined. A K6_BIN that is set but not executable is an error, not a fallback. */
export function findK6(env: Record<string, string | undefined> = process.env): string | undefined {
  const configured = env.K6_BIN?.trim();
  if (configured) {
    if (!executable(configured)) throw new Error(`K6_BIN=${configured} is not an executable file`);
    return configured;
  }
  const names = process.platform === "win32" ? ["k6.exe", "k6"] : ["k6"];
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}
