/**
 * What the Actions API keeps (docs/behaviour.md#post-login-actions): Actions with their draft and
 * deployed version, bindings by trigger, and the post-login effect last applied to the configuration,
 * one store per app.
 */
import { randomUUID } from "node:crypto";
import type { PostLoginEffect } from "./post-login.ts";

/** A trigger id as Auth0 spells them (post-login, send-phone-message, custom-email-provider …). */
export const TRIGGER_ID = /^[a-z][a-z0-9-]{0,63}$/;
export const POST_LOGIN = "post-login";

export interface SupportedTrigger {
  id: string;
  version: string;
}

/** A deployed version: immutable, what a binding runs. */
export interface Version {
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

export interface ActionRecord {
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

export interface Binding {
  id: string;
  actionId: string;
  displayName: string;
  createdAt: string;
  updatedAt: string;
}

/** One app's Actions, bindings by trigger, and the effect last applied to its configuration. */
export class ActionsStore {
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

  /** The deployed versions bound to a trigger, in binding order. */
  running(trigger: string): Version[] {
    return (this.bindings.get(trigger) ?? []).flatMap((b) => {
      const v = this.actions.get(b.actionId)?.deployed;
      return v === undefined ? [] : [v];
    });
  }
}

/** Per app (keyed by its runtime), beside its configuration: a reset of the state does not reach it. */
const stores = new WeakMap<object, ActionsStore>();

/** The store of the app whose runtime (or context) is `owner`, made on first use. */
export function storeOf(owner: object): ActionsStore {
  let store = stores.get(owner);
  if (store === undefined) {
    store = new ActionsStore();
    stores.set(owner, store);
  }
  return store;
}

/** Makes the draft the deployed version. */
export function deploy(action: ActionRecord, at: string): Version {
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
