import { and, asc, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Keyset, pastKey, toPage } from "./keyset";
import { type ChatSessionRow, chatSessions } from "./schema";

export type SessionStatusFilter = "active" | "ended" | "all";

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
    cursor?: Keyset,
  ): Promise<{ rows: ChatSessionRow[]; next?: Keyset }> {
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
          pastKey(chatSessions.lastMessageAt, chatSessions.id, cursor, "desc"),
        ),
      )
      .orderBy(desc(chatSessions.lastMessageAt), desc(chatSessions.id))
      .limit(limit + 1)
      .all();
    return toPage(rows, limit, (r) => ({ at: r.lastMessageAt, id: r.id }));
  }
}

/** A session the sweeps act on: enough to address its object. */
export interface SessionRef {
  id: string;
  tenantId: number;
  userId: number;
}

/** Neither ended nor deleted: the sessions that expiry and the per-user cap act on. */
const isOpen = and(isNull(chatSessions.endedAt), eq(chatSessions.isDeleted, false));

const refColumns = { id: chatSessions.id, tenantId: chatSessions.tenantId, userId: chatSessions.userId };

/** The tenant-scoped queries of the lifecycle sweeps, erasure and the per-user cap. */
export class TenantSessionMaintenance {
  private readonly db;

  constructor(
    d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /** Open sessions idle since before `cutoff`, oldest first, after the keyset position. */
  async idleOpenSessions(cutoff: string, limit: number, after?: Keyset): Promise<(SessionRef & Keyset)[]> {
    return this.db
      .select({ ...refColumns, at: chatSessions.lastMessageAt })
      .from(chatSessions)
      .where(
        and(
          eq(chatSessions.tenantId, this.tenantId),
          isOpen,
          lt(chatSessions.lastMessageAt, cutoff),
          pastKey(chatSessions.lastMessageAt, chatSessions.id, after, "asc"),
        ),
      )
      .orderBy(asc(chatSessions.lastMessageAt), asc(chatSessions.id))
      .limit(limit)
      .all();
  }

  /** Soft-deleted sessions whose retention ended before `cutoff`. */
  async expiredDeletions(cutoff: string, limit: number): Promise<SessionRef[]> {
    return this.db
      .select(refColumns)
      .from(chatSessions)
      .where(
        and(
          eq(chatSessions.tenantId, this.tenantId),
          eq(chatSessions.isDeleted, true),
          lt(chatSessions.deletedAt, cutoff),
        ),
      )
      .orderBy(asc(chatSessions.deletedAt))
      .limit(limit)
      .all();
  }

  /** The user's active sessions beyond the `keep` most recently active ones. */
  async activeBeyond(userId: number, keep: number): Promise<SessionRef[]> {
    return this.db
      .select(refColumns)
      .from(chatSessions)
      .where(and(eq(chatSessions.tenantId, this.tenantId), eq(chatSessions.userId, userId), isOpen))
      .orderBy(desc(chatSessions.lastMessageAt), desc(chatSessions.id))
      .limit(100)
      .offset(keep)
      .all();
  }

  /** Every session of the user, deleted ones included (erasure). */
  async allForUser(userId: number): Promise<SessionRef[]> {
    return this.db
      .select(refColumns)
      .from(chatSessions)
      .where(and(eq(chatSessions.tenantId, this.tenantId), eq(chatSessions.userId, userId)))
      .all();
  }

  async deleteRow(id: string): Promise<void> {
    await this.db.delete(chatSessions).where(and(eq(chatSessions.tenantId, this.tenantId), eq(chatSessions.id, id)));
  }
}

/**
 * The one query that spans tenants: which tenants have sweep work. Used only
 * by the scheduled handler, which then works through each tenant's scoped
 * repository.
 */
export async function tenantsWithSweepWork(d1: D1Database, idleCutoff: string, purgeCutoff: string): Promise<number[]> {
  const rows = await drizzle(d1)
    .selectDistinct({ tenantId: chatSessions.tenantId })
    .from(chatSessions)
    .where(
      or(
        and(isOpen, lt(chatSessions.lastMessageAt, idleCutoff)),
        and(eq(chatSessions.isDeleted, true), lt(chatSessions.deletedAt, purgeCutoff)),
      ),
    )
    .all();
  return rows.map((r) => r.tenantId);
}
