import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant, newSession, sessionWithTurns, summaryRows } from "./helpers";

describe("POST /api/sessions/:id/end", () => {
  it("ends the session; a second end is harmless and returns the same ended_at", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["one", "two"]);
    const first = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("ended");
    expect(first.body.ended_at).toMatch(/Z$/);
    const second = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(second.status).toBe(200);
    expect(second.body.ended_at).toBe(first.body.ended_at);
    const row = await env.DB.prepare("SELECT ended_at, end_reason FROM chat_sessions WHERE id = ?").bind(id).first();
    expect(row).toEqual({ ended_at: first.body.ended_at, end_reason: "user" });
  });

  it("makes the session read-only: appends are 409, chat starts a new session, history stays readable", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["before the end"]);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });

    const append = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "late" } });
    expect(append.status).toBe(409);
    expect(append.body.error.code).toBe("session_ended");

    const resumed = await chat(me, "after the end", id);
    expect(resumed.body.resumed).toBe(false);
    expect(resumed.body.session_id).not.toBe(id);

    const history = await api(`/api/sessions/${id}/messages`, { as: me });
    expect(history.body.messages.map((m: { content: string }) => m.content)[0]).toBe("before the end");
    expect(history.body.messages).toHaveLength(2);
    const listedEnded = await api("/api/sessions?status=ended", { as: me });
    expect(listedEnded.body.sessions.map((s: { id: string }) => s.id)).toEqual([id]);
    const listedActive = await api("/api/sessions?status=active", { as: me });
    expect(listedActive.body.sessions.map((s: { id: string }) => s.id)).toEqual([resumed.body.session_id]);
  });

  it("is a 404 for unknown and foreign sessions", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    expect((await api(`/api/sessions/${id}/end`, { as: { ...me, user: 2 }, method: "POST" })).status).toBe(404);
    expect((await api(`/api/sessions/${crypto.randomUUID()}/end`, { as: me, method: "POST" })).status).toBe(404);
    expect((await api(`/api/sessions/${id}`, { as: me })).body.status).toBe("active");
  });
});

describe("summaries at the end (MIN_MESSAGES_FOR_SUMMARY = 4)", () => {
  it("3 messages: no summary, processed_for_ltm stays false", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["only question"]);
    await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "one more" } });
    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.body.message_count).toBe(3);
    expect(ended.body.processed_for_ltm).toBe(false);
    expect((await summaryRows(id)).results).toEqual([]);
  });

  it("exactly 4 messages: one summary, processed_for_ltm true", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first question", "second question"]);
    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.body.message_count).toBe(4);
    expect(ended.body.processed_for_ltm).toBe(true);
    const rows = (await summaryRows(id)).results;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenant_id: me.tenant,
      user_id: 1,
      first_seq: 1,
      last_seq: 4,
      message_count: 4,
      method: "extractive",
    });
    const row = await env.DB.prepare("SELECT processed_for_ltm FROM chat_sessions WHERE id = ?").bind(id).first();
    expect(row).toEqual({ processed_for_ltm: 1 });
  });

  it("double and concurrent ends summarise exactly once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["a", "b", "c"]);
    const all = await Promise.all(
      Array.from({ length: 5 }, () => api(`/api/sessions/${id}/end`, { as: me, method: "POST" })),
    );
    expect(new Set(all.map((r) => r.body.ended_at)).size).toBe(1);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect((await summaryRows(id)).results).toHaveLength(1);
  });
});

describe("POST /api/sessions/end (batch)", () => {
  it("ends each id on its own: bad, unknown or foreign ids never fail the others", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const mine = [await newSession(me), await newSession(me)];
    const foreign = await newSession({ tenant: me.tenant, user: 2 });
    const unknown = crypto.randomUUID();
    const res = await api("/api/sessions/end", {
      as: me,
      body: { session_ids: [mine[0], "garbage", foreign, unknown, mine[1]] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: mine[0], ok: true, status: "ended" },
      { id: "garbage", ok: false, error: "not_found" },
      { id: foreign, ok: false, error: "not_found" },
      { id: unknown, ok: false, error: "not_found" },
      { id: mine[1], ok: true, status: "ended" },
    ]);
    expect((await api(`/api/sessions/${foreign}`, { as: { tenant: me.tenant, user: 2 } })).body.status).toBe("active");
  });

  it("rejects an empty list and more than 100 ids with 400", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    expect((await api("/api/sessions/end", { as: me, body: { session_ids: [] } })).status).toBe(400);
    const many = Array.from({ length: 101 }, () => crypto.randomUUID());
    const res = await api("/api/sessions/end", { as: me, body: { session_ids: many } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/session_ids/);
  });
});
