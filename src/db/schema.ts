import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The tenant-scoped index of chat sessions. Each row is written only by its
 * session's Durable Object (absolute upserts guarded by index_version), so it
 * can lag the object briefly but never goes backwards.
 */
export const chatSessions = sqliteTable(
  "chat_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: integer("tenant_id").notNull(),
    userId: integer("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    lastMessageAt: text("last_message_at").notNull(),
    messageCount: integer("message_count").notNull().default(0),
    endedAt: text("ended_at"),
    endReason: text("end_reason"),
    processedForLtm: integer("processed_for_ltm", { mode: "boolean" }).notNull().default(false),
    isDeleted: integer("is_deleted", { mode: "boolean" }).notNull().default(false),
    indexVersion: integer("index_version").notNull(),
  },
  (t) => [
    // Serves the per-user list: tenant + user, newest activity first, keyset on (last_message_at, id).
    index("chat_sessions_user_activity").on(t.tenantId, t.userId, t.isDeleted, t.lastMessageAt, t.id),
  ],
);

export type ChatSessionRow = typeof chatSessions.$inferSelect;
