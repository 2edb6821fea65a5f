/**
 * The Actions API's answers in Auth0's shapes (go-auth0's recordings `TestActionManager_*`): an
 * Action, a version, a binding, and the paging of a list. A secret's value is never in any of them.
 */
import type { ActionRecord, ActionsStore, Binding, Version } from "./action-store.ts";

const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

/** The page a list asks for: `page` from 0, `per_page` 50 unless told, at most 100. */
export function paging(url: URL): { page: number; perPage: number } {
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

/** A version as Auth0 answers one (`deployed` says whether it is the one that runs). */
export function versionView(v: Version, deployed: boolean): Record<string, unknown> {
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
export function actionView(a: ActionRecord, status: "pending" | "built"): Record<string, unknown> {
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

/** A binding as Auth0 answers one, with the whole Action in it. */
export function bindingView(store: ActionsStore, trigger: string, b: Binding): Record<string, unknown> {
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
