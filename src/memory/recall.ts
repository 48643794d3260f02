import type { Owner, RecalledSummary } from "../session-types";
import { TenantSummaries } from "./summary-store";

/** The user's most recent summaries, handed to a new session as its long-term memory. */
export async function recallSummaries(env: Env, owner: Owner, count: number): Promise<RecalledSummary[]> {
  if (count <= 0) return [];
  const { rows } = await new TenantSummaries(env.DB, owner.tenantId).listForUser(owner.userId, count);
  return rows.map((r) => ({
    session_id: r.sessionId,
    summary: r.summary,
    key_topics: r.keyTopics,
    created_at: r.createdAt,
  }));
}
