import { and, asc, desc, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Keyset, pastKey, toPage } from "./keyset";
import { type ChatSessionRow, chatSessions, purgedSessions } from "./schema";

export type SessionStatusFilter = "active" | "ended" | "all";

/**
 * The only way to reach the session index: every query is bound to one tenant
 * at construction, so no caller can forget the tenant condition.
 */
export class TenantSessionIndex {
  private readonly db;

  constructor(
    private readonly d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /**
   * Absolute upsert of the object's snapshot. The version guard makes it
   * idempotent and order-proof: a late retry of an older snapshot is a no-op;
   * and a snapshot of a session purged since is dropped (see purgedSessions).
   */
  async upsert(row: ChatSessionRow): Promise<void> {
    if (row.tenantId !== this.tenantId) throw new Error("session index row belongs to another tenant");
    await this.d1
      .prepare(
        `INSERT INTO chat_sessions (id, tenant_id, user_id, created_at, last_message_at, message_count, ended_at,
           end_reason, processed_for_ltm, is_deleted, deleted_at, index_version)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
          WHERE NOT EXISTS (SELECT 1 FROM purged_sessions WHERE id = ?1)
         ON CONFLICT (id) DO UPDATE SET last_message_at = excluded.last_message_at,
           message_count = excluded.message_count, ended_at = excluded.ended_at, end_reason = excluded.end_reason,
           processed_for_ltm = excluded.processed_for_ltm, is_deleted = excluded.is_deleted,
           deleted_at = excluded.deleted_at, index_version = excluded.index_version
          WHERE chat_sessions.index_version < excluded.index_version AND chat_sessions.tenant_id = excluded.tenant_id`,
      )
      .bind(
        row.id,
        row.tenantId,
        row.userId,
        row.createdAt,
        row.lastMessageAt,
        row.messageCount,
        row.endedAt,
        row.endReason,
        row.processedForLtm ? 1 : 0,
        row.isDeleted ? 1 : 0,
        row.deletedAt,
        row.indexVersion,
      )
      .run();
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

  /** The session is purged: its row goes, and a tombstone makes any index write still in flight a no-op. */
  async removePurged(id: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db.batch([
      this.db.delete(chatSessions).where(and(eq(chatSessions.tenantId, this.tenantId), eq(chatSessions.id, id))),
      this.db.insert(purgedSessions).values({ id, tenantId: this.tenantId, purgedAt: now }).onConflictDoNothing(),
    ]);
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

/**
 * Tombstones older than `cutoff` are forgotten: by then no index write sent
 * before its purge can still arrive. Holds session ids only (no tenant data).
 */
export async function forgetTombstones(d1: D1Database, cutoff: string): Promise<number> {
  const gone = await drizzle(d1)
    .delete(purgedSessions)
    .where(lt(purgedSessions.purgedAt, cutoff))
    .returning({ id: purgedSessions.id });
  return gone.length;
}
