/**
 * The step-up fixture on a tenant (tenant/README.md#step-up): installs the post-login Action that
 * requires MFA on refresh (`actions/require-mfa-on-refresh.js`) through the Management API, and
 * removes it. Installing is idempotent, whoever ran it before (another worker, an earlier run):
 *
 * 1. find the Action by its name (the harness's, so nothing else on the tenant is touched);
 * 2. create it with its code and the MFA_ON_REFRESH_AUDIENCES secret, or update both;
 * 3. wait for Auth0 to build it, then deploy it;
 * 4. bind it to post-login after the Actions already bound there, which stay as they are.
 *
 * Removing unbinds it (the other bindings stay) and deletes it. The requests and answers are those
 * of Auth0's Management API (go-auth0's recordings `TestActionManager_*`); the mock answers them too
 * (mock/management/actions.ts), and there binding the Action switches on its MFA on refresh.
 */
import { readFileSync } from "node:fs";
import type { ManagementClient } from "auth0";
// The secret the Action narrows itself with, named once: the mock reads the same name from a bound
// Action (mfa-on-refresh-action.test.ts checks the shipped Action reads it too).
import { AUDIENCES_SECRET } from "../mock/management/post-login.ts";

/** The Action's name on the tenant: the harness finds, updates and removes it by this name only. */
export const STEP_UP_ACTION_NAME = "mfa-harness: require MFA on refresh";
const TRIGGER = "post-login";
const TRIGGER_VERSION = "v3";
const RUNTIME = "node22";

/** A boxed step of a report (Playwright's test.step), or none: the fixture runs the same without it. */
export type Step = <T>(title: string, body: () => Promise<T>) => Promise<T>;
const plain: Step = (_title, body) => body();

/** The Action's code as the repository ships it. */
export function stepUpActionCode(): string {
  return readFileSync(new URL("./actions/require-mfa-on-refresh.js", import.meta.url), "utf8");
}

/** What an install leaves on the tenant. */
export interface Installed {
  actionId: string;
  /** The deployed version's number. */
  version: number;
  /** True when this call bound it (it was not bound before). */
  bound: boolean;
}

export interface InstallOptions {
  /** Audiences whose refreshes require MFA (the secret); empty: every refresh. */
  audiences: readonly string[];
  step?: Step;
  /** How long to wait for Auth0 to build the Action (default 60 s). */
  buildTimeoutMs?: number;
  /** Between two reads of the build status (default 1 s). */
  pollMs?: number;
}

/** The status code of an SDK error, if it has one. */
function statusOf(e: unknown): number | undefined {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** Every Action with the harness's name (all pages). */
async function findByName(client: ManagementClient): Promise<Array<{ id: string }>> {
  const found: Array<{ id: string }> = [];
  const page = await client.actions.list({ actionName: STEP_UP_ACTION_NAME, per_page: 50 });
  for await (const a of page) {
    // actionName filters on Auth0's side; the check keeps a filter that is ignored from reaching others' Actions.
    if (a.name === STEP_UP_ACTION_NAME && a.id) found.push({ id: a.id });
  }
  return found;
}

/** The post-login bindings, in their order, as refs a PATCH of the bindings takes back. */
async function postLoginBindings(
  client: ManagementClient,
): Promise<Array<{ actionId: string; displayName: string | undefined }>> {
  const out: Array<{ actionId: string; displayName: string | undefined }> = [];
  const page = await client.actions.triggers.bindings.list(TRIGGER, { per_page: 50 });
  for await (const b of page) {
    const actionId = b.action?.id;
    if (actionId) out.push({ actionId, displayName: b.display_name });
  }
  return out;
}

/** Replaces the post-login bindings with these, in order. */
async function setPostLoginBindings(
  client: ManagementClient,
  bindings: ReadonlyArray<{ actionId: string; displayName: string | undefined }>,
): Promise<void> {
  await client.actions.triggers.bindings.updateMany(TRIGGER, {
    bindings: bindings.map((b) => ({
      ref: { type: "action_id", value: b.actionId },
      ...(b.displayName ? { display_name: b.displayName } : {}),
    })),
  });
}

/** Installs (or brings up to date) the Action and binds it to post-login; see the file comment. */
export async function installStepUpAction(
  client: ManagementClient,
  opts: InstallOptions,
): Promise<Installed> {
  const step = opts.step ?? plain;
  const code = stepUpActionCode();
  // Auth0 never answers a secret's value, so it cannot be compared: it is written on every install.
  const secrets =
    opts.audiences.length > 0 ? [{ name: AUDIENCES_SECRET, value: opts.audiences.join(",") }] : [];
  const actionId = await step(`find or create the post-login Action "${STEP_UP_ACTION_NAME}"`, async () => {
    const existing = (await findByName(client))[0];
    if (existing) {
      await client.actions.update(existing.id, { code, runtime: RUNTIME, secrets });
      return existing.id;
    }
    try {
      const created = await client.actions.create({
        name: STEP_UP_ACTION_NAME,
        supported_triggers: [{ id: TRIGGER, version: TRIGGER_VERSION }],
        code,
        runtime: RUNTIME,
        secrets,
      });
      if (!created.id) throw new Error("the Management API created the Action without an id");
      return created.id;
    } catch (e) {
      // Another worker created it meanwhile: update that one.
      const raced = statusOf(e) === 409 ? (await findByName(client))[0] : undefined;
      if (!raced) throw e;
      await client.actions.update(raced.id, { code, runtime: RUNTIME, secrets });
      return raced.id;
    }
  });
  const version = await step("wait for the build, then deploy it", async () => {
    const deadline = Date.now() + (opts.buildTimeoutMs ?? 60_000);
    for (;;) {
      const { status } = await client.actions.get(actionId);
      if (status === "built") break;
      if (status === "failed") throw new Error(`Auth0 could not build the Action "${STEP_UP_ACTION_NAME}"`);
      if (Date.now() >= deadline) {
        throw new Error(`the Action "${STEP_UP_ACTION_NAME}" was still "${status}" after the build timeout`);
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 1_000));
    }
    const deployed = await client.actions.deploy(actionId);
    return deployed.number ?? 0;
  });
  const bound = await step("bind it to post-login, after the Actions bound there", async () => {
    const bindings = await postLoginBindings(client);
    if (bindings.some((b) => b.actionId === actionId)) return false;
    await setPostLoginBindings(client, [...bindings, { actionId, displayName: STEP_UP_ACTION_NAME }]);
    return true;
  });
  return { actionId, version, bound };
}

/** Unbinds and deletes every Action with the harness's name; the tenant's other bindings stay. */
export async function removeStepUpAction(
  client: ManagementClient,
  opts: { step?: Step } = {},
): Promise<{ removed: number }> {
  const step = opts.step ?? plain;
  return step(`remove the post-login Action "${STEP_UP_ACTION_NAME}"`, async () => {
    const ours = new Set((await findByName(client)).map((a) => a.id));
    if (ours.size === 0) return { removed: 0 };
    const bindings = await postLoginBindings(client);
    const kept = bindings.filter((b) => !ours.has(b.actionId));
    if (kept.length !== bindings.length) await setPostLoginBindings(client, kept);
    for (const id of ours) await client.actions.delete(id, { force: true });
    return { removed: ours.size };
  });
}
