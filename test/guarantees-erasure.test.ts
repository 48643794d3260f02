import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey, archivePrefix } from "../src/session/archive-keys";
import { api, type Caller, freshTenant } from "./helpers";

/** A summary row with no session index row behind it (as left by a lost purge). */
async function orphanSummary(who: Caller): Promise<string> {
  const sessionId = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO session_summaries (id, tenant_id, user_id, session_id, summary, key_topics, first_seq, last_seq,
       message_count, method, model, language, created_at)
     VALUES (?, ?, ?, ?, 'An orphan.', '[]', 1, 4, 4, 'extractive', NULL, 'en', ?)`,
  )
    .bind(crypto.randomUUID(), who.tenant, who.user, sessionId, new Date().toISOString())
    .run();
  return sessionId;
}

/** An archived transcript with no session index row behind it. */
async function orphanArchive(who: Caller): Promise<string> {
  const key = archiveKey(who.tenant, who.user, crypto.randomUUID());
  await env.ARCHIVE.put(key, '{"seq":1}\n');
  return key;
}

const summariesOf = async (who: Caller) =>
  env.DB.prepare("SELECT count(*) AS n FROM session_summaries WHERE tenant_id = ? AND user_id = ?")
    .bind(who.tenant, who.user)
    .first<number>("n");
const archivesOf = async (who: Caller) =>
  (await env.ARCHIVE.list({ prefix: archivePrefix(who.tenant, who.user) })).objects.length;

describe("erasure removes what no session index row points to", () => {
  it("orphan summaries and archives under the user's prefix go and are reported; other users' stay", async () => {
    const me = { tenant: freshTenant(), user: 3 };
    // Same tenant, another user; another tenant, the same user id.
    const others: Caller[] = [
      { tenant: me.tenant, user: 4 },
      { tenant: freshTenant(), user: 3 },
    ];
    for (const who of [me, ...others]) {
      await orphanSummary(who);
      await orphanSummary(who);
      await orphanArchive(who);
    }
    // A user id that merely starts with mine (3 → 30) shares no prefix with me.
    const prefixNeighbour = { tenant: me.tenant, user: 30 };
    await orphanArchive(prefixNeighbour);

    const res = await api("/api/users/me/data", { as: me, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant_id: me.tenant,
      user_id: 3,
      removed: { sessions: 0, messages: 0, summaries: 2, archives: 1, idempotency_keys: 0 },
    });
    expect(await summariesOf(me)).toBe(0);
    expect(await archivesOf(me)).toBe(0);

    for (const who of others) {
      expect(await summariesOf(who)).toBe(2);
      expect(await archivesOf(who)).toBe(1);
    }
    expect(await archivesOf(prefixNeighbour)).toBe(1);
  });
});
