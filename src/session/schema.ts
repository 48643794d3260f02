/**
 * A session object's SQLite: the schema steps and the shapes of its rows.
 * Steps are applied in order once per object; append, never edit (existing
 * objects carry every earlier step). Some table names are historical: the
 * `idempotency` table holds turn records (by request token) and `memory` the
 * summaries recalled when the session started.
 */

/** Schema steps, applied in order once per object; append, never edit. */
export const SCHEMA: readonly string[] = [
  `CREATE TABLE session (
     singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
     id TEXT NOT NULL,
     tenant_id INTEGER NOT NULL,
     user_id INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     last_message_at TEXT NOT NULL,
     message_count INTEGER NOT NULL DEFAULT 0,
     ended_at TEXT,
     end_reason TEXT,
     processed_for_ltm INTEGER NOT NULL DEFAULT 0,
     is_deleted INTEGER NOT NULL DEFAULT 0,
     index_version INTEGER NOT NULL DEFAULT 1,
     index_synced_version INTEGER NOT NULL DEFAULT 0,
     index_failures INTEGER NOT NULL DEFAULT 0,
     index_retry_at INTEGER
   )`,
  `CREATE TABLE messages (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     metadata TEXT NOT NULL,
     created_at TEXT NOT NULL
   )`,
  `CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     response TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  "CREATE INDEX idempotency_created ON idempotency (created_at)",
  // Lifecycle: end, post-end work (summary, archive), soft delete.
  "ALTER TABLE session ADD COLUMN deleted_at TEXT",
  "ALTER TABLE session ADD COLUMN summary_state TEXT NOT NULL DEFAULT 'none'",
  "ALTER TABLE session ADD COLUMN summary_attempts INTEGER NOT NULL DEFAULT 0",
  "ALTER TABLE session ADD COLUMN archive_state TEXT NOT NULL DEFAULT 'none'",
  "ALTER TABLE session ADD COLUMN work_failures INTEGER NOT NULL DEFAULT 0",
  "ALTER TABLE session ADD COLUMN work_retry_at INTEGER",
  // Idempotent turns that can fail and be completed by a retry.
  "ALTER TABLE idempotency ADD COLUMN state TEXT NOT NULL DEFAULT 'done'",
  "ALTER TABLE idempotency ADD COLUMN pending TEXT",
  // The user's long-term memory as it was when the session started.
  `CREATE TABLE memory (
     position INTEGER PRIMARY KEY,
     session_id TEXT NOT NULL,
     summary TEXT NOT NULL,
     key_topics TEXT NOT NULL,
     created_at TEXT NOT NULL
   )`,
  // The documents the service's latest answer cited: they steer a follow-up's retrieval (client metadata never does).
  "ALTER TABLE session ADD COLUMN cited_documents TEXT NOT NULL DEFAULT '[]'",
  // Conversations (/v1): the client's labels for the session, and what each response asked for and came to.
  "ALTER TABLE session ADD COLUMN conversation_metadata TEXT NOT NULL DEFAULT '{}'",
  `CREATE TABLE responses (
     query_seq INTEGER PRIMARY KEY,
     answer_seq INTEGER,
     status TEXT NOT NULL,
     request TEXT NOT NULL,
     error TEXT,
     created_at TEXT NOT NULL
   )`,
  // Who wrote a message: only the service's own answers are shown as its citations (a client may store anything).
  "ALTER TABLE messages ADD COLUMN origin TEXT NOT NULL DEFAULT 'client'",
  // Since when the index has been behind: bounds how long a continuously written session defers its update.
  "ALTER TABLE session ADD COLUMN index_pending_since INTEGER",
];

export type WorkState = "none" | "pending" | "done" | "skipped";

/** The one row of the `session` table. */
export type SessionRecord = {
  id: string;
  tenant_id: number;
  user_id: number;
  created_at: string;
  last_message_at: string;
  message_count: number;
  ended_at: string | null;
  end_reason: string | null;
  processed_for_ltm: number;
  is_deleted: number;
  index_version: number;
  index_synced_version: number;
  index_failures: number;
  index_retry_at: number | null;
  deleted_at: string | null;
  summary_state: WorkState;
  summary_attempts: number;
  archive_state: WorkState;
  work_failures: number;
  work_retry_at: number | null;
  cited_documents: string;
  conversation_metadata: string;
  index_pending_since: number | null;
};

export type MessageRecord = {
  seq: number;
  id: string;
  role: string;
  content: string;
  metadata: string;
  created_at: string;
  origin: string;
};

/**
 * A response (/v1) as the service keeps it: written only by the turn that
 * answers it, keyed by the seq of its query. `request` is what the client
 * asked for (model, instructions, metadata, previous response), kept as sent.
 */
export type ResponseRecord = {
  query_seq: number;
  answer_seq: number | null;
  status: "in_progress" | "completed" | "failed";
  request: string;
  error: string | null;
  created_at: string;
};

/** What the object did under a request's token: a turn whose query is stored, or a finished reply. */
export type TurnRecord = {
  state: "pending" | "failed" | "done";
  response: string;
  pending: string | null;
  created_at: number;
};

/** Brings the object's tables up to the last step. */
export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (step INTEGER NOT NULL)");
  const done = sql.exec<{ n: number }>("SELECT count(*) AS n FROM _schema").one().n;
  for (let step = done; step < SCHEMA.length; step++) {
    sql.exec(SCHEMA[step] as string);
    sql.exec("INSERT INTO _schema (step) VALUES (?)", step);
  }
}

/** True once the object has a schema (the session was created): probing an unknown id must write nothing. */
export const hasSchema = (sql: SqlStorage): boolean =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_schema'").toArray().length > 0;
