import { describe, expect, it } from "vitest";
import { api, chat, freshTenant } from "./helpers";

describe("POST /api/chat", () => {
  it("runs the seed's example: a new session, then a resumed one", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const first = await api("/api/chat/", {
      as: me,
      body: { query: "Szia! Mi a távmunka szabályzat?", user_context: { tenant_id: me.tenant, user_id: 1 } },
    });
    expect(first.status).toBe(200);
    expect(first.body.resumed).toBe(false);
    expect(first.body.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body.user_message).toMatchObject({ seq: 1, role: "user", content: "Szia! Mi a távmunka szabályzat?" });
    expect(first.body.assistant_message).toMatchObject({ seq: 2, role: "assistant", content: first.body.answer });

    const second = await api("/api/chat/", {
      as: me,
      body: {
        query: "És mennyi home office nap engedélyezett?",
        user_context: { tenant_id: me.tenant, user_id: 1 },
        session_id: first.body.session_id,
      },
    });
    expect(second.status).toBe(200);
    expect(second.body.session_id).toBe(first.body.session_id);
    expect(second.body.resumed).toBe(true);
    expect(second.body.user_message.seq).toBe(3);
    expect(second.body.assistant_message.seq).toBe(4);
    // The provider received the conversation so far as context (3 messages, the new query included).
    expect(second.body.assistant_message.metadata.context_messages).toBe(3);
    // No knowledge base yet: it says so plainly, with no sources.
    expect(second.body.sources).toEqual([]);
    expect(second.body.answer).toContain("nem találtam");

    const info = await api(`/api/sessions/${first.body.session_id}`, { as: me });
    expect(info.body).toMatchObject({ message_count: 4, status: "active", tenant_id: me.tenant, user_id: 1 });
  });

  it("accepts /api/chat without the trailing slash", async () => {
    const res = await chat({ tenant: freshTenant(), user: 1 }, "Hello");
    expect(res.status).toBe(200);
    expect(res.body.resumed).toBe(false);
  });
});
