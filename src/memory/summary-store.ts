import { and, desc, eq, notExists } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Keyset, pastKey, toPage } from "../db/keyset";
import { chatSessions, type SessionSummaryRow, sessionSummaries } from "../db/schema";

/** Long-term memory in D1, bound to one tenant like the session index. */
export class TenantSummaries {
  private readonly db;

  constructor(
    d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /** Stores the session's summary unless it already has one; true if this call stored it. */
  async insertOnce(row: SessionSummaryRow): Promise<boolean> {
    if (row.tenantId !== this.tenantId) throw new Error("summary belongs to another tenant");
    const inserted = await this.db
      .insert(sessionSummaries)
      .values(row)
      .onConflictDoNothing({ target: sessionSummaries.sessionId })
      .returning({ id: sessionSummaries.id });
    return inserted.length > 0;
  }

  /**
   * The user's summaries, newest first, keyset-paginated. A soft-deleted
   * session's summary is hidden at once (its index row says so) and purged
   * with the session later.
   */
  async listForUser(
    userId: number,
    limit: number,
    cursor?: Keyset,
  ): Promise<{ rows: SessionSummaryRow[]; next?: Keyset }> {
    const rows = await this.db
      .select()
      .from(sessionSummaries)
      .where(
        and(
          eq(sessionSummaries.tenantId, this.tenantId),
          eq(sessionSummaries.userId, userId),
          notExists(
            this.db
              .select({ id: chatSessions.id })
              .from(chatSessions)
              .where(and(eq(chatSessions.id, sessionSummaries.sessionId), eq(chatSessions.isDeleted, true))),
          ),
          pastKey(sessionSummaries.createdAt, sessionSummaries.id, cursor, "desc"),
        ),
      )
      .orderBy(desc(sessionSummaries.createdAt), desc(sessionSummaries.id))
      .limit(limit + 1)
      .all();
    return toPage(rows, limit, (r) => ({ at: r.createdAt, id: r.id }));
  }

  async deleteForSession(sessionId: string): Promise<number> {
    const gone = await this.db
      .delete(sessionSummaries)
      .where(and(eq(sessionSummaries.tenantId, this.tenantId), eq(sessionSummaries.sessionId, sessionId)))
      .returning({ id: sessionSummaries.id });
    return gone.length;
  }

  async deleteForUser(userId: number): Promise<number> {
    const gone = await this.db
      .delete(sessionSummaries)
      .where(and(eq(sessionSummaries.tenantId, this.tenantId), eq(sessionSummaries.userId, userId)))
      .returning({ id: sessionSummaries.id });
    return gone.length;
  }
}
