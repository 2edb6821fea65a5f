/**
 * An Action's draft as a create or an update gives it (docs/behaviour.md#post-login-actions): the
 * fields read and checked against the mock's bounds, and the secrets merged as Auth0 merges them.
 */
import type { Reply } from "../reply.ts";
import { type ActionRecord, POST_LOGIN, type SupportedTrigger, TRIGGER_ID } from "./action-store.ts";
import { fields, type ManagementRequest } from "./context.ts";
import { managementErrors, mgmtError } from "./errors.ts";

/** The mock's bounds, so no caller can grow its state without end (Auth0's own limits are not documented here). */
const MAX_CODE_CHARS = 100_000;
const MAX_SECRETS = 50;

/** A draft as a request body gives it: the fields checked, or the refusal. */
export interface Draft {
  name?: string;
  supportedTriggers?: SupportedTrigger[];
  code?: string;
  runtime?: string;
  dependencies?: unknown[];
  secrets?: Array<{ name: string; value: string | undefined }>;
  deploy: boolean;
}

/** Reads the fields of a create or an update; `creating` makes name and supported_triggers required. */
export function readDraft(req: ManagementRequest, creating: boolean): Draft | Reply {
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

/** The secrets of a draft applied to an Action's: the list replaces them; an entry without a value keeps the old one. */
export function mergeSecrets(
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
