import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "../src/config";
import { api, chat, freshTenant } from "./helpers";

describe("configuration", () => {
  it("parses wrangler.toml's [vars] into typed values with the seed's defaults", () => {
    expect(getConfig(env)).toEqual({
      SESSION_TIMEOUT_HOURS: 24,
      MAX_SESSIONS_PER_USER: 20,
      MIN_MESSAGES_FOR_SUMMARY: 4,
      CLEANUP_INACTIVE_SESSIONS: true,
      CLEANUP_INTERVAL_HOURS: 6,
      ENABLE_SESSION_ARCHIVING: true,
      MAX_CONTEXT_MESSAGES: 20,
      ENABLE_SESSION_CACHING: true,
      SESSION_CACHE_TTL_SEC: 1800,
      MAX_MESSAGE_CHARS: 32000,
      LTM_CONTEXT_SUMMARIES: 3,
      DELETED_RETENTION_DAYS: 30,
      INDEX_SYNC_WINDOW_MS: 2000,
      INDEX_SYNC_MAX_DELAY_MS: 10000,
      ACCESS_LOG: "errors",
      ANSWER_TIMEOUT_MS: 20000,
      AI_CHAT_MODEL: "@cf/meta/llama-3.1-8b-instruct",
      AI_EMBEDDING_MODEL: "@cf/baai/bge-m3",
      AI_SUMMARY_MODEL: "@cf/meta/llama-3.1-8b-instruct",
      JWT_JWKS_CACHE_SEC: 600,
      JWT_MAX_TOKEN_LIFETIME_SEC: 86400,
      JWT_TENANT_CLAIM: "tenant_id",
      JWT_USER_CLAIM: "user_id",
    });
  });

  it("applies the defaults when a key is missing", () => {
    expect(getConfig({}).SESSION_TIMEOUT_HOURS).toBe(24);
    expect(getConfig({ MAX_CONTEXT_MESSAGES: "" }).MAX_CONTEXT_MESSAGES).toBe(20);
  });

  it.each([
    ["SESSION_TIMEOUT_HOURS", "soon"],
    ["MAX_CONTEXT_MESSAGES", "0"],
    ["CLEANUP_INACTIVE_SESSIONS", "yes"],
    ["MAX_SESSIONS_PER_USER", "2.5"],
    ["ANSWER_URL", "not a url"],
    ["ANSWER_URL", "ftp://router.example/answer"],
  ])("a bad %s fails with a message naming the key", (key, value) => {
    expect(() => getConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => getConfig({ [key]: value })).toThrow(new RegExp(key));
  });
});

describe("MAX_CONTEXT_MESSAGES", () => {
  it("the answer provider receives at most the last MAX_CONTEXT_MESSAGES messages", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "turn 1")).body.session_id;
    // 1st turn: just the query.
    let last = await chat(me, "turn 2", sessionId);
    expect(last.body.assistant_message.metadata.context_messages).toBe(3);
    for (let i = 3; i <= 12; i++) last = await chat(me, `turn ${i}`, sessionId);
    // 22 messages precede the 12th answer; the provider saw only the last 20 (query included).
    expect(last.body.assistant_message.metadata.context_messages).toBe(20);
    const info = await api(`/api/sessions/${sessionId}`, { as: me });
    expect(info.body.message_count).toBe(24);
  });
});
