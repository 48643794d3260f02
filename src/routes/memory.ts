import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { SessionSummaryRow } from "../db/schema";
import { decodeCursor, encodeCursor, pageQuery } from "../lib/cursor";
import { queryParams } from "../lib/validate";
import { TenantSummaries } from "../memory/summary-store";

const listQuery = pageQuery(10);

export const summaryView = (r: SessionSummaryRow) => ({
  id: r.id,
  session_id: r.sessionId,
  summary: r.summary,
  key_topics: r.keyTopics,
  message_range: { first_seq: r.firstSeq, last_seq: r.lastSeq },
  message_count: r.messageCount,
  method: r.method,
  model: r.model,
  language: r.language,
  created_at: r.createdAt,
});

/** GET /api/memory: the caller's long-term summaries, newest first. */
export const memoryRoutes = new Hono<AppEnv>().get("/", queryParams(listQuery), async (c) => {
  const q = c.req.valid("query");
  const who = c.get("identity");
  const page = await new TenantSummaries(c.env.DB, who.tenantId).listForUser(
    who.userId,
    q.limit,
    decodeCursor(q.cursor),
  );
  return c.json({ summaries: page.rows.map(summaryView), next_cursor: encodeCursor(page.next) });
});
