import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { eraseUser } from "../lifecycle/erasure";
import { describe } from "../openapi/describe";
import { erasureReport } from "../openapi/schemas";

/**
 * DELETE /api/users/:user/data: erasure. `me` (or one's own id) for anyone; any
 * user id of the tenant for the tenant's admin.
 */
const doc = describe({
  operationId: "eraseUserData",
  summary: "Erase a user's data: `me`, or (tenant admin) any user id of the tenant",
  tag: "users",
  description:
    "Hard-deletes the user's sessions, messages, summaries, archives and kept Idempotency-Key responses everywhere.",
  ok: { status: 200, schema: erasureReport, description: "What was removed" },
  errors: [400, 403],
});

export const userRoutes = new Hono<AppEnv>().delete("/:user/data", doc, async (c) => {
  const who = c.get("identity");
  const raw = c.req.param("user");
  const userId = raw === "me" ? who.userId : Number(raw);
  if (!Number.isSafeInteger(userId) || userId < 1)
    throw new ApiError(400, "invalid_request", "user: 'me' or a user id");
  if (userId !== who.userId && who.role !== "admin") {
    throw new ApiError(403, "forbidden", "only a tenant admin may erase another user's data");
  }
  const removed = await eraseUser(c.env, { tenantId: who.tenantId, userId });
  return c.json({ tenant_id: who.tenantId, user_id: userId, removed });
});
