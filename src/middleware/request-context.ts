import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../app-env";
import { getConfig } from "../config";
import { log } from "../lib/log";

/** ACCESS_LOG, or "all" while the configuration is broken (then /health says why). */
function accessLog(env: Env): "errors" | "all" {
  try {
    return getConfig(env).ACCESS_LOG;
  } catch {
    return "all";
  }
}

/** A request id the client sent is kept if it is a sane token; otherwise one is made. */
const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Every response carries `x-request-id` (the client's, or a new one), error
 * bodies include it, and a request ends with one access-log line (request
 * id, tenant, user, session, route, status and duration): every request with
 * ACCESS_LOG=all, the failed ones (status >= 400) with the default "errors",
 * since the platform already records every invocation's status and time.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const sent = c.req.header("x-request-id");
  const requestId = sent && CLIENT_REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  c.res.headers.set("x-request-id", requestId);
  const status = c.res.status;
  if (status < 400 && accessLog(c.env) === "errors") return;
  const identity = c.get("identity");
  log(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request", {
    request_id: requestId,
    tenant_id: identity?.tenantId,
    user_id: identity?.userId,
    session_id: c.get("sessionId"),
    method: c.req.method,
    route: routePath(c),
    status,
    duration_ms: Date.now() - started,
  });
});
