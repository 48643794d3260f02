import type { Config } from "../config";
import type { MessageView, RecalledSummary } from "../session-types";
import { type DutyConfig, nextAlarmAt } from "./duties";
import {
  hasSchema,
  type MessageRecord,
  migrate,
  type ResponseRecord,
  type SessionRecord,
  type TurnRecord,
} from "./schema";
import { IndexedChange, LocalChange } from "./store-changes";
import { messagePages, type SummaryDigest, summaryDigest, transcriptStream } from "./transcript";
import { toMessage } from "./views";

/** What the store needs to know: the deadlines, and how long an index update may wait. */
export type StoreConfig = DutyConfig & Pick<Config, "INDEX_SYNC_WINDOW_MS">;

/**
 * One session's storage. Only the session object constructs it, and nothing
 * else touches the object's storage. Reads are plain methods; every change
 * goes through `commit` (columns the D1 index mirrors: the change, the
 * pending index update and the alarm, together) or `update` (the object's
 * own bookkeeping, which the index does not see). The change types make the
 * difference: only a commit can change a mirrored column.
 *
 * The session row is kept in memory (frozen), so a read costs no statement.
 * That is safe because this store is the row's only writer and the object
 * runs one event at a time: each commit and update replaces the copy with
 * the row its statement returned, in the same synchronous step as the write
 * (input gates keep other events out; output gates hold replies until the
 * write is durable, and a failed write resets the object, memory included).
 * A transaction that throws drops the copy, so the next read sees what
 * storage kept; a purge drops it too.
 */
export class SessionStore {
  private readonly sql: SqlStorage;
  /** The session row as last read or written; undefined: not known, read it. */
  private cached: Readonly<SessionRecord> | null | undefined;
  /** False until the session is created: probing an unknown id must write nothing. */
  private exists: boolean;
  /** The alarm time this store last set (undefined: unknown, e.g. after the alarm fired). */
  private armedAt: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly config: StoreConfig,
  ) {
    this.sql = storage.sql;
    this.exists = hasSchema(this.sql);
    // Only an existing session's schema is brought up to date; a new one gets it with its first commit.
    if (this.exists) migrate(this.sql);
  }

  load(): Readonly<SessionRecord> | null {
    if (!this.exists) return null;
    if (this.cached === undefined) {
      const row = this.sql.exec<SessionRecord>("SELECT * FROM session").toArray()[0];
      this.cached = row ? Object.freeze(row) : null;
    }
    return this.cached;
  }

  mustLoad(): Readonly<SessionRecord> {
    const s = this.load();
    if (!s) throw new Error("session record missing after write");
    return s;
  }

  // ----------------------------------------------------------------- reads

  /** The newest `limit` messages before `before` (a seq), oldest first: cost depends on `limit` only. */
  messagesBefore(before: number, limit: number): MessageView[] {
    if (limit <= 0) return [];
    return this.sql
      .exec<MessageRecord>("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", before, limit)
      .toArray()
      .reverse()
      .map(toMessage);
  }

  /** Up to `limit` messages after `seq` in ascending order, or before it in descending order. */
  messagesFrom(seq: number, order: "asc" | "desc", limit: number): MessageView[] {
    const query =
      order === "asc"
        ? "SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?"
        : "SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?";
    return this.sql.exec<MessageRecord>(query, seq, limit).toArray().map(toMessage);
  }

  /** One message by its id (ids are unique and indexed), or by its seq. */
  message(by: { id: string } | { seq: number }): MessageView | null {
    const row =
      "id" in by
        ? this.sql.exec<MessageRecord>("SELECT * FROM messages WHERE id = ?", by.id).toArray()[0]
        : this.sql.exec<MessageRecord>("SELECT * FROM messages WHERE seq = ?", by.seq).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** The response (/v1) whose query is message `querySeq`, if it is one. */
  response(querySeq: number): ResponseRecord | null {
    return this.sql.exec<ResponseRecord>("SELECT * FROM responses WHERE query_seq = ?", querySeq).toArray()[0] ?? null;
  }

  /** The user's summaries as they were when the session started (the `memory` table). */
  recalledSummaries(): RecalledSummary[] {
    return this.sql
      .exec<{ session_id: string; summary: string; key_topics: string; created_at: string }>(
        "SELECT session_id, summary, key_topics, created_at FROM memory ORDER BY position",
      )
      .toArray()
      .map((m) => ({ ...m, key_topics: JSON.parse(m.key_topics) as string[] }));
  }

  /** The documents the service's latest answer cited. */
  citedDocuments(): string[] {
    return JSON.parse(this.load()?.cited_documents ?? "[]") as string[];
  }

  /** The record kept under a request's token, if any (see turn-records.ts). */
  turnRecord(token: string): TurnRecord | null {
    if (!this.exists) return null;
    return (
      this.sql
        .exec<TurnRecord>("SELECT state, response, pending, created_at FROM idempotency WHERE key = ?", token)
        .toArray()[0] ?? null
    );
  }

  messageRows(): number {
    return this.exists ? this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM messages").one().n : 0;
  }

  pages(upTo: number): Generator<MessageView[]> {
    return messagePages(this.sql, upTo);
  }

  transcript(upTo: number): ReadableStream<Uint8Array> {
    return transcriptStream(this.sql, upTo);
  }

  digest(total: number): SummaryDigest {
    return summaryDigest(this.sql, total);
  }

  // --------------------------------------------------------------- changes

  /**
   * The only way to change a column the D1 index mirrors: the change, and the
   * version bump that records the pending index update with the time it is
   * due (INDEX_SYNC_WINDOW_MS after the first unsent change, whose time it
   * keeps: later changes ride along), in one transaction; the alarm is
   * derived and set in the same turn, so the update is sent even if the
   * object is evicted or crashes.
   */
  commit(change: (tx: IndexedChange) => void, now = Date.now()): Readonly<SessionRecord> {
    // One write of the row: the version bump, with the new messages' count and time; it returns the row as changed.
    const row = this.transaction(() => {
      if (!this.exists) migrate(this.sql);
      const tx = new IndexedChange(this.sql);
      change(tx);
      const added = tx.activity;
      const activity = added ? ", message_count = ?, last_message_at = max(last_message_at, ?)" : "";
      return this.sql
        .exec<SessionRecord>(
          `UPDATE session SET index_version = index_version + 1, index_retry_at = coalesce(index_retry_at, ?),
             index_pending_since = coalesce(index_pending_since, ?)${activity}
           RETURNING *`,
          now + this.config.INDEX_SYNC_WINDOW_MS,
          now,
          ...(added ? [added.count, added.at] : []),
        )
        .toArray()[0];
    });
    if (!row) {
      this.cached = undefined;
      throw new Error("session record missing after write");
    }
    this.exists = true;
    this.cached = Object.freeze(row);
    void this.armAlarm(now, this.cached);
    return this.cached;
  }

  /** A change of the object's own bookkeeping, which the index does not mirror. */
  update(change: (tx: LocalChange) => void): Readonly<SessionRecord> {
    const tx = new LocalChange(this.sql);
    this.transaction(() => change(tx));
    // A change that wrote the row returned it; one that did not left the cached row as it was.
    if (tx.row) this.cached = Object.freeze(tx.row);
    return this.mustLoad();
  }

  /** A transaction that, if it throws, drops the cached row: the next read sees what storage kept. */
  private transaction<T>(body: () => T): T {
    try {
      return this.storage.transactionSync(body);
    } catch (err) {
      this.cached = undefined;
      throw err;
    }
  }

  /**
   * Sets (or clears) the one alarm from the stored duties. A burst of changes
   * due at the same time sets it once: unchanged, it is not set again. `row`:
   * the record as just written, when the caller has it (one read less).
   */
  armAlarm(now = Date.now(), row: SessionRecord | null = this.load()): Promise<void> {
    const due = nextAlarmAt(row, this.config, now);
    if (due === this.armedAt) return Promise.resolve();
    this.armedAt = due;
    return due === null ? this.storage.deleteAlarm() : this.storage.setAlarm(due);
  }

  /** The alarm is running: the platform has cleared it, so the next armAlarm sets it whatever it was. */
  alarmFired(): void {
    this.armedAt = undefined;
  }

  /** An alarm at a fixed time, whatever the duties say: the last-retry fallback of a failing alarm. */
  alarmAt(time: number): Promise<void> {
    this.armedAt = time;
    return this.storage.setAlarm(time);
  }

  /** Purge: every row and the alarm; the object is as if never created. */
  async deleteAll(): Promise<void> {
    // A read while the purge runs reads storage, as it would without the cache.
    this.cached = undefined;
    try {
      await this.storage.deleteAlarm();
      await this.storage.deleteAll();
    } finally {
      this.cached = undefined;
    }
    this.exists = false;
    this.armedAt = undefined;
  }
}
