import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatSessionRow } from "../src/db/schema";
import { TenantSessionIndex } from "../src/db/session-index";
import type { SessionObject } from "../src/session-object";
import { api, chat, freshTenant, indexDelayPassed, stubFor } from "./helpers";

const indexRows = (id: string) =>
  env.DB.prepare("SELECT message_count, is_deleted, index_version FROM chat_sessions WHERE id = ?").bind(id).all();

/** D1 is down for the next `k` index writes of this session's object, then recovers. */
async function failD1(sessionId: string, k: number) {
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    let failuresLeft = k;
    obj.useDeps(({ indexWriter: real }) => ({
      indexWriter: async (row) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error("D1_ERROR: simulated outage");
        }
        return real(row);
      },
    }));
  });
}

const pendingAlarm = (sessionId: string) =>
  runInDurableObject(stubFor(sessionId), (_obj, state) => state.storage.getAlarm());

describe("the D1 index converges after D1 failures", () => {
  it("k failures: clients are unaffected, the alarm retries, the row ends exact and single", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "before the outage")).body.session_id;
    const k = 2;
    await failD1(sessionId, k);

    // Three writes during the outage: each answers normally from the object, none waits for D1.
    expect((await chat(me, "during 1", sessionId)).status).toBe(200);
    expect(
      (await api(`/api/sessions/${sessionId}/messages`, { as: me, body: { role: "user", content: "x" } })).status,
    ).toBe(201);
    expect((await chat(me, "during 2", sessionId)).status).toBe(200);
    expect((await api(`/api/sessions/${sessionId}`, { as: me })).body.message_count).toBe(7);

    // D1 still has the pre-outage snapshot, and the alarm that sends the update is seconds away.
    // One version per committed change: the query (which created the session), then the answer.
    expect((await indexRows(sessionId)).results).toEqual([{ message_count: 2, is_deleted: 0, index_version: 2 }]);
    expect(((await pendingAlarm(sessionId)) as number) - Date.now()).toBeLessThan(60_000);

    // The messages pause (a new instance: D1 is still down for the next k writes); each alarm then
    // tries once; k fail, the next gets through.
    await indexDelayPassed(sessionId);
    await failD1(sessionId, k);
    let runs = 0;
    while (((await indexRows(sessionId)).results[0] as { message_count: number }).message_count !== 7) {
      expect(++runs).toBeLessThanOrEqual(k + 1);
      expect(await pendingAlarm(sessionId)).not.toBeNull();
      await runDurableObjectAlarm(stubFor(sessionId));
    }

    const rows = (await indexRows(sessionId)).results;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ message_count: 7, is_deleted: 0 });
    // Converged: no retry left, only the idle-expiry deadline.
    const info = (await api(`/api/sessions/${sessionId}`, { as: me })).body;
    expect(await pendingAlarm(sessionId)).toBe(Date.parse(info.last_message_at) + 24 * 3_600_000);
    const listed = await api("/api/sessions", { as: me });
    expect(listed.body.sessions).toEqual([expect.objectContaining({ id: sessionId, message_count: 7 })]);
  });

  it("a soft delete during an outage reaches D1 once it recovers", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "hello")).body.session_id;
    await failD1(sessionId, 1);
    expect((await api(`/api/sessions/${sessionId}`, { as: me, method: "DELETE" })).status).toBe(204);
    expect((await indexRows(sessionId)).results[0]).toMatchObject({ is_deleted: 0 });
    await runDurableObjectAlarm(stubFor(sessionId));
    expect((await indexRows(sessionId)).results[0]).toMatchObject({ is_deleted: 1 });
  });

  it("a session created while D1 is down still works and appears in the index later", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    // Create through the object directly so the outage can be installed before the first write.
    const ids = await import("../src/lib/ids");
    const sessionId = await new ids.SessionIds(env.SESSION_ID_SECRET).mint({ tenantId: me.tenant, userId: 1 });
    await failD1(sessionId, 1);
    const created = await stubFor(sessionId).create({ tenantId: me.tenant, userId: 1 }, sessionId);
    expect(created.ok).toBe(true);
    expect((await indexRows(sessionId)).results).toEqual([]);
    expect((await api(`/api/sessions/${sessionId}`, { as: me })).status).toBe(200);
    await runDurableObjectAlarm(stubFor(sessionId));
    expect((await indexRows(sessionId)).results).toEqual([{ message_count: 0, is_deleted: 0, index_version: 1 }]);
  });
});

describe("index upserts are absolute and version-guarded", () => {
  const row = (tenant: number, version: number, count: number): ChatSessionRow => ({
    id: `row-${tenant}`,
    tenantId: tenant,
    userId: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    lastMessageAt: `2026-01-01T00:00:0${version}.000Z`,
    messageCount: count,
    endedAt: null,
    endReason: null,
    processedForLtm: false,
    isDeleted: false,
    deletedAt: null,
    indexVersion: version,
  });

  it("replaying a snapshot changes nothing, and an older one never overwrites a newer", async () => {
    const tenant = freshTenant();
    const index = new TenantSessionIndex(env.DB, tenant);
    await index.upsert(row(tenant, 3, 6));
    await index.upsert(row(tenant, 3, 6));
    await index.upsert(row(tenant, 2, 4));
    expect(await index.get(`row-${tenant}`)).toMatchObject({ indexVersion: 3, messageCount: 6 });
    await index.upsert(row(tenant, 4, 8));
    expect(await index.get(`row-${tenant}`)).toMatchObject({ indexVersion: 4, messageCount: 8 });
  });

  it("refuses a row of another tenant", async () => {
    const tenant = freshTenant();
    await expect(new TenantSessionIndex(env.DB, tenant).upsert(row(tenant + 1, 1, 0))).rejects.toThrow(
      /another tenant/,
    );
  });
});

describe("a purge always wins over index writes in flight", () => {
  it("a snapshot sent before the purge but landing after it does not bring the row back", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "hello")).body.session_id;
    const index = new TenantSessionIndex(env.DB, me.tenant);
    const late = (await index.get(sessionId)) as ChatSessionRow;
    expect((await api("/api/users/me/data", { as: me, method: "DELETE" })).body.removed.sessions).toBe(1);
    expect(await index.get(sessionId)).toBeUndefined();

    // The write the object had sent earlier arrives now, even with a newer version.
    await index.upsert({ ...late, indexVersion: late.indexVersion + 5, messageCount: 9 });
    expect(await index.get(sessionId)).toBeUndefined();
    expect((await api("/api/sessions?status=all", { as: me })).body.sessions).toEqual([]);
  });

  it("the scheduled sweep forgets tombstones after a week, never sooner", async () => {
    const tenant = freshTenant();
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    await env.DB.prepare("INSERT INTO purged_sessions (id, tenant_id, purged_at) VALUES (?, ?, ?), (?, ?, ?)")
      .bind(`old-${tenant}`, tenant, old, `recent-${tenant}`, tenant, recent)
      .run();
    const { scheduledSweep } = await import("../src/lifecycle/sweep");
    const midnight = Date.now() - (Date.now() % 86_400_000); // an hour the sweep runs at
    expect(await scheduledSweep(env, midnight)).not.toBeNull();
    const left = await env.DB.prepare("SELECT id FROM purged_sessions WHERE tenant_id = ?").bind(tenant).all();
    expect(left.results).toEqual([{ id: `recent-${tenant}` }]);
  });
});
