/**
 * The Management API's answers: its envelope `{statusCode, error, message, errorCode?}` (not the
 * Authentication API's `{error, error_description}` of reply.ts) and its headers.
 */
import type { Reply } from "../reply.ts";

const JSON_UTF8 = "application/json; charset=utf-8";
const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
};

/** A Management API answer (its own headers: the app adds only the rate-limit ones). */
export function json(status: number, body: unknown, contentType = JSON_UTF8): Reply {
  return { status, headers: { "content-type": contentType, "cache-control": "no-cache" }, body };
}

/** A Management API error: `{statusCode, error, message, errorCode?}`. */
export function mgmtError(status: number, message: string, errorCode?: string, extra?: object): Reply {
  return json(status, {
    statusCode: status,
    error: REASON[status] ?? "Error",
    message,
    ...(errorCode ? { errorCode } : {}),
    ...extra,
  });
}

/** The 204 of a delete. */
export const noContent = (): Reply => ({
  status: 204,
  headers: { "cache-control": "no-cache" },
  body: undefined,
});

/** The 404 of an unknown user (read, list, delete of its methods). */
export const inexistentUser = (): Reply => mgmtError(404, "The user does not exist.", "inexistent_user");
