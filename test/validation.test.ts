import { describe, expect, it } from "vitest";
import { api, freshTenant, newSession } from "./helpers";

const LIMIT = 32_000; // MAX_MESSAGE_CHARS default in wrangler.toml

async function countStored(me: { tenant: number; user: number }) {
  const list = await api("/api/sessions?status=all&limit=100", { as: me });
  return list.body.sessions.length as number;
}

describe("bad chat input", () => {
  it.each([
    ["malformed JSON", '{"query": ', "invalid_json"],
    ["a JSON array", "[1,2]", "invalid_request"],
    ["a missing query", "{}", "invalid_request"],
    ["a numeric query", '{"query": 5}', "invalid_request"],
    ["a blank query", '{"query": "   "}', "invalid_request"],
    ["a numeric session_id", '{"query": "hi", "session_id": 12}', "invalid_request"],
  ])("rejects %s with 400 and stores nothing", async (_what, raw, code) => {
    const me = { tenant: freshTenant(), user: 1 };
    const res = await api("/api/chat", { as: me, body: raw });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await countStored(me)).toBe(0);
  });

  it("names the offending field", async () => {
    const res = await api("/api/chat", { as: { tenant: freshTenant(), user: 1 }, body: { query: 5 } });
    expect(res.body.error.message).toMatch(/^query:/);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "query" })]);
  });

  it("rejects a non-JSON content type with 400", async () => {
    const res = await api("/api/chat", {
      as: { tenant: freshTenant(), user: 1 },
      body: "query=hi",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_content_type");
  });

  it("accepts a query of exactly MAX_MESSAGE_CHARS and rejects one more with 413", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const atLimit = await api("/api/chat", { as: me, body: { query: "a".repeat(LIMIT) } });
    expect(atLimit.status).toBe(200);
    const over = await api("/api/chat", { as: me, body: { query: "a".repeat(LIMIT + 1) } });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe("payload_too_large");
    expect(await countStored(me)).toBe(1);
  });

  it("rejects a body far over any message size with 413 before reading it", async () => {
    const res = await api("/api/chat", {
      as: { tenant: freshTenant(), user: 1 },
      body: { query: "x".repeat(400_000) },
    });
    expect(res.status).toBe(413);
  });
});

describe("bad message input", () => {
  it.each([
    ["an unknown role", { role: "robot", content: "x" }, 400, "role"],
    ["missing content", { role: "user" }, 400, "content"],
    ["metadata that is not an object", { role: "user", content: "x", metadata: [1, 2] }, 400, "metadata"],
    ["metadata that is a string", { role: "user", content: "x", metadata: "x" }, 400, "metadata"],
    ["metadata over 8 KiB", { role: "user", content: "x", metadata: { blob: "y".repeat(9000) } }, 413, null],
    ["content over MAX_MESSAGE_CHARS", { role: "user", content: "y".repeat(LIMIT + 1) }, 413, null],
  ])("rejects %s and leaves the history untouched", async (_what, body, status, field) => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const res = await api(`/api/sessions/${id}/messages`, { as: me, body });
    expect(res.status).toBe(status);
    if (field) expect(res.body.error.details[0].field).toBe(field);
    const info = await api(`/api/sessions/${id}`, { as: me });
    expect(info.body.message_count).toBe(0);
  });

  it("rejects bad query parameters with 400", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    for (const path of [
      `/api/sessions/${id}/messages?limit=0`,
      `/api/sessions/${id}/messages?limit=101`,
      `/api/sessions/${id}/messages?before=abc`,
      "/api/sessions?status=weird",
      "/api/sessions?limit=1000",
      "/api/sessions?cursor=garbage",
    ]) {
      const res = await api(path, { as: me });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("invalid_request");
    }
  });

  it("rejects a malformed Idempotency-Key with 400", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const res = await api("/api/chat", {
      as: me,
      body: { query: "hi" },
      headers: { "idempotency-key": "x".repeat(300) },
    });
    expect(res.status).toBe(400);
    expect(await countStored(me)).toBe(0);
  });
});
