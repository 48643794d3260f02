import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import type { SessionSummaryRow } from "../db/schema";
import { ApiError } from "../errors";
import { queryParams } from "../lib/validate";
import { type SummaryCursor, TenantMemory } from "../memory/store";

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  cursor: z.string().optional(),
});

const encodeCursor = (c: SummaryCursor) => btoa(JSON.stringify([c.createdAt, c.id])).replace(/=+$/, "");
function decodeCursor(raw: string): SummaryCursor {
  try {
    const [createdAt, id] = JSON.parse(atob(raw)) as unknown[];
    if (typeof createdAt === "string" && typeof id === "string") return { createdAt, id };
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError(400, "invalid_request", "cursor: not a cursor this API returned");
}

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
  const page = await new TenantMemory(c.env.DB, who.tenantId).listForUser(
    who.userId,
    q.limit,
    q.cursor ? decodeCursor(q.cursor) : undefined,
  );
  return c.json({ summaries: page.rows.map(summaryView), next_cursor: page.next ? encodeCursor(page.next) : null });
});
