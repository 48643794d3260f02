import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { configurationProblems } from "../config";
import { log } from "../lib/log";
import { describe, jsonContent } from "../openapi/describe";
import { healthMisconfigured, healthOk } from "../openapi/schemas";

/**
 * GET /health: open. 200 when the service can serve; 503 naming every missing
 * secret or bad configuration key, so an operator sees at once what to fix.
 */
const doc = describe({
  operationId: "health",
  summary: "Whether the service can serve",
  tag: "service",
  open: true,
  ok: { status: 200, schema: healthOk, description: "Ready" },
  errors: [],
  extra: {
    responses: {
      503: {
        description: "Misconfigured: every missing secret and bad [vars] key",
        content: jsonContent(healthMisconfigured),
      },
    },
  },
});

export const healthRoutes = new Hono<AppEnv>().get("/health", doc, (c) => {
  const problems = configurationProblems(c.env);
  if (problems.length === 0) return c.json({ status: "ok" });
  log("error", "server_misconfigured", { request_id: c.get("requestId"), problems });
  return c.json({ status: "misconfigured", problems }, 503);
});
