import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

/** Tenant-admin only (the token's role claim); an admin acts only within their own tenant. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("identity").role !== "admin") throw new ApiError(403, "forbidden", "tenant admin role required");
  await next();
});
