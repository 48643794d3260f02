import { HOUR_MS } from "../lib/time";
import type { EndReason, JsonObject, MessageView, Owner, RecalledSummary } from "../session-types";
import type { SessionRecord, TurnRecord } from "./schema";

/** Turn records outlive the 24 h of their Idempotency-Key (plus a lease), then go. */
export const TURN_RECORD_TTL_MS = 25 * HOUR_MS;

/**
 * Changes to the object's own bookkeeping: nothing here is mirrored by the
 * D1 index, so these need no index update. Used only inside a store
 * transaction (SessionStore.update / commit). Writes to the session row go
 * through setSession, which keeps the row as written for the store's cache.
 */
export class LocalChange {
  private returned: SessionRecord | undefined;

  constructor(protected readonly sql: SqlStorage) {}

  /** The session row as this change's last write to it returned it; undefined: the change did not write it. */
  get row(): SessionRecord | undefined {
    return this.returned;
  }

  /** Writes the session row and keeps it as written: the store caches it without reading it again. */
  protected setSession(assignments: string, ...bindings: SqlStorageValue[]): void {
    this.returned = this.sql
      .exec<SessionRecord>(`UPDATE session SET ${assignments} RETURNING *`, ...bindings)
      .toArray()[0];
  }

  /** A failed turn is visible on its query: metadata.turn_status = "failed" until a retry completes it. */
  setTurnStatus(seq: number, status: "failed" | null): void {
    if (status) {
      this.sql.exec("UPDATE messages SET metadata = json_set(metadata, '$.turn_status', ?) WHERE seq = ?", status, seq);
    } else {
      this.sql.exec("UPDATE messages SET metadata = json_remove(metadata, '$.turn_status') WHERE seq = ?", seq);
    }
  }

  /** Keeps what was done under a request's token: a stored query (pending/failed) or a finished reply. */
  rememberTurn(token: string, state: TurnRecord["state"], value: unknown): void {
    const now = Date.now();
    this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", now - TURN_RECORD_TTL_MS);
    const done = state === "done";
    this.sql.exec(
      `INSERT INTO idempotency (key, fingerprint, state, response, pending, created_at) VALUES (?, '', ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state, response = excluded.response,
         pending = coalesce(excluded.pending, pending)`,
      token,
      state,
      done ? JSON.stringify(value) : "",
      done ? null : JSON.stringify(value),
      now,
    );
  }

  /** The documents the service's latest answer cited: they steer a follow-up's retrieval. */
  setCitedDocuments(documentIds: string[]): void {
    this.setSession("cited_documents = ?", JSON.stringify(documentIds));
  }

  /** The conversation's labels (/v1 metadata): the client's, not mirrored by the index. */
  setConversationMetadata(metadata: JsonObject): void {
    this.setSession("conversation_metadata = ?", JSON.stringify(metadata));
  }

  /** A response (/v1) begins with its stored query: what it asked for, in progress. */
  openResponse(querySeq: number, request: JsonObject, at: string): void {
    this.sql.exec(
      "INSERT INTO responses (query_seq, status, request, created_at) VALUES (?, 'in_progress', ?, ?)",
      querySeq,
      JSON.stringify(request),
      at,
    );
  }

  /** The turn of `querySeq` was answered; a no-op for a turn that is not a response (/api/chat). */
  responseAnswered(querySeq: number, answerSeq: number): void {
    this.sql.exec(
      "UPDATE responses SET status = 'completed', answer_seq = ?, error = NULL WHERE query_seq = ?",
      answerSeq,
      querySeq,
    );
  }

  /** The turn of `querySeq` failed (a retry under its key may still complete it). */
  responseFailed(querySeq: number, error: { code: string; message: string }): void {
    this.sql.exec(
      "UPDATE responses SET status = 'failed', error = ? WHERE query_seq = ?",
      JSON.stringify(error),
      querySeq,
    );
  }

  summaryAttemptFailed(): void {
    this.setSession("summary_attempts = summary_attempts + 1");
  }

  archiveDone(): void {
    this.setSession("archive_state = 'done'");
  }

  /** Post-end work ran: failures so far and when to try again (null: nothing left to retry). */
  workOutcome(failures: number, retryAt: number | null): void {
    this.setSession("work_failures = ?, work_retry_at = ?", failures, retryAt);
  }

  /**
   * D1 has the snapshot of `version` (sent at `now`). A commit made while it was
   * in flight is due one window later (`nextAt`), as if it came right after the send.
   */
  indexSynced(version: number, now: number, nextAt: number): void {
    this.setSession(
      `index_synced_version = max(index_synced_version, ?1), index_failures = 0,
         index_retry_at = CASE WHEN index_version > ?1 THEN ?3 ELSE NULL END,
         index_pending_since = CASE WHEN index_version > ?1 THEN ?2 ELSE NULL END`,
      version,
      now,
      nextAt,
    );
  }

  /** Messages keep coming: the pending update waits until `at` (a pause, or its longest delay). */
  indexDeferred(at: number): void {
    this.setSession("index_retry_at = ?", at);
  }

  indexFailed(failures: number, retryAt: number): void {
    this.setSession("index_failures = ?, index_retry_at = ?", failures, retryAt);
  }

  clearIndexRetry(): void {
    this.setSession("index_retry_at = NULL");
  }
}

/**
 * Changes to columns the D1 index mirrors: only SessionStore.commit hands
 * these out, and its final statement returns the row for the cache.
 */
export class IndexedChange extends LocalChange {
  private added: { count: number; at: string } | null = null;

  /** The messages this change added, for the commit's one write of the row: the highest seq and latest time. */
  get activity(): { count: number; at: string } | null {
    return this.added;
  }

  createSession(owner: Owner, id: string, at: string, recalled: RecalledSummary[]): void {
    // Version 0: the commit that creates the session makes it 1.
    this.sql.exec(
      `INSERT INTO session (singleton, id, tenant_id, user_id, created_at, last_message_at, index_version)
       VALUES (1, ?, ?, ?, ?, ?, 0)`,
      id,
      owner.tenantId,
      owner.userId,
      at,
      at,
    );
    recalled.forEach((m, position) => {
      this.sql.exec(
        "INSERT INTO memory (position, session_id, summary, key_topics, created_at) VALUES (?, ?, ?, ?, ?)",
        position,
        m.session_id,
        m.summary,
        JSON.stringify(m.key_topics),
        m.created_at,
      );
    });
  }

  addMessage(m: MessageView): void {
    this.sql.exec(
      "INSERT INTO messages (seq, id, role, content, metadata, created_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
      m.seq,
      m.id,
      m.role,
      m.content,
      JSON.stringify(m.metadata),
      m.created_at,
      m.origin,
    );
    // The row itself is written once, by the commit (message_count, last_message_at = max).
    const a = this.added;
    this.added = {
      count: a && a.count > m.seq ? a.count : m.seq,
      at: a && a.at > m.created_at ? a.at : m.created_at,
    };
  }

  /** active → ended, with the post-end work it implies recorded in the same step. */
  end(reason: EndReason, at: string, work: { summarise: boolean; archive: boolean }): void {
    this.sql.exec(
      "UPDATE session SET ended_at = ?, end_reason = ?, summary_state = ?, archive_state = ?, work_retry_at = ?",
      at,
      reason,
      work.summarise ? "pending" : "skipped",
      work.archive ? "pending" : "none",
      Date.parse(at),
    );
  }

  /** Soft delete: invisible everywhere; a discarded conversation is not turned into memory or archived. */
  softDelete(at: string): void {
    this.sql.exec(
      `UPDATE session SET is_deleted = 1, deleted_at = ?,
         ended_at = coalesce(ended_at, ?), end_reason = coalesce(end_reason, 'deleted'),
         summary_state = CASE summary_state WHEN 'pending' THEN 'skipped' ELSE summary_state END,
         archive_state = CASE archive_state WHEN 'pending' THEN 'skipped' ELSE archive_state END`,
      at,
      at,
    );
  }

  summaryDone(): void {
    this.sql.exec("UPDATE session SET summary_state = 'done', processed_for_ltm = 1");
  }
}
