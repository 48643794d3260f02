import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant, settleIndex, slowAnswers } from "./helpers";

describe("turns on one session run one at a time", () => {
  it("N concurrent chats give 2N messages, each answer right after its own query", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "opening question")).body.session_id;
    await slowAnswers(sessionId, () => 5 + Math.random() * 10);
    const N = 12;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => chat(me, `parallel question ${i}`, sessionId)),
    );

    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.session_id).toBe(sessionId);
      expect(r.body.assistant_message.seq).toBe(r.body.user_message.seq + 1);
    }
    const history = await api(`/api/sessions/${sessionId}/messages?limit=100`, { as: me });
    const messages = history.body.messages;
    expect(messages).toHaveLength(2 * N + 2);
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 2 * N + 2 }, (_, i) => i + 1));
    for (let i = 0; i < messages.length; i += 2) {
      expect(messages[i].role).toBe("user");
      expect(messages[i + 1].role).toBe("assistant");
      // The embedded answer quotes its own query, so a mix-up would show.
      expect(messages[i + 1].content).toContain(messages[i].content);
    }
    const info = await api(`/api/sessions/${sessionId}`, { as: me });
    expect(info.body.message_count).toBe(2 * N + 2);
    await settleIndex(sessionId);
    const row = await env.DB.prepare("SELECT message_count FROM chat_sessions WHERE id = ?").bind(sessionId).first();
    expect(row).toEqual({ message_count: 2 * N + 2 });
  });

  it("appends racing a chat turn never split a query from its answer", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "start")).body.session_id;
    await slowAnswers(sessionId, () => 5 + Math.random() * 10);
    await Promise.all([
      chat(me, "q-a", sessionId),
      api(`/api/sessions/${sessionId}/messages`, { as: me, body: { role: "system", content: "note 1" } }),
      chat(me, "q-b", sessionId),
      api(`/api/sessions/${sessionId}/messages`, { as: me, body: { role: "system", content: "note 2" } }),
    ]);
    const messages = (await api(`/api/sessions/${sessionId}/messages`, { as: me })).body.messages;
    expect(messages).toHaveLength(8);
    messages.forEach((m: { role: string; content: string }, i: number) => {
      if (m.role === "user") expect(messages[i + 1].content).toContain(m.content);
    });
  });
});

describe("many sessions at once", () => {
  it("keeps every session and its index row exact", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const S = 20;
    const firsts = await Promise.all(Array.from({ length: S }, (_, i) => chat(me, `session ${i} turn 1`)));
    const ids = firsts.map((r) => r.body.session_id as string);
    expect(new Set(ids).size).toBe(S);
    await Promise.all(
      ids.flatMap((id, i) => [chat(me, `session ${i} turn 2`, id), chat(me, `session ${i} turn 3`, id)]),
    );
    await settleIndex(...ids);

    const listed = await api("/api/sessions?limit=100", { as: me });
    expect(listed.body.sessions).toHaveLength(S);
    for (const s of listed.body.sessions) expect(s.message_count).toBe(6);
    for (const [i, id] of ids.entries()) {
      const h = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
      expect(h.every((m: { content: string }) => m.content.includes(`session ${i} `))).toBe(true);
    }
  });
});
