import { z } from "zod";
import type { Identity } from "../app-env";
import { ApiError } from "../errors";

/** The seed's `user_context` body field: if present, it must name the caller. */
export const userContextSchema = z.object({
  tenant_id: z
    .number()
    .int()
    .meta({ examples: [1] }),
  user_id: z
    .number()
    .int()
    .meta({ examples: [1] }),
});

/** The seed's `user_context` in a body must name the token's own identity. */
export function assertUserContext(
  identity: Identity,
  userContext: { tenant_id: number; user_id: number } | undefined,
): void {
  if (userContext && (userContext.tenant_id !== identity.tenantId || userContext.user_id !== identity.userId)) {
    throw new ApiError(403, "forbidden", "user_context does not match the authenticated user");
  }
}
