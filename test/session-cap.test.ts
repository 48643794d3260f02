import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant, settleIndex } from "./helpers";

const CAP = 20; // MAX_SESSIONS_PER_USER

const activeCount = async (tenant: number, user: number) =>
  env.DB.prepare(
    "SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL AND is_deleted = 0",
  )
    .bind(tenant, user)
    .first<number>("n");

describe("MAX_SESSIONS_PER_USER", () => {
  it("ends the least recently active sessions when a create goes over the cap", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const ids: string[] = [];
    for (let i = 0; i < CAP; i++) ids.push((await chat(me, `topic ${i}`)).body.session_id);
    // Activity makes the first one recent: the second becomes the least recently active.
    await chat(me, "still using this", ids[0]);
    // The cap judges activity by the index, which hears of it within INDEX_SYNC_WINDOW_MS.
    await settleIndex(ids[0] as string);
    const newest = (await chat(me, "one more")).body.session_id;

    expect(await activeCount(me.tenant, 1)).toBe(CAP);
    expect((await api(`/api/sessions/${ids[1]}`, { as: me })).body.status).toBe("ended");
    expect((await api(`/api/sessions/${ids[0]}`, { as: me })).body.status).toBe("active");
    expect((await api(`/api/sessions/${newest}`, { as: me })).body.status).toBe("active");
    const reason = await env.DB.prepare("SELECT end_reason FROM chat_sessions WHERE id = ?").bind(ids[1]).first();
    expect(reason).toEqual({ end_reason: "limit" });
  });

  it("after a burst of concurrent creates settles, the user is within the cap", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const created = await Promise.all(
      Array.from({ length: CAP + 8 }, () => api("/api/sessions", { as: me, method: "POST" })),
    );
    expect(created.every((r) => r.status === 201)).toBe(true);
    expect(await activeCount(me.tenant, 1)).toBe(CAP);
    const listed = await api("/api/sessions?status=all&limit=100", { as: me });
    expect(listed.body.sessions).toHaveLength(CAP + 8);
  });

  it("counts per user: another user's sessions are not touched", async () => {
    const tenant = freshTenant();
    await Promise.all(
      Array.from({ length: 3 }, () => api("/api/sessions", { as: { tenant, user: 2 }, method: "POST" })),
    );
    await Promise.all(
      Array.from({ length: CAP + 1 }, () => api("/api/sessions", { as: { tenant, user: 1 }, method: "POST" })),
    );
    expect(await activeCount(tenant, 2)).toBe(3);
    expect(await activeCount(tenant, 1)).toBe(CAP);
  });
});
