import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { sweep } from "../lifecycle/sweep";
import { requireAdmin } from "../middleware/admin";
import { describe } from "../openapi/describe";
import { sweepResult } from "../openapi/schemas";

/** Tenant-admin operations, always limited to the admin's own tenant. */
const doc = describe({
  operationId: "cleanup",
  summary: "Tenant admin: run the inactivity and retention sweep for the admin's own tenant",
  tag: "admin",
  ok: { status: 200, schema: sweepResult, description: "What the sweep did" },
  errors: [403, 413],
});

export const adminRoutes = new Hono<AppEnv>().use("*", requireAdmin).post("/cleanup", doc, async (c) => {
  const result = await sweep(c.env, Date.now(), c.get("identity").tenantId);
  return c.json(result);
});
