import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { recallSummaries } from "../src/memory/recall";
import { api, chat, freshTenant, sessionWithTurns } from "./helpers";

describe("GET /api/memory", () => {
  it("lists the caller's summaries newest first, paginated, and nobody else's", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const ids: string[] = [];
    for (const topic of ["távmunka", "szabadság", "fizetés"]) {
      const id = await sessionWithTurns(me, [`Mi a ${topic} szabályzat?`, `Részletek a ${topic} témában?`]);
      await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
      ids.push(id);
    }
    const first = await api("/api/memory?limit=2", { as: me });
    expect(first.status).toBe(200);
    expect(first.body.summaries.map((s: { session_id: string }) => s.session_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.summaries[0]).toMatchObject({
      session_id: ids[2],
      message_range: { first_seq: 1, last_seq: 4 },
      message_count: 4,
      method: "extractive",
      language: "hu",
    });
    expect(first.body.summaries[0].key_topics).toContain("fizetés");
    const rest = await api(`/api/memory?limit=2&cursor=${first.body.next_cursor}`, { as: me });
    expect(rest.body.summaries.map((s: { session_id: string }) => s.session_id)).toEqual([ids[0]]);
    expect(rest.body.next_cursor).toBeNull();

    expect((await api("/api/memory", { as: { tenant: me.tenant, user: 2 } })).body.summaries).toEqual([]);
    expect((await api("/api/memory", { as: { tenant: freshTenant(), user: 1 } })).body.summaries).toEqual([]);
    expect((await api("/api/memory?cursor=nope", { as: me })).status).toBe(400);
  });
});

describe("memory carries across sessions", () => {
  it("a new session's answers receive the user's recent summaries (LTM_CONTEXT_SUMMARIES)", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const before = await chat(me, "Szia!");
    expect(before.body.assistant_message.metadata.memory_summaries).toBe(0);

    const old = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "Hány távmunka nap van?"]);
    await api(`/api/sessions/${old}/end`, { as: me, method: "POST" });

    const next = await chat(me, "Szia, újra itt vagyok!");
    expect(next.body.resumed).toBe(false);
    expect(next.body.assistant_message.metadata.memory_summaries).toBe(1);
    expect(next.body.answer).toContain("Korábbi beszélgetéseink témái: távmunka");
    // The memory stays with that session's later turns.
    const later = await chat(me, "És még valami?", next.body.session_id);
    expect(later.body.assistant_message.metadata.memory_summaries).toBe(1);
    // Another user of the tenant does not get it.
    const other = await chat({ tenant: me.tenant, user: 2 }, "Szia!");
    expect(other.body.assistant_message.metadata.memory_summaries).toBe(0);
  });

  it("passes at most 3 summaries", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    for (let i = 0; i < 4; i++) {
      const id = await sessionWithTurns(me, [`kérdés ${i} téma${i}`, `folytatás ${i}`]);
      await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    }
    const next = await chat(me, "Hello again");
    expect(next.body.assistant_message.metadata.memory_summaries).toBe(3);
  });

  it("a new session reads the user's memory in one D1 query, however many summaries they have", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    for (let i = 0; i < 2; i++) {
      const id = await sessionWithTurns(me, [`kérdés ${i}`, `folytatás ${i}`]);
      await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    }
    const prepare = vi.spyOn(env.DB, "prepare");
    try {
      const recalled = await recallSummaries(env, { tenantId: me.tenant, userId: 1 }, 3);
      expect(recalled).toHaveLength(2);
      expect(prepare).toHaveBeenCalledTimes(1);
    } finally {
      prepare.mockRestore();
    }
  });
});

describe("a deleted session's summary", () => {
  it("is hidden at once from the memory list and from new sessions' context", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const kept = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "Hány távmunka nap van?"]);
    const dropped = await sessionWithTurns(me, ["Mi a szabadság szabályzat?", "Hány szabadnap jár?"]);
    for (const id of [kept, dropped]) await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect((await api("/api/memory", { as: me })).body.summaries).toHaveLength(2);

    expect((await api(`/api/sessions/${dropped}`, { as: me, method: "DELETE" })).status).toBe(204);
    const listed = (await api("/api/memory", { as: me })).body.summaries;
    expect(listed.map((s: { session_id: string }) => s.session_id)).toEqual([kept]);
    const fresh = await chat(me, "Szia!");
    expect(fresh.body.assistant_message.metadata.memory_summaries).toBe(1);
    expect(fresh.body.answer).not.toMatch(/szabadság/i);
  });
});
