import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archivePrefix } from "../src/session/archive-keys";
import { api, backdate, type Caller, freshTenant, sessionWithTurns, stubFor } from "./helpers";

const count = (sql: string, ...args: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...args)
    .first<number>("n");

async function objectTables(id: string) {
  return runInDurableObject(
    stubFor(id),
    (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").one().n,
  );
}

/** A user with an ended+summarised+archived session, an active one and a soft-deleted one. */
async function userWithData(me: Caller) {
  const ended = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "Hány nap?"]);
  await api(`/api/sessions/${ended}/end`, { as: me, method: "POST" });
  const active = await sessionWithTurns(me, ["still open"]);
  const deleted = await sessionWithTurns(me, ["to be deleted"]);
  await api(`/api/sessions/${deleted}`, { as: me, method: "DELETE" });
  return { ended, active, deleted, all: [ended, active, deleted] };
}

async function expectNothingLeft(me: Caller, ids: string[]) {
  expect(
    await count("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ? AND user_id = ?", me.tenant, me.user),
  ).toBe(0);
  expect(
    await count("SELECT count(*) AS n FROM session_summaries WHERE tenant_id = ? AND user_id = ?", me.tenant, me.user),
  ).toBe(0);
  expect((await env.ARCHIVE.list({ prefix: archivePrefix(me.tenant, me.user) })).objects).toEqual([]);
  for (const id of ids) {
    expect(await objectTables(id)).toBe(0);
    expect(await runInDurableObject(stubFor(id), (_o, s) => s.storage.getAlarm())).toBeNull();
  }
}

describe("DELETE /api/users/me/data", () => {
  it("hard-deletes the user's sessions, messages, summaries and archives everywhere", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const neighbour = { tenant: me.tenant, user: 2 };
    const data = await userWithData(me);
    const theirs = await sessionWithTurns(neighbour, ["neighbour's", "data"]);
    await api(`/api/sessions/${theirs}/end`, { as: neighbour, method: "POST" });

    const res = await api("/api/users/me/data", { as: me, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant_id: me.tenant,
      user_id: 1,
      removed: { sessions: 3, messages: 8, summaries: 1, archives: 1, idempotency_keys: 0 },
    });
    await expectNothingLeft(me, data.all);
    expect((await api("/api/memory", { as: me })).body.summaries).toEqual([]);
    expect((await api(`/api/sessions/${data.active}`, { as: me })).status).toBe(404);

    // The neighbour keeps everything.
    expect((await api(`/api/sessions/${theirs}`, { as: neighbour })).body.message_count).toBe(4);
    expect((await api("/api/memory", { as: neighbour })).body.summaries).toHaveLength(1);

    // Erasing again finds nothing.
    const again = await api("/api/users/me/data", { as: me, method: "DELETE" });
    expect(again.body.removed).toEqual({ sessions: 0, messages: 0, summaries: 0, archives: 0, idempotency_keys: 0 });
  });

  it("a tenant admin may erase any user of the tenant; a plain user may not erase another", async () => {
    const tenant = freshTenant();
    const victim = { tenant, user: 5 };
    const data = await userWithData(victim);
    const denied = await api("/api/users/5/data", { as: { tenant, user: 6 }, method: "DELETE" });
    expect(denied.status).toBe(403);
    expect(await count("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ? AND user_id = 5", tenant)).toBe(3);

    const done = await api("/api/users/5/data", { as: { tenant, user: 1, role: "admin" }, method: "DELETE" });
    expect(done.status).toBe(200);
    expect(done.body.removed.sessions).toBe(3);
    await expectNothingLeft(victim, data.all);
  });

  it("an admin of another tenant reaches nothing", async () => {
    const tenant = freshTenant();
    const victim = { tenant, user: 5 };
    await userWithData(victim);
    const res = await api("/api/users/5/data", {
      as: { tenant: freshTenant(), user: 1, role: "admin" },
      method: "DELETE",
    });
    expect(res.body.removed.sessions).toBe(0);
    expect(await count("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ? AND user_id = 5", tenant)).toBe(3);
  });
});

describe("DELETED_RETENTION_DAYS", () => {
  it("a soft-deleted session is purged by its alarm once retention has passed", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["a", "b"]);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    await api(`/api/sessions/${id}`, { as: me, method: "DELETE" });
    // Within retention the data is kept.
    await backdate(id, 29 * 24);
    await runDurableObjectAlarm(stubFor(id));
    expect(await count("SELECT count(*) AS n FROM chat_sessions WHERE id = ?", id)).toBe(1);
    expect(await objectTables(id)).toBeGreaterThan(0);

    await backdate(id, 2 * 24);
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    expect(await count("SELECT count(*) AS n FROM chat_sessions WHERE id = ?", id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM session_summaries WHERE session_id = ?", id)).toBe(0);
    expect((await env.ARCHIVE.list({ prefix: archivePrefix(me.tenant, 1) })).objects).toEqual([]);
    await expectNothingLeft(me, [id]);
  });

  it("the sweep purges expired deletions too", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["x"]);
    await api(`/api/sessions/${id}`, { as: me, method: "DELETE" });
    await backdate(id, 31 * 24);
    const res = await api("/api/admin/cleanup", { as: { ...me, role: "admin" }, method: "POST" });
    expect(res.body.purged).toBe(1);
    await expectNothingLeft(me, [id]);
  });
});
