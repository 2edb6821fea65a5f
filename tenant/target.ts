/**
 * The tenant target: a real Auth0 tenant (or anything that answers like one, such as the mock in
 * the end-to-end test). Users come from the Management API through the `auth0` SDK, codes from the
 * phone-message and custom email provider Actions through the sink, both configured by tenant/config.ts.
 * Push is not run here: a tenant has no Guardian device the suites can tap.
 */
import { randomInt, randomUUID } from "node:crypto";
import { STEP_UP_TAG } from "../contracts/tags.ts";
import type { Capabilities, Inbox, Target, TenantEnv } from "../contracts/targets/target.ts";
import { recordSecrets } from "../redaction/secrets.ts";
import { loadTenantConfig, type TenantConfig, tenantSecrets } from "./config.ts";
import { createHttpInbox } from "./inbox.ts";
import { createManagementClient, TenantUsers } from "./management.ts";
import { sinkReadToken } from "./signature.ts";
import { installStepUpAction } from "./step-up-action.ts";

/** The tenant target, with what a fixture needs to skip a test for a stated reason. */
export interface TenantTarget extends Target {
  name: "tenant";
  capabilities: Capabilities & {
    /** Codes can be read: a sink is configured (SINK_URL, SINK_SECRET). */
    inbox: boolean;
  };
  /** Why a test with these tags cannot run on this target; undefined when it can. */
  skipReason(tags: readonly string[]): string | undefined;
  /** Removes every authenticator of a user through the Management API. */
  removeAuthenticators(userId: string): Promise<void>;
  /** Deletes the users this target still holds (the end of a worker or a run). */
  dispose(): Promise<{ deleted: number; failed: string[] }>;
  readonly config: TenantConfig;
}

export const NO_SINK_REASON =
  "@sends-sms: no code sink is configured for this tenant: set SINK_URL and SINK_SECRET (see tenant/README.md)";
/** Why email tests are skipped without a sink: the custom email provider Action posts to it. */
export const NO_EMAIL_SINK_REASON =
  "@factor:email: no code sink is configured for this tenant's custom email provider Action: set SINK_URL and SINK_SECRET (see tenant/README.md)";
/** Why push tests are skipped on a tenant: nothing the suites control can approve a push. */
export const PUSH_REASON =
  "@factor:push: needs a Guardian device to scan the enrollment and tap each push; a tenant's pushes go to the Guardian app on a real phone, which the suites cannot drive (the mock has a stand-in)";
const MOCK_ONLY_REASON = "@mock-only: needs the mock's control API or clock, which a tenant does not have";
/** Why step-up tests are skipped unless asked: they install a post-login Action on the tenant. */
export const STEP_UP_REASON = `${STEP_UP_TAG}: installs the post-login Action that requires MFA on refresh on the tenant; set TENANT_STEP_UP=1 to allow it (see tenant/README.md, Step-up)`;

/**
 * Fictional numbers (Ofcom's drama range +44 7700 900000-900999): the Action sends nothing, and
 * should a tenant still use a real provider, no one owns these. The range is small, and the sink
 * tells messages apart by recipient only, so workers running at the same time must never share a
 * number: each takes its own slice of 100 (by Playwright's TEST_PARALLEL_INDEX) and walks it in order
 * from a random start (two runs at once on one tenant are then unlikely to meet).
 */
export function fictionalNumbers(parallelIndex: number): () => string {
  const slice = (Number.isInteger(parallelIndex) && parallelIndex >= 0 ? parallelIndex : 0) % 10;
  let next = randomInt(0, 100);
  return () => {
    const n = `+447700900${String(slice * 100 + (next % 100)).padStart(3, "0")}`;
    next++;
    return n;
  };
}

/**
 * Builds the tenant target. `env` (from contracts/targets/target.ts) is superseded by the full
 * configuration from tenant/config.ts, which also reads the env file and the Management and sink settings.
 */
export async function createTenantTarget(
  _env?: TenantEnv,
  opts: { config?: TenantConfig; fetch?: typeof fetch; reportsDir?: string } = {},
): Promise<TenantTarget> {
  const config = opts.config ?? loadTenantConfig();
  const registry = opts.reportsDir ? { dir: opts.reportsDir } : {};
  recordSecrets(tenantSecrets(config), "client_secret", registry);
  const management = createManagementClient(config, opts.fetch ? { fetch: opts.fetch } : {});
  const users = new TenantUsers(management, config.connection);
  // Once per worker: the Action is the tenant's, every test after the first finds it installed.
  let stepUp: Promise<unknown> | undefined;
  const ofThisTest: string[] = [];
  const nextNumber = fictionalNumbers(Number(process.env.TEST_PARALLEL_INDEX ?? 0));
  const handedOutAt = new Map<string, string>();
  let codesRead = 0;
  let emailsHandedOut = 0;

  const sinkInbox = config.sink
    ? createHttpInbox({
        url: `${config.sink.url}/outbox`,
        headers: { authorization: `Bearer ${sinkReadToken(config.sink.secret)}` },
        timeoutMs: config.codeTimeoutMs,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      })
    : undefined;
  const inbox: Inbox = {
    async nextCode(recipient, q = {}) {
      if (!sinkInbox) throw new Error(NO_SINK_REASON);
      // A second guard behind the planner: each phone code read is a message the tenant sent. Emails
      // go through the custom email provider Action and cost nothing, so they are not counted.
      const email = recipient.includes("@");
      if (!email && codesRead >= config.messageBudget) {
        throw new Error(
          `TENANT_SMS_BUDGET=${config.messageBudget} reached in this worker; no further codes are read`,
        );
      }
      // A number is random in a small range: ignore what it got before this test took it.
      const after = q.after ?? handedOutAt.get(recipient);
      const code = await sinkInbox.nextCode(recipient, { ...q, ...(after ? { after } : {}) });
      handedOutAt.delete(recipient);
      if (!email) codesRead++;
      recordSecrets([code.code], "otp", registry);
      return code;
    },
  };

  return {
    name: "tenant",
    config,
    baseURL: config.baseURL,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    ...(config.publicClientId ? { publicClientId: config.publicClientId } : {}),
    ...(config.privateKeyJwt ? { privateKeyJwt: config.privateKeyJwt } : {}),
    connection: config.connection,
    ...(config.audience ? { audience: config.audience } : {}),
    capabilities: {
      clock: false,
      control: false,
      sendsRealSms: !config.sink,
      inbox: Boolean(config.sink),
      guardian: false,
    },
    skipReason(tags) {
      if (tags.includes("@mock-only")) return MOCK_ONLY_REASON;
      // Push tests need a device to scan the enrollment and tap each push (capabilities.guardian).
      if (tags.includes("@factor:push")) return PUSH_REASON;
      if (tags.includes("@sends-sms") && !config.sink) return NO_SINK_REASON;
      if (tags.includes("@factor:email") && !config.sink) return NO_EMAIL_SINK_REASON;
      if (tags.includes(STEP_UP_TAG) && !config.stepUp) return STEP_UP_REASON;
      return undefined;
    },
    ...(config.stepUp
      ? {
          async requireMfaOnRefresh(step?: <T>(title: string, body: () => Promise<T>) => Promise<T>) {
            // Narrowed to the suites' API when there is one, so the tenant's other refreshes are left alone.
            stepUp ??= installStepUpAction(management, {
              audiences: config.audience ? [config.audience] : [],
              ...(step ? { step } : {}),
            }).catch((e: unknown) => {
              stepUp = undefined;
              throw e;
            });
            await stepUp;
          },
        }
      : {}),
    async createUser() {
      const user = await users.create();
      ofThisTest.push(user.userId);
      recordSecrets([user.password], "password", registry);
      return user;
    },
    inbox,
    phoneNumber() {
      const n = nextNumber();
      handedOutAt.set(n, new Date(Date.now() - 1000).toISOString());
      recordSecrets([n], "phone", registry);
      return n;
    },
    emailAddress() {
      // The reserved example.com domain (RFC 2606): the Action forwards the code and sends nothing,
      // and should a tenant still use a real provider, no one receives it. Unique per call, so the
      // sink, which tells messages apart by recipient only, never mixes two tests' codes.
      emailsHandedOut++;
      const address = `mfa-harness+email-${emailsHandedOut}-${randomUUID().slice(0, 8)}@example.com`;
      recordSecrets([address], "email", registry);
      return address;
    },
    removeAuthenticators: (userId) => users.removeAuthenticators(userId),
    async cleanup() {
      // Each test's users go with the test: their authenticators, codes and rate-limit buckets with them.
      const ids = ofThisTest.splice(0);
      const failures: string[] = [];
      for (const id of ids) {
        try {
          await users.delete(id);
        } catch (e) {
          failures.push(e instanceof Error ? e.message : String(e));
        }
      }
      if (failures.length)
        throw new Error(`tenant clean-up failed for ${failures.length} user(s): ${failures.join("; ")}`);
    },
    dispose: () => users.cleanup(),
  };
}
