import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { configurationProblems } from "../config";
import { log } from "../lib/log";

/**
 * GET /health: open. 200 when the service can serve; 503 naming every missing
 * secret or bad configuration key, so an operator sees at once what to fix.
 */
export const healthRoutes = new Hono<AppEnv>().get("/health", (c) => {
  const problems = configurationProblems(c.env);
  if (problems.length === 0) return c.json({ status: "ok" });
  log("error", "server_misconfigured", { request_id: c.get("requestId"), problems });
  return c.json({ status: "misconfigured", problems }, 503);
});
