/**
 * Request body parsing for the Auth0 paths: JSON everywhere, form encoding also on /oauth/token and
 * /mfa/challenge (docs/behaviour.md#request-media-types). A body that is not JSON or not an object gets a 400
 * `invalid_request`; a non-empty body of another (or no) content type gets a 415 `invalid_request` naming the
 * accepted types. What Auth0 answers there is unknown (its body parser may ignore the body and answer a
 * missing parameter); 415 says what is wrong, and the description lists it.
 */
import { errors, fail, type Reply } from "../reply.ts";

export type Fields = Record<string, unknown>;

const EMPTY: Fields = Object.freeze({}) as Fields;

/** Size of a raw body in bytes. */
export function byteLength(body: string | Buffer | undefined): number {
  if (body === undefined) return 0;
  return typeof body === "string" ? Buffer.byteLength(body) : body.length;
}

/** The media type of a content-type header, lower-cased, without parameters ("" when absent). */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return "";
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Parses form fields; the first occurrence of a repeated field wins, as with Auth0's parser. */
function parseForm(text: string): Fields {
  const out: Fields = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Parses a request body into fields, or answers the 400 Auth0 would give. `allowForm` is true on the
 * endpoints that accept `application/x-www-form-urlencoded`.
 */
export function parseBody(
  contentType: string | undefined,
  raw: string | Buffer | undefined,
  allowForm: boolean,
): { fields: Fields } | { reply: Reply } {
  const text = textOf(raw);
  const type = mediaType(contentType);
  if (text.trim() === "") return { fields: EMPTY };
  if (type === "application/json") return jsonObject(text);
  if (allowForm && type === "application/x-www-form-urlencoded") return { fields: parseForm(text) };
  const accepted = allowForm ? "application/json or application/x-www-form-urlencoded" : "application/json";
  return { reply: fail(errors.unsupportedContentType(type, accepted)) };
}

/** A non-empty text as a JSON object, or the 400 for one that is not. */
function jsonObject(text: string): { fields: Fields } | { reply: Reply } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reply: fail(errors.invalidJson) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { reply: fail(errors.notJsonObject) };
  }
  return { fields: value as Fields };
}

/**
 * A control API body (/__mock): JSON whatever the content type says, an empty body is `{}`, and
 * anything but a JSON object is the same 400 as on an Auth0 path.
 */
export function parseControlBody(raw: string | Buffer | undefined): { fields: Fields } | { reply: Reply } {
  const text = textOf(raw);
  return text.trim() === "" ? { fields: {} } : jsonObject(text);
}

/**
 * A Management API body (/api/v2, the client-credentials grant): a form when the content type says
 * so, JSON otherwise (empty is `{}`); undefined when unreadable, which that API answers in its own
 * envelope.
 */
export function parseManagementBody(
  contentType: string | undefined,
  raw: string | Buffer | undefined,
): Fields | undefined {
  const text = textOf(raw);
  if (mediaType(contentType) === "application/x-www-form-urlencoded") return parseForm(text);
  if (text.trim() === "") return {};
  const parsed = jsonObject(text);
  return "fields" in parsed ? parsed.fields : undefined;
}

function textOf(raw: string | Buffer | undefined): string {
  return raw === undefined ? "" : typeof raw === "string" ? raw : raw.toString("utf8");
}

/** A field as a non-empty string, or undefined (numbers are accepted as their decimal text). */
export function str(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}
