import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { ApiError } from "../errors";
import type { openAiError as openAiErrorSchema } from "./schemas";

/** OpenAI's error shape, which the SDKs turn into their exception classes by status (declared in schemas.ts). */
export type OpenAiErrorBody = z.infer<typeof openAiErrorSchema>;

/** An /v1 error that tells the SDKs not to retry it on their own (see `x-should-retry`). */
export class V1Error extends ApiError {
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    details?: unknown,
    readonly retry?: false,
  ) {
    super(status, code, message, details);
  }
}

export const isV1Path = (path: string): boolean => /^\/v1(\/|$)/.test(path);

const typeOf = (status: number): OpenAiErrorBody["error"]["type"] =>
  status === 401
    ? "authentication_error"
    : status === 403
      ? "permission_error"
      : status === 429
        ? "rate_limit_error"
        : status >= 500
          ? "server_error"
          : "invalid_request_error";

/** Retrying these changes nothing: the SDKs (which retry 409 and 5xx) are told so. */
const FINAL = new Set(["session_ended", "idempotency_key_reused", "unsupported_operation"]);

/** The parameter a validation error names: the first field of its details ([{field, message}], see lib/validate). */
function paramOf(details: unknown): string | null {
  if (!Array.isArray(details)) return null;
  const field = (details[0] as { field?: unknown } | undefined)?.field;
  return typeof field === "string" && field !== "body" && field !== "query" ? field : null;
}

/** An ApiError as /v1 answers it: OpenAI's shape, the same status and code. */
export function openAiError(err: ApiError): { body: OpenAiErrorBody; headers: Record<string, string> } {
  const extra = err.details !== undefined && !Array.isArray(err.details) ? { details: err.details } : {};
  const body = {
    error: { message: err.message, type: typeOf(err.status), param: paramOf(err.details), code: err.code, ...extra },
  };
  const final = FINAL.has(err.code) || (err instanceof V1Error && err.retry === false);
  return { body, headers: final ? { "x-should-retry": "false" } : {} };
}

/** 400 naming the parameter, in the details shape of every validation error. */
export const badParam = (param: string, message: string, code = "invalid_request") =>
  new ApiError(400, code, `${param}: ${message}`, [{ field: param, message }]);

export const notFoundParam = (param: string, what: string) =>
  new ApiError(404, "not_found", `${what} not found`, [{ field: param, message: `${what} not found` }]);
