import { and, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type ChatSessionRow, chatSessions } from "./schema";

export type SessionStatusFilter = "active" | "ended" | "all";

export interface ListCursor {
  lastMessageAt: string;
  id: string;
}

/**
 * The only way to reach the session index: every query is bound to one tenant
 * at construction, so no caller can forget the tenant condition.
 */
export class TenantSessionIndex {
  private readonly db;

  constructor(
    d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /**
   * Absolute upsert of the object's snapshot. The version guard makes it
   * idempotent and order-proof: a late retry of an older snapshot is a no-op.
   */
  async upsert(row: ChatSessionRow): Promise<void> {
    if (row.tenantId !== this.tenantId) throw new Error("session index row belongs to another tenant");
    const { id: _id, tenantId: _t, userId: _u, createdAt: _c, ...changes } = row;
    await this.db
      .insert(chatSessions)
      .values(row)
      .onConflictDoUpdate({
        target: chatSessions.id,
        set: changes,
        setWhere: sql`${chatSessions.indexVersion} < excluded.index_version and ${chatSessions.tenantId} = excluded.tenant_id`,
      });
  }

  async get(id: string): Promise<ChatSessionRow | undefined> {
    return this.db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.tenantId, this.tenantId), eq(chatSessions.id, id)))
      .get();
  }

  /** The user's sessions, most recent activity first, keyset-paginated. */
  async listForUser(
    userId: number,
    status: SessionStatusFilter,
    limit: number,
    cursor?: ListCursor,
  ): Promise<{ rows: ChatSessionRow[]; next?: ListCursor }> {
    const rows = await this.db
      .select()
      .from(chatSessions)
      .where(
        and(
          eq(chatSessions.tenantId, this.tenantId),
          eq(chatSessions.userId, userId),
          eq(chatSessions.isDeleted, false),
          status === "active" ? isNull(chatSessions.endedAt) : undefined,
          status === "ended" ? isNotNull(chatSessions.endedAt) : undefined,
          cursor
            ? or(
                lt(chatSessions.lastMessageAt, cursor.lastMessageAt),
                and(eq(chatSessions.lastMessageAt, cursor.lastMessageAt), lt(chatSessions.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(chatSessions.lastMessageAt), desc(chatSessions.id))
      .limit(limit + 1)
      .all();
    if (rows.length <= limit) return { rows };
    const page = rows.slice(0, limit);
    const last = page[page.length - 1] as ChatSessionRow;
    return { rows: page, next: { lastMessageAt: last.lastMessageAt, id: last.id } };
  }
}
