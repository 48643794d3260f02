import { z } from "zod";
import { ALGORITHMS, type Algorithm, jwksSchema } from "./auth/jwk";

/** Wrangler [vars] arrive as strings; these turn them into typed values. */
const int = (min: number, max: number) =>
  z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(min).max(max);
const model = () => z.string().min(1, "must name a Workers AI model");
const flag = z.enum(["true", "false"], { message: "must be true or false" }).transform((v) => v === "true");
const claimName = () => z.string().regex(/^[\w.:/-]{1,100}$/, "must be a claim name");
const algorithmList = z
  .string()
  .transform((v) => v.split(",").map((a) => a.trim()))
  .pipe(z.array(z.enum(ALGORITHMS, { message: `each must be one of ${ALGORITHMS.join(", ")}` })));
/** https, or http to this machine only (a local IdP under `wrangler dev`): keys must not travel in the clear. */
const jwksUrl = z
  .url({ protocol: /^https?$/, message: "must be an https URL" })
  .refine((u) => u.startsWith("https:") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(u), {
    message: "must be an https URL (http only for localhost)",
  });
const inlineJwks = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be a JWKS in JSON: {"keys": [...]}' });
      return z.NEVER;
    }
  })
  .pipe(jwksSchema);

const configSchema = z.object({
  // The seed's keys, with the seed's defaults.
  SESSION_TIMEOUT_HOURS: int(1, 24 * 365).default(24),
  MAX_SESSIONS_PER_USER: int(1, 10_000).default(20),
  MIN_MESSAGES_FOR_SUMMARY: int(1, 10_000).default(4),
  CLEANUP_INACTIVE_SESSIONS: flag.default(true),
  CLEANUP_INTERVAL_HOURS: int(1, 24 * 30).default(6),
  ENABLE_SESSION_ARCHIVING: flag.default(true),
  MAX_CONTEXT_MESSAGES: int(1, 100).default(20),
  ENABLE_SESSION_CACHING: flag.default(true),
  SESSION_CACHE_TTL_SEC: int(0, 86_400).default(1800),
  // Ours.
  MAX_MESSAGE_CHARS: int(1, 1_000_000).default(32_000),
  LTM_CONTEXT_SUMMARIES: int(0, 50).default(3),
  DELETED_RETENTION_DAYS: int(0, 3650).default(30),
  // How long activity (new messages) may wait before the D1 index hears of it: one write per window per session.
  INDEX_SYNC_WINDOW_MS: int(0, 10_000).default(2_000),
  // While messages keep coming, the index waits for a pause of one window, but never longer than this.
  INDEX_SYNC_MAX_DELAY_MS: int(0, 60_000).default(10_000),
  // Which requests get an access log line: "errors" (status >= 400) or "all".
  ACCESS_LOG: z.enum(["errors", "all"], { message: "must be errors or all" }).default("errors"),
  // Answer providers (see src/answer/).
  ANSWER_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  ANSWER_TIMEOUT_MS: int(100, 300_000).default(20_000),
  AI_CHAT_MODEL: model().default("@cf/meta/llama-3.1-8b-instruct"),
  AI_EMBEDDING_MODEL: model().default("@cf/baai/bge-m3"),
  // Summaries (see src/memory/), used only where the AI binding exists.
  AI_SUMMARY_MODEL: model().default("@cf/meta/llama-3.1-8b-instruct"),
  // Bearer tokens (src/auth/): HS256 with the JWT_SECRET secret, and/or RS256/ES256 from an IdP's JWKS.
  JWT_ALGORITHMS: algorithmList.optional(),
  JWT_JWKS_URL: jwksUrl.optional(),
  JWT_JWKS: inlineJwks.optional(),
  JWT_JWKS_CACHE_SEC: int(10, 86_400).default(600),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_MAX_TOKEN_LIFETIME_SEC: int(60, 30 * 86_400).default(86_400),
  JWT_TENANT_CLAIM: claimName().default("tenant_id"),
  JWT_USER_CLAIM: claimName().default("user_id"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const parsed = new WeakMap<object, Config>();

/** Which algorithms a token may use: JWT_ALGORITHMS, else every one a key is configured for. */
export function tokenAlgorithms(env: object, config: Config): Algorithm[] {
  if (config.JWT_ALGORITHMS) return config.JWT_ALGORITHMS;
  const withJwks: Algorithm[] = config.JWT_JWKS || config.JWT_JWKS_URL ? ["RS256", "ES256"] : [];
  return (env as Record<string, unknown>).JWT_SECRET ? ["HS256", ...withJwks] : withJwks;
}

/** How tokens are verified, checked across keys (the secret and the vars): one line per problem. */
export function authProblems(env: object, config: Config): string[] {
  const hasSecret = Boolean((env as Record<string, unknown>).JWT_SECRET);
  const hasJwks = Boolean(config.JWT_JWKS || config.JWT_JWKS_URL);
  // Without any key, the message stays the one an operator of a secret-only setup expects.
  if (!hasSecret && !hasJwks) return ["JWT_SECRET is not set"];
  const problems: string[] = [];
  if (config.JWT_JWKS && config.JWT_JWKS_URL) problems.push("JWT_JWKS and JWT_JWKS_URL: set one of them, not both");
  const algorithms = tokenAlgorithms(env, config);
  if (algorithms.includes("HS256") && !hasSecret) problems.push("JWT_ALGORITHMS: HS256 needs the JWT_SECRET secret");
  if (algorithms.some((a) => a !== "HS256") && !hasJwks) {
    problems.push("JWT_ALGORITHMS: RS256/ES256 need JWT_JWKS_URL or JWT_JWKS");
  }
  if (algorithms.length === 0) problems.push("JWT_ALGORITHMS: names no algorithm");
  return problems;
}

/** What is wrong with the deployment's configuration, one line per key; empty when it is sound. */
export function configurationProblems(env: object): string[] {
  const problems = (env as Record<string, unknown>).SESSION_ID_SECRET ? [] : ["SESSION_ID_SECRET is not set"];
  try {
    problems.unshift(...authProblems(env, getConfig(env)));
  } catch (err) {
    if (!(env as Record<string, unknown>).JWT_SECRET) problems.unshift("JWT_SECRET is not set");
    problems.push((err as Error).message);
  }
  return problems;
}

/**
 * Parses the configuration once per env object. A bad value fails loudly with
 * the key's name, so a typo in wrangler.toml is found at the first request.
 */
export function getConfig(env: object): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = (env as Record<string, unknown>)[key];
    // An empty string means "not set" so the default applies.
    if (value !== undefined && value !== "") raw[key] = typeof value === "string" ? value.trim() : String(value);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  parsed.set(env, result.data);
  return result.data;
}
