import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import type { SessionSummaryRow } from "../db/schema";
import { decodeCursor, encodeCursor, pageQuery } from "../lib/cursor";
import { queryParams } from "../lib/validate";
import { TenantSummaries } from "../memory/summary-store";
import { describe } from "../openapi/describe";
import { type summary, summaryList } from "../openapi/schemas";

const listQuery = pageQuery(10);

export const summaryView = (r: SessionSummaryRow): z.infer<typeof summary> => ({
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
const doc = describe({
  operationId: "listSummaries",
  summary: "The caller's long-term memory: summaries of ended sessions, newest first",
  tag: "memory",
  ok: { status: 200, schema: summaryList, description: "A page; pass next_cursor back as cursor (null at the end)" },
  errors: [400],
});

export const memoryRoutes = new Hono<AppEnv>().get("/", doc, queryParams(listQuery), async (c) => {
  const q = c.req.valid("query");
  const who = c.get("identity");
  const page = await new TenantSummaries(c.env.DB, who.tenantId).listForUser(
    who.userId,
    q.limit,
    decodeCursor(q.cursor),
  );
  return c.json({ summaries: page.rows.map(summaryView), next_cursor: encodeCursor(page.next) });
});
