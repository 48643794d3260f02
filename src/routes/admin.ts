import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { sweep } from "../lifecycle/sweep";
import { requireAdmin } from "../middleware/admin";

/** Tenant-admin operations, always limited to the admin's own tenant. */
export const adminRoutes = new Hono<AppEnv>().use("*", requireAdmin).post("/cleanup", async (c) => {
  const result = await sweep(c.env, Date.now(), c.get("identity").tenantId);
  return c.json(result);
});
