/**
 * Test fixtures on a tenant through the Management API, with Auth0's official SDK (`auth0`) and a
 * machine-to-machine client: users created per run in the database connection and deleted after,
 * authenticators removed between tests.
 */
import { randomBytes } from "node:crypto";
import { ManagementClient } from "auth0";
import type { TenantConfig } from "./config.ts";

/**
 * A fetch that sends `https://<domain>/…` to `baseURL` instead. The SDK always builds
 * `https://<domain>/api/v2` and `https://<domain>/oauth/token`; its `fetch` option (used for both
 * the token request and the API calls) is the one seam that lets it talk to the mock.
 */
function redirectFetch(domain: string, baseURL: string, inner: typeof fetch = fetch): typeof fetch {
  const from = `https://${domain}`;
  const to = baseURL.replace(/\/+$/, "");
  if (from === to) return inner;
  const rewrite = (u: string) => (u === from || u.startsWith(`${from}/`) ? to + u.slice(from.length) : u);
  return (input, init) => {
    if (typeof input === "string") return inner(rewrite(input), init);
    if (input instanceof URL) return inner(rewrite(input.href), init);
    return inner(new Request(rewrite(input.url), input), init);
  };
}

/** A ManagementClient for the tenant's M2M client, pointed at `config.baseURL`. */
export function createManagementClient(
  config: TenantConfig,
  opts: { fetch?: typeof fetch } = {},
): ManagementClient {
  return new ManagementClient({
    domain: config.domain,
    clientId: config.management.clientId,
    clientSecret: config.management.clientSecret,
    fetch: redirectFetch(config.domain, config.baseURL, opts.fetch),
    timeoutInSeconds: 30,
  });
}

/** A test user: the login the suites use and the id clean-up needs. */
export interface TestUser {
  userId: string;
  username: string;
  password: string;
}

/** A password that meets every Auth0 password policy (length, four character classes). */
function strongPassword(): string {
  return `Aa1!${randomBytes(18).toString("base64url")}`;
}

/** A short id for one run, part of every test user's email so leftovers can be found and purged. */
function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/** Creates, cleans and deletes the users of one run. */
export class TenantUsers {
  private readonly created = new Set<string>();
  private counter = 0;

  constructor(
    private readonly client: ManagementClient,
    private readonly connection: string,
    readonly runId: string = newRunId(),
  ) {}

  /** Creates a user in the connection; its email (`mfa-harness+<run>-<n>@example.com`) is the login. */
  async create(): Promise<TestUser> {
    const email = `mfa-harness+${this.runId}-${++this.counter}@example.com`;
    const password = strongPassword();
    const user = await this.client.users.create({
      connection: this.connection,
      email,
      password,
      // example.com never receives mail; no verification email is wanted either.
      verify_email: false,
      app_metadata: { mfa_harness_run: this.runId },
    });
    const userId = user.user_id;
    if (!userId) throw new Error("Management API created a user without user_id");
    this.created.add(userId);
    return { userId, username: email, password };
  }

  /** The ids of a user's authentication methods (all pages). */
  async methodIds(userId: string): Promise<string[]> {
    const ids: string[] = [];
    const page = await this.client.users.authenticationMethods.list(userId, { per_page: 100 });
    for await (const m of page) ids.push(m.id);
    return ids;
  }

  /** Removes every authenticator of a user (between tests). */
  async removeAuthenticators(userId: string): Promise<void> {
    await this.client.users.authenticationMethods.deleteAll(userId);
  }

  /** Deletes one user now. */
  async delete(userId: string): Promise<void> {
    await this.client.users.delete(userId);
    this.created.delete(userId);
  }

  /** Deletes every user this run created; failures are collected, not thrown, so one does not stop the rest. */
  async cleanup(): Promise<{ deleted: number; failed: string[] }> {
    let deleted = 0;
    const failed: string[] = [];
    for (const id of [...this.created]) {
      try {
        await this.delete(id);
        deleted++;
      } catch (e) {
        failed.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { deleted, failed };
  }

  /** Ids of the users created and not yet deleted. */
  pending(): string[] {
    return [...this.created];
  }
}
