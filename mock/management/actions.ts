/**
 * The Actions part of the Management API subset: what a fixture needs to install a post-login Action
 * (docs/behaviour.md#post-login-actions), answered in the shapes of Auth0's (go-auth0's recordings
 * `TestActionManager_*`), each behind the scope Auth0 asks for:
 *
 *   GET    /api/v2/actions/actions                      list (actionName, triggerId, deployed, page, per_page)   read:actions
 *   POST   /api/v2/actions/actions                      create (`deploy: true` deploys at once)                  create:actions
 *   GET    /api/v2/actions/actions/{id}                 read                                                    read:actions
 *   PATCH  /api/v2/actions/actions/{id}                 update the draft (bound versions run on until deployed)  update:actions
 *   DELETE /api/v2/actions/actions/{id}                 delete; a bound one only with force=true (it unbinds)  delete:actions
 *   POST   /api/v2/actions/actions/{id}/deploy          deploy the draft as a new immutable version             create:actions
 *   GET    /api/v2/actions/triggers/{trigger}/bindings  the trigger's bound Actions, in order (page, per_page)  read:triggers
 *   PATCH  /api/v2/actions/triggers/{trigger}/bindings  replace them (refs by action_id or action_name)         update:triggers
 *
 * What the post-login bindings do to the mock is post-login.ts's; when it changes, the app is
 * reconfigured on the path `PUT /__mock/config` takes. The Actions are kept per app beside its
 * configuration, so a reset (users, tokens, clock) keeps them, as it keeps the configuration they set.
 */
import { randomUUID } from "node:crypto";
import { ConfigError, type MockConfig, mergeConfig } from "../config/config.ts";
import type { Reply } from "../reply.ts";
import { fields, type ManagementContext, type ManagementRequest } from "./context.ts";
import { json, managementErrors, mgmtError, noContent } from "./errors.ts";
import { configPatch, type PostLoginEffect, postLoginEffect, sameEffect } from "./post-login.ts";
import { authorize } from "./users.ts";

/** What the Actions API needs of the app beyond the users': its whole configuration, to change it. */
export interface ActionsContext extends ManagementContext {
  config: MockConfig;
  reconfigure(next: MockConfig): void;
}

/** The mock's bounds, so no caller can grow its state without end (Auth0's own limits are not documented here). */
const MAX_ACTIONS = 100;
const MAX_CODE_CHARS = 100_000;
const MAX_SECRETS = 50;
const MAX_BINDINGS = 20;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;
/** Auth0's default runtime for a new Action when none is given. */
const DEFAULT_RUNTIME = "node22";
/** A trigger id as Auth0 spells them (post-login, send-phone-message, custom-email-provider …). */
const TRIGGER_ID = /^[a-z][a-z0-9-]{0,63}$/;
const POST_LOGIN = "post-login";

interface SupportedTrigger {
  id: string;
  version: string;
}

/** A deployed version: immutable, what a binding runs. */
interface Version {
  id: string;
  number: number;
  code: string;
  runtime: string;
  dependencies: unknown[];
  /** Secret values as they were when deployed (name → value), and when each was set. */
  secrets: Map<string, string>;
  secretTimes: Map<string, string>;
  supportedTriggers: SupportedTrigger[];
  createdAt: string;
}

interface ActionRecord {
  id: string;
  name: string;
  supportedTriggers: SupportedTrigger[];
  code: string;
  runtime: string;
  dependencies: unknown[];
  secrets: Map<string, { value: string; updatedAt: string }>;
  createdAt: string;
  updatedAt: string;
  versions: number;
  deployed: Version | undefined;
  /** The draft differs from the deployed version (Auth0's `all_changes_deployed` is its negation). */
  changed: boolean;
}

interface Binding {
  id: string;
  actionId: string;
  displayName: string;
  createdAt: string;
  updatedAt: string;
}

/** One app's Actions, bindings by trigger, and the effect last applied to its configuration. */
class ActionsStore {
  readonly actions = new Map<string, ActionRecord>();
  readonly bindings = new Map<string, Binding[]>();
  applied: PostLoginEffect | undefined = undefined;

  byName(name: string): ActionRecord | undefined {
    for (const a of this.actions.values()) if (a.name === name) return a;
    return undefined;
  }

  /** The triggers an Action is bound to. */
  boundTo(actionId: string): string[] {
    return [...this.bindings].filter(([, list]) => list.some((b) => b.actionId === actionId)).map(([t]) => t);
  }
}

/** Per app (keyed by its runtime), beside its configuration: a reset of the state does not reach it. */
const stores = new WeakMap<object, ActionsStore>();

function storeOf(ctx: ActionsContext): ActionsStore {
  let store = stores.get(ctx);
  if (store === undefined) {
    store = new ActionsStore();
    stores.set(ctx, store);
  }
  return store;
}

/** Answers a request under /api/v2/actions. */
export function actionsApi(ctx: ActionsContext, req: ManagementRequest): Reply {
  const url = new URL(req.url, "http://mock");
  let parts: string[];
  try {
    parts = url.pathname.split("/").slice(4).map(decodeURIComponent); // after "", "api", "v2", "actions"
  } catch {
    return mgmtError(managementErrors.malformedUri);
  }
  const m = req.method.toUpperCase();
  const store = storeOf(ctx);
  const [collection, id, sub, ...rest] = parts;
  const notFound = mgmtError(managementErrors.notFound);
  if (rest.length > 0) return notFound;
  if (collection === "triggers") {
    if (id === undefined || sub !== "bindings" || !TRIGGER_ID.test(id)) return notFound;
    if (m === "GET") return authorize(ctx, req, "read:triggers") ?? listBindings(store, id, url);
    if (m === "PATCH") return authorize(ctx, req, "update:triggers") ?? updateBindings(ctx, store, id, req);
    return notFound;
  }
  if (collection !== "actions") return notFound;
  if (id === undefined || id === "") {
    if (m === "GET") return authorize(ctx, req, "read:actions") ?? listActions(store, url);
    if (m === "POST") return authorize(ctx, req, "create:actions") ?? createAction(ctx, store, req);
    return notFound;
  }
  if (sub === "deploy") {
    if (m !== "POST") return notFound;
    return authorize(ctx, req, "create:actions") ?? deployAction(ctx, store, id);
  }
  if (sub !== undefined) return notFound;
  if (m === "GET") {
    const denied = authorize(ctx, req, "read:actions");
    if (denied) return denied;
    const action = store.actions.get(id);
    return action ? json(200, actionView(action, "built")) : mgmtError(managementErrors.inexistentAction);
  }
  if (m === "PATCH") return authorize(ctx, req, "update:actions") ?? updateAction(ctx, store, id, req);
  if (m === "DELETE") return authorize(ctx, req, "delete:actions") ?? deleteAction(ctx, store, id, url);
  return notFound;
}

/** A draft as a request body gives it: the fields checked, or the refusal. */
interface Draft {
  name?: string;
  supportedTriggers?: SupportedTrigger[];
  code?: string;
  runtime?: string;
  dependencies?: unknown[];
  secrets?: Array<{ name: string; value: string | undefined }>;
  deploy: boolean;
}

/** Reads the fields of a create or an update; `creating` makes name and supported_triggers required. */
function readDraft(req: ManagementRequest, creating: boolean): Draft | Reply {
  const f = fields(req);
  if (!f) return mgmtError(managementErrors.invalidJson);
  const invalid = (m: string) => mgmtError(managementErrors.invalidPayload(m));
  const draft: Draft = { deploy: f.deploy === true };
  if (f.name !== undefined || creating) {
    if (typeof f.name !== "string") return invalid("'Missing required property: name'.");
    if (f.name.trim() === "" || f.name.length > 100) {
      return invalid("'String is too long (or empty): 1 to 100 characters' on property name.");
    }
    draft.name = f.name;
  }
  if (f.supported_triggers !== undefined || creating) {
    const list = f.supported_triggers;
    if (!Array.isArray(list) || list.length === 0 || list.length > 10) {
      return invalid("'Missing required property: supported_triggers'.");
    }
    const triggers: SupportedTrigger[] = [];
    for (const t of list) {
      const tid = (t as { id?: unknown } | null)?.id;
      const version = (t as { version?: unknown } | null)?.version;
      if (typeof tid !== "string" || !TRIGGER_ID.test(tid)) {
        return invalid("'Invalid trigger id' on property supported_triggers.");
      }
      triggers.push({
        id: tid,
        version: typeof version === "string" ? version : tid === POST_LOGIN ? "v3" : "v1",
      });
    }
    draft.supportedTriggers = triggers;
  }
  if (f.code !== undefined) {
    if (typeof f.code !== "string" || f.code.length > MAX_CODE_CHARS) {
      return invalid(`'Expected a string of at most ${MAX_CODE_CHARS} characters' on property code.`);
    }
    draft.code = f.code;
  }
  if (f.runtime !== undefined) {
    if (typeof f.runtime !== "string" || !/^node\d{2}(-actions)?$/.test(f.runtime)) {
      return invalid("'Invalid runtime' on property runtime.");
    }
    draft.runtime = f.runtime;
  }
  if (f.dependencies !== undefined) {
    if (!Array.isArray(f.dependencies) || f.dependencies.length > 50) {
      return invalid("'Expected type array but found type object' on property dependencies.");
    }
    draft.dependencies = f.dependencies;
  }
  if (f.secrets !== undefined) {
    if (!Array.isArray(f.secrets) || f.secrets.length > MAX_SECRETS) {
      return invalid(`'Expected an array of at most ${MAX_SECRETS} secrets' on property secrets.`);
    }
    const secrets: Array<{ name: string; value: string | undefined }> = [];
    for (const s of f.secrets) {
      const name = (s as { name?: unknown } | null)?.name;
      const value = (s as { value?: unknown } | null)?.value;
      if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name)) {
        return invalid("'Invalid secret name' on property secrets.");
      }
      if (value !== undefined && (typeof value !== "string" || value.length > 10_000)) {
        return invalid("'Expected type string' on property secrets.value.");
      }
      secrets.push({ name, value });
    }
    draft.secrets = secrets;
  }
  return draft;
}

function now(ctx: ActionsContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

/** The secrets of a draft applied to an Action's: the list replaces them; an entry without a value keeps the old one. */
function mergeSecrets(
  old: ActionRecord["secrets"],
  given: NonNullable<Draft["secrets"]>,
  at: string,
): ActionRecord["secrets"] {
  const next: ActionRecord["secrets"] = new Map();
  for (const s of given) {
    const before = old.get(s.name);
    next.set(
      s.name,
      s.value === undefined
        ? (before ?? { value: "", updatedAt: at })
        : { value: s.value, updatedAt: before?.value === s.value ? before.updatedAt : at },
    );
  }
  return next;
}

function createAction(ctx: ActionsContext, store: ActionsStore, req: ManagementRequest): Reply {
  const draft = readDraft(req, true);
  if ("status" in draft) return draft;
  const name = draft.name ?? "";
  if (store.byName(name)) return mgmtError(managementErrors.actionNameTaken(name));
  if (store.actions.size >= MAX_ACTIONS) {
    return mgmtError(managementErrors.full(`The mock holds at most ${MAX_ACTIONS} actions.`));
  }
  const at = now(ctx);
  const action: ActionRecord = {
    id: randomUUID(),
    name,
    supportedTriggers: draft.supportedTriggers ?? [],
    code: draft.code ?? "",
    runtime: draft.runtime ?? DEFAULT_RUNTIME,
    dependencies: draft.dependencies ?? [],
    secrets: mergeSecrets(new Map(), draft.secrets ?? [], at),
    createdAt: at,
    updatedAt: at,
    versions: 0,
    deployed: undefined,
    changed: true,
  };
  store.actions.set(action.id, action);
  if (draft.deploy) deploy(action, at);
  // Auth0 answers a new Action while it builds; the mock builds at once, so later reads say "built".
  return json(201, actionView(action, "pending"));
}

function updateAction(ctx: ActionsContext, store: ActionsStore, id: string, req: ManagementRequest): Reply {
  const action = store.actions.get(id);
  if (!action) return mgmtError(managementErrors.inexistentAction);
  const draft = readDraft(req, false);
  if ("status" in draft) return draft;
  if (draft.name !== undefined && draft.name !== action.name) {
    if (store.byName(draft.name)) return mgmtError(managementErrors.actionNameTaken(draft.name));
    action.name = draft.name;
  }
  const at = now(ctx);
  if (draft.supportedTriggers) action.supportedTriggers = draft.supportedTriggers;
  if (draft.code !== undefined) action.code = draft.code;
  if (draft.runtime !== undefined) action.runtime = draft.runtime;
  if (draft.dependencies !== undefined) action.dependencies = draft.dependencies;
  if (draft.secrets !== undefined) action.secrets = mergeSecrets(action.secrets, draft.secrets, at);
  action.updatedAt = at;
  // A bound Action keeps running its deployed version until the draft is deployed.
  action.changed = true;
  return json(200, actionView(action, "pending"));
}

/** Makes the draft the deployed version. */
function deploy(action: ActionRecord, at: string): Version {
  const version: Version = {
    id: randomUUID(),
    number: ++action.versions,
    code: action.code,
    runtime: action.runtime,
    dependencies: action.dependencies,
    secrets: new Map([...action.secrets].map(([k, v]) => [k, v.value])),
    secretTimes: new Map([...action.secrets].map(([k, v]) => [k, v.updatedAt])),
    supportedTriggers: action.supportedTriggers,
    createdAt: at,
  };
  action.deployed = version;
  action.changed = false;
  return version;
}

function deployAction(ctx: ActionsContext, store: ActionsStore, id: string): Reply {
  const action = store.actions.get(id);
  if (!action) return mgmtError(managementErrors.inexistentAction);
  const at = now(ctx);
  const previous = { deployed: action.deployed, changed: action.changed };
  const version = deploy(action, at);
  // A bound Action runs the new version at once: the configuration follows, or nothing changes.
  const settled = settle(ctx, store);
  if (settled) {
    action.deployed = previous.deployed;
    action.changed = previous.changed;
    action.versions--;
    return settled;
  }
  // Auth0's answer says deployed: false and all_changes_deployed: false (the deployment is under way);
  // the mock's is done by the time anyone reads the Action again.
  return json(200, {
    ...versionView(version, false),
    action: {
      id: action.id,
      name: action.name,
      supported_triggers: action.supportedTriggers,
      created_at: action.createdAt,
      updated_at: action.updatedAt,
      all_changes_deployed: false,
    },
  });
}

function deleteAction(ctx: ActionsContext, store: ActionsStore, id: string, url: URL): Reply {
  const action = store.actions.get(id);
  if (!action) return mgmtError(managementErrors.inexistentAction);
  const triggers = store.boundTo(id);
  if (triggers.length > 0 && url.searchParams.get("force") !== "true") {
    return mgmtError(managementErrors.actionBound(triggers.join(", ")));
  }
  const before = new Map(store.bindings);
  for (const t of triggers) {
    store.bindings.set(
      t,
      (store.bindings.get(t) ?? []).filter((b) => b.actionId !== id),
    );
  }
  const settled = settle(ctx, store);
  if (settled) {
    for (const [t, list] of before) store.bindings.set(t, list);
    return settled;
  }
  store.actions.delete(id);
  return noContent();
}

function listActions(store: ActionsStore, url: URL): Reply {
  const q = url.searchParams;
  const name = q.get("actionName");
  const trigger = q.get("triggerId");
  const deployed = q.get("deployed");
  // The mock has no Marketplace integrations: every Action is a custom one.
  const installed = q.get("installed") === "true";
  const all = [...store.actions.values()].filter(
    (a) =>
      !installed &&
      (name === null || a.name === name) &&
      (trigger === null || a.supportedTriggers.some((t) => t.id === trigger)) &&
      (deployed !== "true" || a.deployed !== undefined),
  );
  const { page, perPage } = paging(url);
  return json(200, {
    actions: all.slice(page * perPage, (page + 1) * perPage).map((a) => actionView(a, "built")),
    total: all.length,
    per_page: perPage,
  });
}

function listBindings(store: ActionsStore, trigger: string, url: URL): Reply {
  const all = store.bindings.get(trigger) ?? [];
  const { page, perPage } = paging(url);
  return json(200, {
    bindings: all.slice(page * perPage, (page + 1) * perPage).map((b) => bindingView(store, trigger, b)),
    total: all.length,
    per_page: perPage,
  });
}

function updateBindings(
  ctx: ActionsContext,
  store: ActionsStore,
  trigger: string,
  req: ManagementRequest,
): Reply {
  const f = fields(req);
  if (!f) return mgmtError(managementErrors.invalidJson);
  const invalid = (m: string) => mgmtError(managementErrors.invalidPayload(m));
  if (!Array.isArray(f.bindings) || f.bindings.length > MAX_BINDINGS) {
    return invalid("'Missing required property: bindings'.");
  }
  const at = now(ctx);
  const old = store.bindings.get(trigger) ?? [];
  const next: Binding[] = [];
  for (const entry of f.bindings) {
    const ref = (entry as { ref?: { type?: unknown; value?: unknown } } | null)?.ref;
    const displayName = (entry as { display_name?: unknown } | null)?.display_name;
    if (typeof ref?.value !== "string" || (ref.type !== "action_id" && ref.type !== "action_name")) {
      return invalid("'ref' must have type action_id or action_name and a value.");
    }
    const action = ref.type === "action_id" ? store.actions.get(ref.value) : store.byName(ref.value);
    if (!action) return mgmtError(managementErrors.inexistentAction);
    if (!action.supportedTriggers.some((t) => t.id === trigger)) {
      return mgmtError(managementErrors.triggerNotSupported(trigger));
    }
    if (!action.deployed) return mgmtError(managementErrors.actionNotDeployed(action.name));
    if (next.some((b) => b.actionId === action.id)) {
      return invalid("'An action may be bound to a trigger once' on property bindings.");
    }
    const kept = old.find((b) => b.actionId === action.id);
    next.push({
      id: kept?.id ?? randomUUID(),
      actionId: action.id,
      displayName: typeof displayName === "string" && displayName !== "" ? displayName : action.name,
      createdAt: kept?.createdAt ?? at,
      updatedAt: at,
    });
  }
  store.bindings.set(trigger, next);
  const settled = settle(ctx, store);
  if (settled) {
    store.bindings.set(trigger, old);
    return settled;
  }
  return json(200, { bindings: next.map((b) => bindingView(store, trigger, b)) });
}

/**
 * Brings the app's configuration in line with what the post-login trigger now runs, when that
 * changed; a refusal (a secret the configuration cannot take) when it cannot, changing nothing.
 */
function settle(ctx: ActionsContext, store: ActionsStore): Reply | undefined {
  const bound = (store.bindings.get(POST_LOGIN) ?? []).flatMap((b) => {
    const v = store.actions.get(b.actionId)?.deployed;
    return v === undefined ? [] : [v];
  });
  const effect = postLoginEffect(bound);
  if (sameEffect(effect, store.applied)) return undefined;
  let next: MockConfig;
  try {
    next = mergeConfig(ctx.config, configPatch(effect));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return mgmtError(managementErrors.invalidPayload(`'${e.message}' on the Action's secrets.`));
  }
  ctx.reconfigure(next);
  store.applied = effect;
  return undefined;
}

function paging(url: URL): { page: number; perPage: number } {
  const page = Math.max(0, Number.parseInt(url.searchParams.get("page") ?? "0", 10) || 0);
  const perPage = Math.min(
    MAX_PER_PAGE,
    Math.max(1, Number.parseInt(url.searchParams.get("per_page") ?? "", 10) || DEFAULT_PER_PAGE),
  );
  return { page, perPage };
}

/** Secret names and when each was set: Auth0 never answers a secret's value. */
function secretsView(times: Iterable<[string, string]>): Array<{ name: string; updated_at: string }> {
  return [...times].map(([name, updated_at]) => ({ name, updated_at }));
}

function versionView(v: Version, deployed: boolean): Record<string, unknown> {
  return {
    code: v.code,
    dependencies: v.dependencies,
    id: v.id,
    deployed,
    number: v.number,
    built_at: v.createdAt,
    secrets: secretsView(v.secretTimes),
    status: "built",
    created_at: v.createdAt,
    updated_at: v.createdAt,
    runtime: v.runtime,
    supported_triggers: v.supportedTriggers,
  };
}

/** An Action as Auth0 answers one; `status` is "pending" in the answer to a write, "built" after. */
function actionView(a: ActionRecord, status: "pending" | "built"): Record<string, unknown> {
  const v = a.deployed;
  return {
    id: a.id,
    name: a.name,
    supported_triggers: a.supportedTriggers,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    code: a.code,
    dependencies: a.dependencies,
    runtime: a.runtime,
    status,
    secrets: secretsView([...a.secrets].map(([k, s]) => [k, s.updatedAt] as [string, string])),
    ...(v
      ? {
          current_version: {
            id: v.id,
            code: v.code,
            runtime: v.runtime,
            status: "BUILT",
            number: v.number,
            build_time: v.createdAt,
            created_at: v.createdAt,
            updated_at: v.createdAt,
          },
          deployed_version: versionView(v, true),
        }
      : {}),
    all_changes_deployed: v !== undefined && !a.changed,
  };
}

function bindingView(store: ActionsStore, trigger: string, b: Binding): Record<string, unknown> {
  const action = store.actions.get(b.actionId);
  return {
    id: b.id,
    trigger_id: trigger,
    ...(action ? { action: actionView(action, "built") } : {}),
    created_at: b.createdAt,
    updated_at: b.updatedAt,
    display_name: b.displayName,
  };
}
