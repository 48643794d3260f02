import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/worker";
import { api, backdate, freshTenant, HOUR, newSession, sessionWithTurns, summaryRows } from "./helpers";

const status = async (me: { tenant: number; user: number }, id: string) =>
  (await api(`/api/sessions/${id}`, { as: me })).body.status;

async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "0 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("cron sweep (safety net behind the alarms)", () => {
  it("on a CLEANUP_INTERVAL_HOURS hour, ends sessions idle past the timeout, with summaries, and logs counts", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const idle = await sessionWithTurns(me, ["old topic one", "old topic two"]);
    const fresh = await newSession(me);
    await backdate(idle, 48);
    const log = vi.spyOn(console, "log");
    // The most recent 6-hour boundary: a sweep hour.
    await runCron(Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR);
    expect(await status(me, idle)).toBe("ended");
    expect(await status(me, fresh)).toBe("active");
    expect((await summaryRows(idle)).results).toHaveLength(1);
    const line = log.mock.calls.map((c) => String(c[0])).find((l) => l.includes("session_sweep"));
    expect(JSON.parse(line as string)).toMatchObject({ event: "session_sweep", scope: "all" });
    expect(JSON.parse(line as string).ended).toBeGreaterThanOrEqual(1);
    log.mockRestore();
  });

  it("does nothing on other hours", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const idle = await newSession(me);
    await backdate(idle, 48);
    await runCron(Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR + HOUR);
    expect(await status(me, idle)).toBe("active");
  });

  it("never ends a session whose object knows of newer activity than the index", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    // Only the index looks idle (as after a lost index update); the object's own data wins.
    await env.DB.prepare("UPDATE chat_sessions SET last_message_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 48 * HOUR).toISOString(), id)
      .run();
    const res = await api("/api/admin/cleanup", { as: { ...me, role: "admin" }, method: "POST" });
    expect(res.body).toMatchObject({ checked: 1, ended: 0 });
    expect(await status(me, id)).toBe("active");
  });
});

describe("POST /api/admin/cleanup", () => {
  it("lets a tenant admin sweep their own tenant only, and answers with counts", async () => {
    const tenant = freshTenant();
    const other = freshTenant();
    const a = await newSession({ tenant, user: 1 });
    const b = await newSession({ tenant, user: 2 });
    const foreign = await newSession({ tenant: other, user: 1 });
    for (const id of [a, b, foreign]) await backdate(id, 30);
    const res = await api("/api/admin/cleanup", { as: { tenant, user: 99, role: "admin" }, method: "POST" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenants: 1, checked: 2, ended: 2, purged: 0, failed: 0 });
    expect(await status({ tenant, user: 1 }, a)).toBe("ended");
    expect(await status({ tenant, user: 2 }, b)).toBe("ended");
    expect(await status({ tenant: other, user: 1 }, foreign)).toBe("active");
  });

  it("is 403 for a non-admin", async () => {
    const res = await api("/api/admin/cleanup", { as: { tenant: freshTenant(), user: 1 }, method: "POST" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });
});
