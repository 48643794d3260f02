import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "./config";
import { ApiError, errorBody } from "./errors";

/** The one error handler: every failure leaves as {"error": {code, message, details?}}. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    // hono's own validator: malformed JSON bodies.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 ? "invalid_json" : status === 413 ? "payload_too_large" : "http_error";
    return c.json(errorBody(code, err.message || "request failed"), status);
  }
  if (err instanceof ConfigError) {
    console.error(err.message);
    return c.json(errorBody("server_misconfigured", err.message), 500);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "internal error"), 500);
}
