import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ApiResult, api, chat, freshTenant, newSession, settleIndex } from "./helpers";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("POST /api/sessions", () => {
  it("creates an empty active session (201) that GET returns", async () => {
    const me = { tenant: freshTenant(), user: 3 };
    const created = await api("/api/sessions", { as: me, method: "POST" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenant_id: me.tenant,
      user_id: 3,
      status: "active",
      message_count: 0,
      ended_at: null,
      processed_for_ltm: false,
    });
    expect(created.body.created_at).toMatch(ISO);
    expect(created.body.last_message_at).toBe(created.body.created_at);
    const got = await api(`/api/sessions/${created.body.id}`, { as: me });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it("writes the D1 index row before answering", async () => {
    const me = { tenant: freshTenant(), user: 3 };
    const id = await newSession(me);
    const row = await env.DB.prepare(
      "SELECT tenant_id, user_id, message_count, is_deleted FROM chat_sessions WHERE id = ?",
    )
      .bind(id)
      .first();
    expect(row).toEqual({ tenant_id: me.tenant, user_id: 3, message_count: 0, is_deleted: 0 });
  });

  it("gives two creates two different random ids", async () => {
    const me = { tenant: freshTenant(), user: 3 };
    expect(await newSession(me)).not.toBe(await newSession(me));
  });
});

describe("messages", () => {
  it("appends any role with metadata (201) and updates activity", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const before = await api(`/api/sessions/${id}`, { as: me });
    const added = [];
    for (const role of ["system", "user", "assistant"]) {
      const res = await api(`/api/sessions/${id}/messages`, {
        as: me,
        body: { role, content: `${role} says hi`, metadata: { source: "test", n: 1 } },
      });
      expect(res.status).toBe(201);
      added.push(res.body);
    }
    expect(added.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(added[0]).toMatchObject({ role: "system", content: "system says hi", metadata: { source: "test", n: 1 } });
    const info = await api(`/api/sessions/${id}`, { as: me });
    expect(info.body.message_count).toBe(3);
    expect(info.body.last_message_at >= before.body.last_message_at).toBe(true);
    expect(info.body.last_message_at).toBe(added[2].created_at);
  });

  it("reads the newest messages in chronological order, with older pages via before", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    for (let i = 1; i <= 25; i++) {
      await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: `m${i}` } });
    }
    // Default limit is MAX_CONTEXT_MESSAGES (20).
    const newest = await api(`/api/sessions/${id}/messages`, { as: me });
    expect(newest.body.messages.map((m: { content: string }) => m.content)).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i + 6}`),
    );
    expect(newest.body.has_more).toBe(true);
    expect(newest.body.next_before).toBe(6);

    const older = await api(`/api/sessions/${id}/messages?limit=10&before=${newest.body.next_before}`, { as: me });
    expect(older.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(older.body.has_more).toBe(false);
    expect(older.body.next_before).toBeNull();

    const small = await api(`/api/sessions/${id}/messages?limit=3`, { as: me });
    expect(small.body.messages.map((m: { seq: number }) => m.seq)).toEqual([23, 24, 25]);
  });

  it("orders by seq even when timestamps tie", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const turn = await chat(me, "first");
    const history = await api(`/api/sessions/${turn.body.session_id}/messages`, { as: me });
    expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
  });
});

describe("GET /api/sessions", () => {
  it("lists the caller's sessions by recent activity with keyset pagination", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newSession(me));
    // Activity on the oldest moves it to the front.
    await api(`/api/sessions/${ids[0]}/messages`, { as: me, body: { role: "user", content: "bump" } });
    // Lists read the index, which hears of activity within INDEX_SYNC_WINDOW_MS.
    await settleIndex(ids[0] as string);
    const expected = [ids[0], ids[4], ids[3], ids[2], ids[1]];

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResult = await api(`/api/sessions?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { as: me });
      expect(res.status).toBe(200);
      seen.push(...res.body.sessions.map((s: { id: string }) => s.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    // Timestamps may tie at millisecond resolution; ties break by id, so compare as the API orders.
    const all = (await api("/api/sessions?limit=100", { as: me })).body.sessions.map((s: { id: string }) => s.id);
    expect(seen).toEqual(all);
    expect(new Set(seen)).toEqual(new Set(expected));
    expect(all[0]).toBe(ids[0]);
  });

  it("defaults to 10 active sessions and caps limit at 100", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    for (let i = 0; i < 12; i++) await newSession(me);
    const res = await api("/api/sessions", { as: me });
    expect(res.body.sessions).toHaveLength(10);
    expect(res.body.next_cursor).not.toBeNull();
    expect((await api("/api/sessions?limit=100", { as: me })).body.sessions).toHaveLength(12);
  });
});

describe("DELETE /api/sessions/:id", () => {
  it("soft-deletes: 204, then gone from every read, list and resume, data kept", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const turn = await chat(me, "remember me");
    const id = turn.body.session_id;
    const del = await api(`/api/sessions/${id}`, { as: me, method: "DELETE" });
    expect(del.status).toBe(204);

    expect((await api(`/api/sessions/${id}`, { as: me })).status).toBe(404);
    expect((await api(`/api/sessions/${id}/messages`, { as: me })).status).toBe(404);
    expect((await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "x" } })).status).toBe(
      404,
    );
    expect((await api(`/api/sessions/${id}`, { as: me, method: "DELETE" })).status).toBe(404);
    expect((await api("/api/sessions?status=all", { as: me })).body.sessions).toEqual([]);
    const resumed = await chat(me, "again", id);
    expect(resumed.body.resumed).toBe(false);
    expect(resumed.body.session_id).not.toBe(id);

    // Kept: the index row is flagged, not removed.
    const row = await env.DB.prepare("SELECT is_deleted, message_count FROM chat_sessions WHERE id = ?")
      .bind(id)
      .first();
    expect(row).toEqual({ is_deleted: 1, message_count: 2 });
  });
});

describe("user_context is checked in every body that carries it", () => {
  it("batch end with another user's user_context is a 403 and ends nothing", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const res = await api("/api/sessions/end", {
      as: me,
      body: { session_ids: [id], user_context: { tenant_id: me.tenant, user_id: 2 } },
    });
    expect(res.status).toBe(403);
    expect((await api(`/api/sessions/${id}`, { as: me })).body.status).toBe("active");
    const own = await api("/api/sessions/end", {
      as: me,
      body: { session_ids: [id], user_context: { tenant_id: me.tenant, user_id: 1 } },
    });
    expect(own.body.results).toEqual([{ id, ok: true, status: "ended" }]);
  });
});
