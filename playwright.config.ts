/**
 * Contract suites: project `mock` (the default; the mock is started here through webServer) and
 * project `tenant` (a real tenant: AUTH0_* and the sink settings, validated by name in
 * contracts/targets/target.ts and tenant/config.ts). No browser: every test talks HTTP through
 * contracts/fixtures.ts.
 *
 * Variables: CONTRACTS_REPORT_DIR (default contracts/ of the reports folder: REPORTS_DIR, else
 * reports/) moves every output of a run;
 * CONTRACTS_MOCK_DEVIATIONS starts the mocks with named deviations (npm run mutation sets both);
 * CONTRACTS_MOCK_TLS=1 runs every mock over HTTPS (see below).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { reportDir as contractsReportDir } from "./contracts/findings.ts";
import type { Options } from "./contracts/fixtures.ts";
import { deviationsFromEnv } from "./contracts/targets/mock.ts";
import { mockArgs, mockUrl, tlsDirFromEnv } from "./contracts/targets/mock-process.ts";

const reportDir = contractsReportDir();

// Playwright evaluates this file in the runner and again in every worker: the port is chosen once,
// in the runner, and handed to the workers (which inherit the environment) so they all agree.
if (!process.env.CONTRACTS_MOCK_PORT) {
  // A child process keeps the config synchronous; the port is free when it exits (race-small, and
  // the webServer fails loudly if another process took it meanwhile).
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  process.env.CONTRACTS_MOCK_PORT = execFileSync(process.execPath, ["-e", script], {
    encoding: "utf8",
  }).trim();
}
const port = Number(process.env.CONTRACTS_MOCK_PORT);
// CONTRACTS_MOCK_TLS=1: every mock serves HTTPS from a CA made for this run in a temporary folder
// (removed by the global teardown), and the workers trust it as an app would, through
// NODE_EXTRA_CA_CERTS: Node reads it when a process starts, and the workers start after the
// webServer below has made the CA.
if (process.env.CONTRACTS_MOCK_TLS === "1" && !process.env.CONTRACTS_MOCK_TLS_DIR) {
  process.env.CONTRACTS_MOCK_TLS_DIR = mkdtempSync(path.join(tmpdir(), "contracts-tls-"));
  process.env.NODE_EXTRA_CA_CERTS = path.join(process.env.CONTRACTS_MOCK_TLS_DIR, "ca", "ca.pem");
}
const tlsDir = tlsDirFromEnv(process.env);
process.env.CONTRACTS_MOCK_URL = mockUrl(port, { tlsDir });

export default defineConfig<
  Pick<Options, "privateMock" | "waitOutRateLimits">,
  Pick<Options, "targetName" | "tenantTarget">
>({
  testDir: "contracts",
  testMatch: "**/*.spec.ts",
  // Each test creates its own user, so tests are independent; clock moves use a private mock.
  fullyParallel: true,
  // HTTP-bound: more workers than cores keeps the mock busy without starving the runner; two per
  // core in CI (three elsewhere), capped so a large machine does not start dozens of mocks.
  workers: Math.min(availableParallelism() * (process.env.CI ? 2 : 3), 6),
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: [
    [process.env.CI ? "dot" : "list"],
    ["html", { outputFolder: path.join(reportDir, "html"), open: "never" }],
    ["junit", { outputFile: path.join(reportDir, "junit.xml"), includeProjectInTestName: true }],
    ["json", { outputFile: path.join(reportDir, "results.json") }],
    ["./contracts/figures-reporter.ts"],
    ["./contracts/tags-reporter.ts"],
  ],
  outputDir: path.join(reportDir, "test-results"),
  globalSetup: "./contracts/global-setup.ts",
  globalTeardown: "./contracts/global-teardown.ts",
  // Traces would hold request bodies (tokens, codes); the fixtures attach a masked transcript instead.
  use: { trace: "off" },
  webServer: {
    // Enterprise: its per-user and per-session MFA limits are essentials' (docs/behaviour.md#plan-limits),
    // but its global bucket (100/s) lets up to six workers share one tenant without waiting out 429s most of the
    // run. rate-limits.spec.ts checks the essentials numbers on a private mock.
    // node --import tsx, as the private mocks start: npx costs a second or two more per start.
    command: [
      JSON.stringify(process.execPath),
      "--import",
      "tsx",
      ...mockArgs(port, { profile: "enterprise", deviations: deviationsFromEnv(process.env), tlsDir }),
    ].join(" "),
    url: `${process.env.CONTRACTS_MOCK_URL}/__mock/health`,
    // The runner started before the CA existed, so only its readiness probe skips the check; the
    // suites' requests verify the certificate.
    ignoreHTTPSErrors: tlsDir !== undefined,
    // The CA file does not exist yet when this mock starts: Node would warn that it cannot load it.
    env: tlsDir ? { NODE_EXTRA_CA_CERTS: "" } : {},
    reuseExistingServer: false,
    timeout: 60_000,
    // The mock prints the default client's credentials when it starts: keep them out of the logs.
    stdout: "ignore",
    stderr: "pipe",
  },
  projects: [
    { name: "mock", use: { targetName: "mock" } },
    {
      name: "tenant",
      use: {
        targetName: "tenant",
        // Loaded lazily: a mock run never pays for the tenant adapter and the Management API SDK. In an
        // object: Playwright would take a bare function for a fixture of its own.
        tenantTarget: { create: async (env) => (await import("./tenant/target.ts")).createTenantTarget(env) },
      },
    },
  ],
});
