import { createMiddleware } from "hono/factory";
import { verify } from "hono/jwt";
import { z } from "zod";
import type { AppEnv, Identity } from "../app-env";
import { ApiError } from "../errors";

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The claims we require; `exp` is mandatory (hono only checks it when present). */
const claimsSchema = z.object({
  tenant_id: id,
  user_id: id,
  exp: z.number().finite(),
  role: z.enum(["user", "admin"]).optional(),
});

const unauthorized = (message: string) => new ApiError(401, "unauthorized", message);

/** JWT_SECRET as an HMAC key, imported once per isolate rather than on every request. */
const keys = new Map<string, Promise<CryptoKey>>();
function verifyingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = new TextEncoder().encode(secret);
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** Verifies the bearer JWT (HS256 only) and puts the caller's identity on the context. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.env.JWT_SECRET;
  if (!secret) throw new ApiError(503, "server_misconfigured", "JWT_SECRET is not set");
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(c.req.header("authorization") ?? "");
  if (!match) throw unauthorized("missing or malformed Authorization: Bearer token");
  let payload: unknown;
  try {
    // Pinning the algorithm rejects `none` and every other alg outright.
    payload = await verify(match[1] as string, await verifyingKey(secret), "HS256");
  } catch {
    throw unauthorized("invalid or expired token");
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized("token lacks integer tenant_id, user_id or exp");
  const identity: Identity = {
    tenantId: claims.data.tenant_id,
    userId: claims.data.user_id,
    role: claims.data.role ?? "user",
    requestId: c.get("requestId"),
  };
  c.set("identity", identity);
  await next();
});
