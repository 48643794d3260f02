import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { sweep } from "../lifecycle/sweep";

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("identity").role !== "admin") throw new ApiError(403, "forbidden", "tenant admin role required");
  await next();
});

/** Tenant-admin operations, always limited to the admin's own tenant. */
export const adminRoutes = new Hono<AppEnv>().use("*", requireAdmin).post("/cleanup", async (c) => {
  const result = await sweep(c.env, Date.now(), c.get("identity").tenantId);
  return c.json(result);
});
