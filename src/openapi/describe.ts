import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import type { z } from "zod";
import { errorResponse } from "./schemas";

/**
 * Route annotations for the OpenAPI document: the success response and the
 * error statuses a route really answers, each with the codes it can carry
 * (README "Errors"). 401 and 503 are added to every /api route by
 * `authErrors` below, mounted next to the auth middleware in src/app.ts.
 */

const ERRORS = {
  400: "`invalid_request` (a field missing, of the wrong type or out of range; `details` lists each), `invalid_json`, `invalid_content_type`",
  401: "`unauthorized`: no, or a bad, bearer token",
  403: "`forbidden`: `user_context` names someone else, or the route needs the tenant admin role",
  404: "`not_found`: no such session or document, or one that is not the caller's (answered alike)",
  409: "`session_ended`, `idempotency_key_reused`, `idempotency_key_in_use`",
  413: "`payload_too_large`: a text over its character limit, or a body too large to hold one",
  502: "`answer_failed`: the answer provider failed; `details` tells how to retry the turn",
  503: "`server_misconfigured` (a secret or [vars] value is missing or bad), `jwks_unavailable` (the identity provider's keys cannot be fetched), or `knowledge_unavailable` on a chat turn",
  504: "`answer_timeout`: the answer provider gave no answer in time; `details` tells how to retry the turn",
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** Response bodies describe what the service sends: zod's output side. */
const OUTPUT = { options: { io: "output" } };

export const jsonContent = (schema: z.ZodType) => ({ "application/json": { schema: resolver(schema, OUTPUT) } });

/** Every response of the worker carries it (src/middleware/request-context.ts). */
export const headers = {
  "x-request-id": {
    description:
      "The request's id: the one sent in x-request-id if it was 1–128 visible ASCII characters, else a new UUID",
    schema: { type: "string" },
  },
} as const;

export const errorResponses = (...statuses: ErrorStatus[]): NonNullable<DescribeRouteOptions["responses"]> =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      // x-ms-error-response: AutoRest's generated clients return a declared 4xx as a value unless it is marked.
      { description: ERRORS[s], headers, content: jsonContent(errorResponse), "x-ms-error-response": true },
    ]),
  );

const idempotencyKey = {
  in: "header",
  name: "Idempotency-Key",
  required: false,
  description:
    "1–255 visible ASCII characters. The same key and request within 24 h return the first response again and store nothing.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
} as const;

export interface RouteDoc {
  operationId: string;
  summary: string;
  tag: string;
  description?: string;
  /**
   * The success status, its body (null: none) and what it means; for a stream, the schema of one event;
   * `mediaType` for a body that is not JSON (the schema is then that of one line).
   */
  ok: { status: number; schema: z.ZodType | null; description: string; events?: z.ZodType; mediaType?: string };
  errors: ErrorStatus[];
  idempotent?: boolean;
  /** A JSON body the route accepts but does not require (one that is required comes from its validator). */
  optionalBody?: z.ZodType;
  /** Open routes (no bearer token). */
  open?: boolean;
  /** Anything else, merged last (e.g. a second content type). */
  extra?: Partial<DescribeRouteOptions>;
}

/** One route's annotation: a middleware that does nothing at run time and is read by the document's generator. */
export function describe(doc: RouteDoc) {
  const { ok } = doc;
  const content = {
    ...(ok.schema ? { [ok.mediaType ?? "application/json"]: { schema: resolver(ok.schema, OUTPUT) } } : {}),
    ...(ok.events ? { "text/event-stream": { schema: resolver(ok.events, OUTPUT) } } : {}),
  };
  return describeRoute({
    operationId: doc.operationId,
    summary: doc.summary,
    description: doc.description,
    tags: [doc.tag],
    ...(doc.open ? { security: [] } : {}),
    ...(doc.idempotent ? { parameters: [idempotencyKey] } : {}),
    ...(doc.optionalBody
      ? { requestBody: { required: false, content: { "application/json": { schema: resolver(doc.optionalBody) } } } }
      : {}),
    ...doc.extra,
    responses: {
      [ok.status]: { description: ok.description, headers, ...(Object.keys(content).length > 0 ? { content } : {}) },
      ...errorResponses(...doc.errors),
      ...Object.fromEntries(
        Object.entries(doc.extra?.responses ?? {}).map(([status, r]) => [status, { headers, ...r }]),
      ),
    },
  });
}

/** On `/api/*` with the auth middleware: every API route can answer these two. */
export const authErrors = describeRoute({ responses: errorResponses(401, 503) });
