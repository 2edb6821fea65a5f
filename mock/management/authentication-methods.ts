/**
 * The MFA API's authenticators as the Management API's authentication methods.
 */
import { factorModule } from "../factors/index.ts";
import type { Reply } from "../reply.ts";
import type { User } from "../store/records.ts";
import { json } from "./errors.ts";

/** Auth0 caps per_page at 100 on paged Management endpoints. */
const MAX_PER_PAGE = 100;
/** A method as the Management API lists it, with the MFA API ids it stands for. */
export interface MethodView {
  id: string;
  type: string;
  confirmed: boolean;
  created_at: string;
  phone_number?: string;
  preferred_authentication_method?: string;
  authentication_methods?: { id: string; type: string }[];
  /** Not shown: the MFA API ids this method stands for. */
  authenticatorIds: string[];
}

/**
 * The MFA API's authenticators as Management API authentication methods: the authenticators whose
 * factor module names one method are listed under it (a phone: one `phone|dev_X` for the sms and
 * voice of a device, listing both channels); any other is a method of its own (`recovery-code|dev_X`,
 * `totp|…`, `email|…`, `push|…`).
 */
export function authenticationMethods(user: User): MethodView[] {
  const out: MethodView[] = [];
  const grouped = new Map<string, MethodView>();
  for (const a of user.authenticators) {
    const created = new Date(a.createdAt).toISOString();
    const method = factorModule(a).managementMethod?.(a);
    if (method === undefined) {
      out.push({
        id: a.id,
        type: a.kind,
        confirmed: a.active,
        created_at: created,
        authenticatorIds: [a.id],
      });
      continue;
    }
    let view = grouped.get(method.id);
    if (!view) {
      view = {
        id: method.id,
        type: method.type,
        confirmed: a.active,
        created_at: created,
        ...method.fields,
        preferred_authentication_method: a.kind,
        authentication_methods: [],
        authenticatorIds: [],
      };
      grouped.set(method.id, view);
      out.push(view);
    }
    view.confirmed ||= a.active;
    view.authentication_methods?.push({ id: a.id, type: a.kind });
    view.authenticatorIds.push(a.id);
  }
  return out;
}

/** GET /api/v2/users/{id}/authentication-methods (page, per_page, include_totals). */
export function listMethods(user: User, url: URL): Reply {
  const page = Math.max(0, Number.parseInt(url.searchParams.get("page") ?? "0", 10) || 0);
  const perPage = Math.min(
    MAX_PER_PAGE,
    Math.max(1, Number.parseInt(url.searchParams.get("per_page") ?? "50", 10) || 50),
  );
  const all = authenticationMethods(user).map(({ authenticatorIds: _ids, ...view }) => view);
  const slice = all.slice(page * perPage, (page + 1) * perPage);
  if (url.searchParams.get("include_totals") === "true") {
    return json(200, { start: page * perPage, limit: perPage, total: all.length, authenticators: slice });
  }
  return json(200, slice);
}
