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
 * Its parts: action-store.ts (what is kept), action-draft.ts (a create's or an update's fields),
 * action-views.ts (the answers' shapes); this module routes and answers.
 */
import { randomUUID } from "node:crypto";
import { ConfigError, type MockConfig, mergeConfig } from "../config/config.ts";
import type { Reply } from "../reply.ts";
import { mergeSecrets, readDraft } from "./action-draft.ts";
import {
  type ActionRecord,
  type ActionsStore,
  type Binding,
  deploy,
  POST_LOGIN,
  storeOf,
  TRIGGER_ID,
} from "./action-store.ts";
import { actionView, bindingView, paging, versionView } from "./action-views.ts";
import { authorize, fields, type ManagementContext, type ManagementRequest } from "./context.ts";
import { json, managementErrors, mgmtError, noContent } from "./errors.ts";
import { audiencesRefusal, configPatch, postLoginEffect, sameEffect } from "./post-login.ts";

/**
 * What the Actions API needs of the app beyond the users': its whole configuration, to change it, and
 * whether the mock listens off loopback (docs/behaviour.md#exposure).
 */
export interface ActionsContext extends ManagementContext {
  config: MockConfig;
  readonly exposed: boolean;
  reconfigure(next: MockConfig): void;
}

/** The mock's bounds, so no caller can grow its state without end (Auth0's own limits are not documented here). */
const MAX_ACTIONS = 100;
const MAX_BINDINGS = 20;
/** Auth0's default runtime for a new Action when none is given. */
const DEFAULT_RUNTIME = "node22";

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

function now(ctx: ActionsContext): string {
  return new Date(ctx.clock.now()).toISOString();
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
  const effect = postLoginEffect(store.running(POST_LOGIN));
  if (sameEffect(effect, store.applied)) return undefined;
  // A ConfigError's message quotes the value it refuses: a secret's, here. The answer names the
  // secret and the rule instead, and never quotes the configuration's message.
  const refusal = audiencesRefusal(effect);
  if (refusal !== undefined) {
    return mgmtError(managementErrors.invalidPayload(`'${refusal}' on the Action's secrets.`));
  }
  let next: MockConfig;
  try {
    next = mergeConfig(ctx.config, configPatch(effect));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return mgmtError(
      managementErrors.invalidPayload(`'The configuration cannot take ${e.option}' on the Action's secrets.`),
    );
  }
  if (switches(ctx.config, next)) {
    const why = configurationGuard(ctx);
    if (why !== undefined) return mgmtError(managementErrors.configurationGuarded(why));
  }
  ctx.reconfigure(next);
  store.applied = effect;
  return undefined;
}

/** True when `next` changes what the post-login Actions set: MFA on refresh and its narrowing. */
function switches(now: MockConfig, next: MockConfig): boolean {
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    now.mfaOnRefresh !== next.mfaOnRefresh ||
    !same(now.mfaOnRefreshAudiences, next.mfaOnRefreshAudiences) ||
    !same(now.mfaOnRefreshScopes, next.mfaOnRefreshScopes)
  );
}

/**
 * Why the Actions may not switch the configuration here, and what to do instead (docs/behaviour.md#exposure);
 * undefined where they may: on loopback without a control token, where `PUT /__mock/config` takes the
 * same change without a credential. Anywhere else the control token guards the configuration, and a
 * Management API request, which carries a Management API token, is no way around it.
 */
function configurationGuard(ctx: ActionsContext): string | undefined {
  const c = ctx.config;
  if (!ctx.exposed && c.controlToken === "") return undefined;
  const where = ctx.exposed ? "the mock listens off loopback" : "the mock has a control token";
  if (!c.control) {
    return (
      `${where} with its control API off, so its configuration is the one it was started with: ` +
      "start it with --mfa-on-refresh and --mfa-on-refresh-audiences (MOCK_MFA_ON_REFRESH, " +
      "MOCK_MFA_ON_REFRESH_AUDIENCES) instead"
    );
  }
  return (
    `${where}, so its configuration changes only through the control API, with the control token: ` +
    "make the change with PUT /__mock/config (mfa_on_refresh, mfa_on_refresh_audiences) and " +
    "Authorization: Bearer <control token> first; then this request switches nothing and is taken"
  );
}
