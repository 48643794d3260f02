import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";
import { ConfigError } from "./config";
import { ApiError, errorBody } from "./errors";
import { errorText, log } from "./lib/log";

/** The one error handler: every failure leaves as {"error": {code, message, details?, request_id}}. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId");
  if (err instanceof ApiError) {
    if (err.status >= 500) log("error", err.code, { request_id: requestId, error: err.message });
    return c.json(errorBody(err.code, err.message, err.details, requestId), err.status);
  }
  if (err instanceof HTTPException) {
    // hono's own validator: malformed JSON bodies.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 ? "invalid_json" : status === 413 ? "payload_too_large" : "http_error";
    return c.json(errorBody(code, err.message || "request failed", undefined, requestId), status);
  }
  if (err instanceof ConfigError) {
    log("error", "server_misconfigured", { request_id: requestId, error: err.message });
    return c.json(errorBody("server_misconfigured", err.message, undefined, requestId), 503);
  }
  log("error", "unhandled_error", { request_id: requestId, error: errorText(err) });
  return c.json(errorBody("internal_error", "internal error", undefined, requestId), 500);
}
