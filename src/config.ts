import { z } from "zod";

/** Wrangler [vars] arrive as strings; these turn them into typed values. */
const int = (min: number, max: number) =>
  z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(min).max(max);
const model = () => z.string().min(1, "must name a Workers AI model");
const flag = z.enum(["true", "false"], { message: "must be true or false" }).transform((v) => v === "true");

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
  // Which requests get an access log line: "errors" (status >= 400) or "all".
  ACCESS_LOG: z.enum(["errors", "all"], { message: "must be errors or all" }).default("errors"),
  // Answer providers (see src/answer/).
  ANSWER_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  ANSWER_TIMEOUT_MS: int(100, 300_000).default(20_000),
  AI_CHAT_MODEL: model().default("@cf/meta/llama-3.1-8b-instruct"),
  AI_EMBEDDING_MODEL: model().default("@cf/baai/bge-m3"),
  // Summaries (see src/memory/), used only where the AI binding exists.
  AI_SUMMARY_MODEL: model().default("@cf/meta/llama-3.1-8b-instruct"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const parsed = new WeakMap<object, Config>();

/** Secrets the service cannot run without (`wrangler secret put`, or .dev.vars locally). */
export const REQUIRED_SECRETS = ["JWT_SECRET", "SESSION_ID_SECRET"] as const;

/** What is wrong with the deployment's configuration, one line per key; empty when it is sound. */
export function configurationProblems(env: object): string[] {
  const problems: string[] = REQUIRED_SECRETS.filter((name) => !(env as Record<string, unknown>)[name]).map(
    (name) => `${name} is not set`,
  );
  try {
    getConfig(env);
  } catch (err) {
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
