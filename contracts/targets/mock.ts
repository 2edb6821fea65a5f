/**
 * The mock target: users, codes, the clock and the Guardian stand-in through the mock's control
 * API (`/__mock`), over HTTP like any client, with the typed control client the package gives app
 * teams (`mockControl` of `auth0-mfa-mock`): the suites exercise that client on every run. Of the
 * mock's code it uses only that client and the list of named deviations.
 */
import { randomInt, randomUUID } from "node:crypto";
import { checkDeviationNames } from "../../mock/deviations.ts";
import { type MockControl, MockControlError, mockControl } from "../../mock/start.ts";
import type { Inbox, InboxMessage, Target } from "./target.ts";

/**
 * The control API of the mock at `baseURL`, as app teams call it. A refusal is a MockControlError
 * naming the call without its query (which may hold a phone number) and the mock's description.
 */
export function controlOf(baseURL: string): MockControl {
  return mockControl(baseURL);
}

/**
 * The deviations a run injects, from CONTRACTS_MOCK_DEVIATIONS (comma-separated; set by `npm run mutation`).
 * Throws an UnknownDeviationError naming an unknown name and the known ones.
 */
export function deviationsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const names = (env.CONTRACTS_MOCK_DEVIATIONS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return checkDeviationNames(names, "CONTRACTS_MOCK_DEVIATIONS");
}

/** An inbox over the outbox endpoint; remembers the last message returned per recipient. */
class OutboxInbox implements Inbox {
  private readonly seen = new Map<string, string>();
  constructor(private readonly control: MockControl) {}

  async nextCode(
    recipient: string,
    opts: { after?: string; timeoutMs?: number } = {},
  ): Promise<InboxMessage> {
    const after = opts.after ?? this.seen.get(recipient);
    const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
    // The mock "sends" synchronously, so the first read normally succeeds; the loop covers a slow target.
    for (let attempt = 0; attempt < 200; attempt++) {
      const messages = await this.control.outbox.list({ recipient, ...(after ? { after } : {}) });
      const next = messages[0];
      if (next) {
        this.seen.set(recipient, next.id);
        return { code: next.code, message_type: next.message_type, action: next.action, id: next.id };
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("no message reached the recipient in time (recipient masked)");
  }
}

/** Builds the mock target for a running mock; reads the default client from the control API. */
export async function createMockTarget(baseURL: string): Promise<Target> {
  const control = controlOf(baseURL);
  const config = await control.config.get();
  const privateKeyJwt = await control.privateKeyJwt().catch((e: unknown) => {
    // 404: the mock was given a public key whose private key is not ours.
    if (e instanceof MockControlError && e.status === 404) return undefined;
    throw e;
  });
  // Set by requireMfaOnRefresh, cleared at clean-up: the next test on this mock starts without it.
  let mfaOnRefresh = false;
  return {
    name: "mock",
    baseURL,
    clientId: config.client_id,
    clientSecret: config.client_secret,
    publicClientId: config.public_client_id,
    ...(privateKeyJwt
      ? {
          privateKeyJwt: {
            clientId: privateKeyJwt.client_id,
            privateKeyPem: privateKeyJwt.private_key,
            alg: privateKeyJwt.alg,
          },
        }
      : {}),
    connection: config.connection,
    audience: config.audience || undefined,
    capabilities: { clock: true, control: true, sendsRealSms: false, guardian: true },
    async createUser() {
      const user = await control.users.create();
      return { username: user.username, password: user.password, userId: user.user_id };
    },
    inbox: new OutboxInbox(control),
    phoneNumber() {
      // +1 555 and 8 random digits: E.164, in the fictional 555 range, unique enough per run.
      return `+1555${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;
    },
    emailAddress() {
      // The reserved example.com domain (RFC 2606): no one receives these.
      return `mfa-${randomUUID()}@example.com`;
    },
    guardian: {
      async enroll(enrollmentTxId) {
        const device = await control.guardian.enroll({ enrollment_tx_id: enrollmentTxId });
        return { authenticatorId: device.authenticator_id, totpSecret: device.totp_secret };
      },
      async pending(userId) {
        return control.guardian.pending(userId);
      },
      async respond(oobCode, approve) {
        await control.guardian.respond(oobCode, approve);
      },
    },
    async advanceClock(seconds: number) {
      await control.clock.advance(seconds);
    },
    async now() {
      return Date.parse(await control.clock.now());
    },
    async requireMfaOnRefresh(step = (_title, body) => body()) {
      await step("switch on the mock's MFA on refresh (mfa_on_refresh)", async () => {
        await control.config.set({ mfa_on_refresh: true });
      });
      mfaOnRefresh = true;
    },
    async cleanup() {
      // Users are per test and the mock bounds its state; only a switch a test turned on goes back.
      if (mfaOnRefresh) await control.config.set({ mfa_on_refresh: false });
      mfaOnRefresh = false;
    },
  };
}
