import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    deletedAt: text("deleted_at"),
    indexVersion: integer("index_version").notNull(),
  },
  (t) => [
    // Serves the per-user list: tenant + user, newest activity first, keyset on (last_message_at, id).
    index("chat_sessions_user_activity").on(t.tenantId, t.userId, t.isDeleted, t.lastMessageAt, t.id),
    // Serves the sweeps: open sessions by age, and soft-deleted ones by deletion time.
    index("chat_sessions_open_by_activity").on(t.tenantId, t.endedAt, t.lastMessageAt),
    index("chat_sessions_deleted").on(t.tenantId, t.isDeleted, t.deletedAt),
  ],
);

export type ChatSessionRow = typeof chatSessions.$inferSelect;

/** Long-term memory: one summary per ended session (the unique key makes "exactly once" hold across retries). */
export const sessionSummaries = sqliteTable(
  "session_summaries",
  {
    id: text("id").primaryKey(),
    tenantId: integer("tenant_id").notNull(),
    userId: integer("user_id").notNull(),
    sessionId: text("session_id").notNull(),
    summary: text("summary").notNull(),
    keyTopics: text("key_topics", { mode: "json" }).$type<string[]>().notNull(),
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    messageCount: integer("message_count").notNull(),
    method: text("method").notNull(),
    model: text("model"),
    language: text("language").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("session_summaries_session").on(t.sessionId),
    index("session_summaries_user_recent").on(t.tenantId, t.userId, t.createdAt, t.id),
  ],
);

export type SessionSummaryRow = typeof sessionSummaries.$inferSelect;

/** A tenant's knowledge base document; re-posting the same source_url replaces it. */
export const knowledgeDocuments = sqliteTable(
  "knowledge_documents",
  {
    id: text("id").primaryKey(),
    tenantId: integer("tenant_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    sourceUrl: text("source_url"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    passageCount: integer("passage_count").notNull(),
    /** The analyser version its terms were indexed with (src/knowledge/indexing.ts); older ones are reindexed. */
    indexVersion: integer("index_version").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("knowledge_documents_source").on(t.tenantId, t.sourceUrl),
    index("knowledge_documents_recent").on(t.tenantId, t.updatedAt, t.id),
    // Finds a tenant's documents still indexed by an older analyser in one seek.
    index("knowledge_documents_version").on(t.tenantId, t.indexVersion),
  ],
);

/** Retrieval units of a document; their terms are in knowledge_terms. */
export const knowledgePassages = sqliteTable(
  "knowledge_passages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tenantId: integer("tenant_id").notNull(),
    documentId: text("document_id").notNull(),
    position: integer("position").notNull(),
    text: text("text").notNull(),
    /** Content words (title and heading included): what ranking normalises by. */
    length: integer("length").notNull().default(0),
  },
  (t) => [
    // A document's passages in order; indexing joins its terms to each passage by position.
    index("knowledge_passages_document").on(t.documentId, t.position),
    // The tenant's statistics from its own passages alone (an index-only scan).
    index("knowledge_passages_tenant").on(t.tenantId, t.length),
  ],
);

/**
 * The tenant-scoped inverted index: one row per passage and term (a folded
 * stem). Every lookup starts with tenant_id, so what a search reads and how
 * it ranks depend on the tenant's own passages only. `reversed` is the term
 * backwards, so compounds ending in a word are a range too.
 */
export const knowledgeTerms = sqliteTable(
  "knowledge_terms",
  {
    tenantId: integer("tenant_id").notNull(),
    term: text("term").notNull(),
    passageId: integer("passage_id").notNull(),
    reversed: text("reversed").notNull(),
    documentId: text("document_id").notNull(),
    /** Occurrences in the passage's body; whether it is in its heading, in the document's title. */
    bodyCount: integer("body_count").notNull(),
    inHeading: integer("in_heading").notNull(),
    inTitle: integer("in_title").notNull(),
    /** The passage's length, kept here so ranking reads no other row. */
    passageLength: integer("passage_length").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.term, t.passageId] }),
    index("knowledge_terms_reversed").on(t.tenantId, t.reversed),
    index("knowledge_terms_document").on(t.documentId),
  ],
);

/** Per tenant: how many passages, of what total length (the ranking's averages); written with every change. */
export const knowledgeStats = sqliteTable("knowledge_stats", {
  tenantId: integer("tenant_id").primaryKey(),
  passages: integer("passages").notNull(),
  totalLength: integer("total_length").notNull(),
});

export type KnowledgeDocumentRow = typeof knowledgeDocuments.$inferSelect;

/**
 * Sessions purged for good (retention or erasure). An index write for one of
 * them that lands late (sent before the purge, delivered after) is dropped,
 * so a purge always wins. Holds ids only; forgotten after a few days.
 */
export const purgedSessions = sqliteTable(
  "purged_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: integer("tenant_id").notNull(),
    purgedAt: text("purged_at").notNull(),
  },
  (t) => [index("purged_sessions_age").on(t.purgedAt)],
);
