import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error type of the HTTP layer; the error handler turns it into JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what = "session") => new ApiError(404, "not_found", `${what} not found`);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id?: string };
}

/** The one error shape; `request_id` ties it to the response header and the log lines. */
export function errorBody(code: string, message: string, details?: unknown, requestId?: string): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
  };
}
