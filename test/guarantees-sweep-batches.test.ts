import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, backdate, freshTenant, HOUR, newSession } from "./helpers";

const openCount = (tenant: number) =>
  env.DB.prepare("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ? AND ended_at IS NULL")
    .bind(tenant)
    .first<number>("n");

describe("the sweep works through more than one batch (it takes 25 at a time)", () => {
  // Thirty objects are created and swept twice: slower than most tests.
  it("checks each of 30 idle-looking sessions once, and ends all 30 once they are idle", {
    timeout: 20_000,
  }, async () => {
    const tenant = freshTenant();
    // Three users, so the per-user cap (20) ends none of them.
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => newSession({ tenant, user: 1 + (i % 3) })));
    const cleanup = async () =>
      (await api("/api/admin/cleanup", { as: { tenant, user: 99, role: "admin" }, method: "POST" })).body;

    // Only the index looks idle (as after lost index updates): every object refuses, and the
    // sweep moves past each one instead of reading the same first batch again.
    await env.DB.prepare("UPDATE chat_sessions SET last_message_at = ? WHERE tenant_id = ?")
      .bind(new Date(Date.now() - 48 * HOUR).toISOString(), tenant)
      .run();
    expect(await cleanup()).toEqual({ tenants: 1, checked: 30, ended: 0, purged: 0, failed: 0 });
    expect(await openCount(tenant)).toBe(30);

    // Now idle for real, in the objects too: all 30 end, over two batches.
    await Promise.all(ids.map((id) => backdate(id, 25)));
    expect(await cleanup()).toEqual({ tenants: 1, checked: 30, ended: 30, purged: 0, failed: 0 });
    expect(await openCount(tenant)).toBe(0);
    const reasons = await env.DB.prepare("SELECT DISTINCT end_reason FROM chat_sessions WHERE tenant_id = ?")
      .bind(tenant)
      .all();
    expect(reasons.results).toEqual([{ end_reason: "inactive" }]);
  });
});
