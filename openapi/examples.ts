/**
 * Well-formed responses and the description's own examples (read from the YAML), shared by the
 * openapi/ unit tests and the validation benchmark. Uses node:fs, so k6 code must not import it.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { OperationId, ResponseLike } from "./validate.ts";

/** Headers of a conforming response: rate-limit headers, retry-after on 429, and the content type. */
export function goodHeaders(status: number, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ratelimit-limit": "25",
    "x-ratelimit-remaining": "24",
    "x-ratelimit-reset": "1767225600",
  };
  if (status === 429) headers["retry-after"] = "60";
  // /userinfo's refusals carry their reason in a Bearer challenge; other 401s may have it too.
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="Users"';
  if (contentType) headers["content-type"] = contentType;
  return headers;
}

/** A conforming response of an `/mfa/*` operation (charset=utf-8) or `/oauth/token` (plain JSON). */
export function response(op: OperationId, status: number, body: unknown): ResponseLike {
  const contentType = op === "token" ? "application/json" : "application/json; charset=utf-8";
  return { status, headers: goodHeaders(status, body === undefined ? undefined : contentType), body };
}

/** The authenticators list on Auth0's "Enroll and Challenge SMS and Voice Authenticators" page, verbatim. */
export const auth0PageAuthenticators = [
  { id: "recovery-code|dev_O4KYL4FtcLAVRsCl", authenticator_type: "recovery-code", active: true },
  {
    id: "sms|dev_NU1Ofuw3Cw0XCt5x",
    authenticator_type: "oob",
    active: true,
    oob_channel: "sms",
    name: "XXXXXXXX8730",
  },
  {
    id: "voice|dev_NU1Ofuw3Cw0XCt5x",
    authenticator_type: "oob",
    active: true,
    oob_channel: "voice",
    name: "XXXXXXXX8730",
  },
];

/** One example of the description, with where it was found. */
export interface DescribedExample {
  operation: OperationId;
  kind: "request" | "response";
  status?: number;
  contentType: string;
  name: string;
  value: unknown;
}

type Media = { example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: OperationId;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { $ref?: string; content?: Record<string, Media> }>;
};
type Description = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content?: Record<string, Media> }> };
};

/** Every request and response example of the description, components' shared responses included. */
export function describedExamples(): DescribedExample[] {
  const text = readFileSync(new URL("./auth0-mfa.yaml", import.meta.url), "utf8");
  const doc = parse(text, { maxAliasCount: -1 }) as Description;
  const out: DescribedExample[] = [];
  const collect = (
    base: Omit<DescribedExample, "contentType" | "name" | "value">,
    content: Record<string, Media>,
  ) => {
    for (const [contentType, media] of Object.entries(content)) {
      if (media.example !== undefined)
        out.push({ ...base, contentType, name: "example", value: media.example });
      for (const [name, ex] of Object.entries(media.examples ?? {})) {
        out.push({ ...base, contentType, name, value: ex.value });
      }
    }
  };
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      if (op.requestBody) collect({ operation: op.operationId, kind: "request" }, op.requestBody.content);
      for (const [status, res] of Object.entries(op.responses)) {
        const resolved = res.$ref ? doc.components.responses[res.$ref.split("/").pop() ?? ""] : res;
        if (resolved?.content) {
          collect({ operation: op.operationId, kind: "response", status: Number(status) }, resolved.content);
        }
      }
    }
  }
  return out;
}
