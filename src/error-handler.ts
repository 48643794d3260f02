import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";
import { ConfigError } from "./config";
import { ApiError, errorBody } from "./errors";
import { errorText, log } from "./lib/log";
import { isV1Path, openAiError } from "./v1/errors";

/**
 * The one error handler: every failure leaves as {"error": {code, message,
 * details?, request_id}}, or in OpenAI's shape under /v1.
 */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId");
  const failure = asApiError(err, requestId);
  if (isV1Path(c.req.path)) {
    const { body, headers } = openAiError(failure);
    return c.json(body, failure.status, headers);
  }
  return c.json(errorBody(failure.code, failure.message, failure.details, requestId), failure.status);
}

function asApiError(err: Error, requestId: string): ApiError {
  if (err instanceof ApiError) {
    if (err.status >= 500) log("error", err.code, { request_id: requestId, error: err.message });
    return err;
  }
  if (err instanceof HTTPException) {
    // hono's own validator: malformed JSON bodies.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 ? "invalid_json" : status === 413 ? "payload_too_large" : "http_error";
    return new ApiError(status, code, err.message || "request failed");
  }
  if (err instanceof ConfigError) {
    log("error", "server_misconfigured", { request_id: requestId, error: err.message });
    return new ApiError(503, "server_misconfigured", err.message);
  }
  log("error", "unhandled_error", { request_id: requestId, error: errorText(err) });
  return new ApiError(500, "internal_error", "internal error");
}
