/**
 * The `test` and `expect` every spec uses: a target (mock or tenant), an HTTP client that checks
 * every response against the description, schema matchers, and capability gates for tags.
 *
 * Clock isolation: moving the mock's clock expires every token issued by that mock, so specs that
 * move the clock or change the mock's configuration set `test.use({ privateMock: true })` and run
 * against a mock process of their own, started once per worker. A worker runs one test at a time,
 * so nothing else sees that clock; the shared mock (started by playwright.config.ts) keeps real
 * time and serves the fully parallel specs. This is sturdier than short clock moves (expiry needs
 * moves of 5 to 60 minutes) or a serial project (a failing dependency would skip the rest).
 */
import { test as base } from "@playwright/test";
import type { Finding } from "../openapi/validate.ts";
import { ApiClient } from "./api-client.ts";
import { type FindingRecord, WorkerLedger } from "./findings.ts";
import { observeResponse } from "./observations.ts";
import { controlOf, createMockTarget, deviationsFromEnv } from "./targets/mock.ts";
import { type MockProcess, startMockProcess, tlsDirFromEnv } from "./targets/mock-process.ts";
import { readTenantEnv, type Target, type TenantEnv } from "./targets/target.ts";

export type { ApiResponse } from "./api-client.ts";
export type { Target } from "./targets/target.ts";

/** Options a project (or a spec, with test.use) sets. */
export interface Options {
  /** Which target the project runs against (set per project in playwright.config.ts). */
  targetName: "mock" | "tenant";
  /** Run the test against this worker's own mock (for specs that move the clock or change config). */
  privateMock: boolean;
  /** Wait out global 429s instead of failing (false in the rate-limit specs, which assert on them). */
  waitOutRateLimits: boolean;
  /**
   * Builds the tenant target. The tenant part implements it and sits beside this one, so it is
   * handed in by playwright.config.ts (the composition root) instead of imported from here.
   */
  tenantTarget: TenantTargetFactory | undefined;
}

/** Builds a tenant target from the basic variables (undefined when they did not validate). */
export interface TenantTargetFactory {
  create(env: TenantEnv | undefined): Promise<Target>;
}

interface WorkerFixtures {
  targetName: Options["targetName"];
  tenantTarget: Options["tenantTarget"];
  sharedTarget: Target;
  privateMocks: { target(): Promise<Target> };
  ledger: WorkerLedger;
}

interface TestFixtures {
  privateMock: boolean;
  waitOutRateLimits: boolean;
  target: Target;
  api: ApiClient;
}

/** Builds the target a project names; the tenant's environment is validated first. */
async function createTarget(
  name: Options["targetName"],
  tenantTarget: TenantTargetFactory | undefined,
): Promise<Target> {
  if (name === "mock") {
    const url = process.env.CONTRACTS_MOCK_URL;
    if (!url) throw new Error("CONTRACTS_MOCK_URL is not set: run the suites through playwright.config.ts");
    return createMockTarget(url);
  }
  // The basic variables are checked here so a missing one is named even without the tenant adapter;
  // the adapter then validates its full configuration (env file, Management API, sink) by name too.
  let env: TenantEnv | undefined;
  let envError: unknown;
  try {
    env = readTenantEnv(process.env);
  } catch (error) {
    envError = error;
  }
  if (!tenantTarget)
    throw envError ?? new Error("no tenant target: set `tenantTarget` in the project's `use`");
  return tenantTarget.create(env).catch((error: unknown) => {
    throw envError ?? error;
  });
}

/** Turns a finding into the record findings.json holds, masked. */
function toRecord(f: Finding, test: string, project: string, mask: (s: string) => string): FindingRecord {
  return {
    test,
    project,
    operation: f.operation,
    status: f.status ?? null,
    location: f.location,
    pointer: mask(f.pointer),
    expected: mask(f.expected),
    actual: mask(f.actual),
    message: mask(f.message),
  };
}

export const test = base.extend<
  TestFixtures & Pick<Options, "privateMock" | "waitOutRateLimits">,
  WorkerFixtures
>({
  targetName: ["mock", { scope: "worker", option: true }],
  tenantTarget: [undefined, { scope: "worker", option: true }],
  privateMock: [false, { option: true }],
  waitOutRateLimits: [true, { option: true }],

  sharedTarget: [
    async ({ targetName, tenantTarget }, use) => {
      await use(await createTarget(targetName, tenantTarget));
    },
    { scope: "worker" },
  ],

  privateMocks: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from the destructuring pattern
    async ({}, use) => {
      let started: Promise<{ process: MockProcess; target: Target }> | undefined;
      await use({
        async target() {
          started ??= startMockProcess({
            deviations: deviationsFromEnv(process.env),
            tlsDir: tlsDirFromEnv(process.env),
          }).then(async (process) => ({
            process,
            target: await createMockTarget(process.url),
          }));
          return (await started).target;
        },
      });
      if (started) await (await started).process.stop();
    },
    { scope: "worker" },
  ],

  ledger: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from the destructuring pattern
    async ({}, use, workerInfo) => {
      const ledger = new WorkerLedger(`${workerInfo.project.name}-${workerInfo.workerIndex}-${process.pid}`);
      await use(ledger);
      ledger.flush();
    },
    { scope: "worker" },
  ],

  target: async ({ sharedTarget, privateMocks, privateMock }, use, testInfo) => {
    // Tags state what a test needs; a target without it skips the test and says why (the target's
    // own reason first: it knows which setting is missing).
    let reason = sharedTarget.skipReason?.(testInfo.tags);
    if (!reason && testInfo.tags.includes("@mock-only") && !sharedTarget.capabilities.control) {
      reason = `@mock-only: needs the mock's control API or clock, which the ${sharedTarget.name} target does not have`;
    }
    if (
      !reason &&
      testInfo.tags.includes("@sends-sms") &&
      sharedTarget.capabilities.sendsRealSms &&
      process.env.CONTRACTS_SEND_SMS !== "1"
    ) {
      reason =
        "@sends-sms: this target sends real SMS/voice messages (costs money); set CONTRACTS_SEND_SMS=1 to run it";
    }
    testInfo.skip(reason !== undefined, reason);
    let target = sharedTarget;
    if (privateMock && sharedTarget.name === "mock") {
      target = await privateMocks.target();
      // Only this worker uses its private mock, one test at a time: a reset gives each test a clock
      // at real time and empty buckets, whatever the previous test moved.
      await controlOf(target.baseURL).reset();
    }
    await use(target);
    await target.cleanup();
  },

  api: async ({ target, waitOutRateLimits, ledger }, use, testInfo) => {
    const title = testInfo.titlePath.slice(1).join(" › ");
    // The n-th call of each operation in this test: the step the drift report lines up across targets.
    const calls = new Map<string, number>();
    const client = new ApiClient({
      baseURL: target.baseURL,
      waitOutRateLimits,
      onChecked: (operation) => ledger.checked(operation),
      onWaited: (ms) => ledger.waited(ms),
      // Only answers the test got are steps: a global 429 waited out depends on load, not on the target.
      onAnswered: (operation, res) => {
        const n = (calls.get(operation) ?? 0) + 1;
        calls.set(operation, n);
        ledger.observe(observeResponse(testInfo.project.name, title, operation, n, res));
      },
    });
    if (target.clientSecret !== undefined) client.secret("client_secret", target.clientSecret);
    if (target.privateKeyJwt) client.secret("private_key", target.privateKeyJwt.privateKeyPem);
    await use(client);
    const records = client.findings.map((f) =>
      toRecord(f, title, testInfo.project.name, (s) => client.mask(s)),
    );
    ledger.add(records);
    ledger.flush();
    const failed = testInfo.status !== testInfo.expectedStatus || records.length > 0;
    if (failed && client.exchanges.length) {
      await testInfo.attach("http-exchanges (masked)", {
        body: client.transcript(),
        contentType: "text/plain",
      });
    }
    // Every response counts, not only those the test asserted on.
    if (records.length) {
      throw new Error(
        `${records.length} finding(s): responses that do not conform to the description:\n${client.findingLines().join("\n")}`,
      );
    }
  },
});

export * from "./flows.ts";
export { expect } from "./matchers.ts";
