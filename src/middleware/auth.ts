import { createMiddleware } from "hono/factory";
import type { AppEnv, Identity } from "../app-env";
import { JwksUnavailable } from "../auth/jwks";
import { TokenRejected, type VerifySettings, verifyToken } from "../auth/verify";
import { authProblems, type Config, tokenAlgorithms } from "../config";
import { ApiError } from "../errors";
import { log } from "../lib/log";

const unauthorized = (message: string) => new ApiError(401, "unauthorized", message);

/** The verification settings of one deployment, derived once per env object. */
const settingsOf = new WeakMap<object, VerifySettings>();
function verifySettings(env: Env, config: Config): VerifySettings {
  const cached = settingsOf.get(env);
  if (cached) return cached;
  const problems = authProblems(env, config);
  if (problems.length > 0) throw new ApiError(503, "server_misconfigured", problems.join("; "));
  const settings: VerifySettings = {
    algorithms: tokenAlgorithms(env, config),
    secret: env.JWT_SECRET || undefined,
    jwks: config.JWT_JWKS
      ? { keys: config.JWT_JWKS.keys }
      : config.JWT_JWKS_URL
        ? { url: config.JWT_JWKS_URL, maxAgeMs: config.JWT_JWKS_CACHE_SEC * 1000 }
        : undefined,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxLifetimeSec: config.JWT_MAX_TOKEN_LIFETIME_SEC,
  };
  settingsOf.set(env, settings);
  return settings;
}

const SAFE_ID = /^[1-9][0-9]{0,15}$/;

/**
 * A tenant or user id claim: a positive whole number. `sub` is a string by
 * RFC 7519, so there its decimal form ("42") is accepted too.
 */
function idClaim(claims: Record<string, unknown>, name: string): number | null {
  const value = claims[name];
  const id = name === "sub" && typeof value === "string" && SAFE_ID.test(value) ? Number(value) : value;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Verifies the bearer JWT (HS256 with JWT_SECRET, RS256/ES256 with the
 * identity provider's JWKS; see src/auth/) and puts the caller's identity on
 * the context, from the claims JWT_TENANT_CLAIM and JWT_USER_CLAIM name.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  const settings = verifySettings(c.env, config);
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(c.req.header("authorization") ?? "");
  if (!match) throw unauthorized("missing or malformed Authorization: Bearer token");
  let claims: Record<string, unknown>;
  try {
    claims = await verifyToken(match[1] as string, settings, Date.now());
  } catch (err) {
    if (err instanceof TokenRejected) throw unauthorized(err.message);
    if (err instanceof JwksUnavailable) {
      log("error", "jwks_unavailable", { request_id: c.get("requestId"), error: err.message });
      throw new ApiError(503, "jwks_unavailable", "the identity provider's keys cannot be fetched; try again later");
    }
    throw err;
  }
  const tenantId = idClaim(claims, config.JWT_TENANT_CLAIM);
  const userId = idClaim(claims, config.JWT_USER_CLAIM);
  if (tenantId === null || userId === null) {
    throw unauthorized(`token lacks integer ${config.JWT_TENANT_CLAIM}, ${config.JWT_USER_CLAIM} or exp`);
  }
  // A role we do not know is refused, not read as "user": it may mean more than the token should get.
  const { role = "user" } = claims;
  if (role !== "user" && role !== "admin") throw unauthorized('token role must be "admin" or "user"');
  const identity: Identity = {
    tenantId,
    userId,
    role,
    requestId: c.get("requestId"),
  };
  c.set("identity", identity);
  await next();
});
