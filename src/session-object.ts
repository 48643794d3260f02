import { DurableObject } from "cloudflare:workers";
import { answerProviderFor } from "./answer";
import { type Answer, AnswerError, type AnswerProvider } from "./answer/provider";
import { type Config, getConfig } from "./config";
import type { ChatSessionRow } from "./db/schema";
import { TenantSessionIndex, TenantSessionMaintenance } from "./db/session-index";
import { retrieve } from "./knowledge/retrieve";
import { type Passage, TenantKnowledge } from "./knowledge/store";
import { errorText, log } from "./lib/log";
import { ExtractiveSummarizer, type Summarizer, summarizerFor } from "./memory";
import { archiveKey } from "./memory/archive";
import { TenantMemory } from "./memory/store";
import {
  archiveTranscript,
  type MessageRecord,
  summaryDigest,
  toMessage,
  transcriptStream,
} from "./session/transcript";
import type {
  Caller,
  ChatResponse,
  EndReason,
  HistoryPage,
  JsonObject,
  MemoryItem,
  MessageView,
  Outcome,
  Owner,
  PurgeReport,
  Refusal,
  Role,
  SessionInfo,
  TurnEvent,
} from "./session-types";

/** Schema steps, applied in order once per object; append, never edit. */
const SCHEMA: string[] = [
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
];

/** Turn records outlive the 24 h of their Idempotency-Key (plus a lease), then go. */
const TURN_RECORD_TTL_MS = 25 * 60 * 60 * 1000;
/** First D1 retry if the inline index write does not confirm; then exponential backoff. */
const INDEX_RETRY_FIRST_MS = 1_000;
const INDEX_RETRY_MAX_MS = 5 * 60 * 1000;
/** Model attempts at a summary before the embedded summariser takes over. */
export const MODEL_SUMMARY_ATTEMPTS = 3;
const WORK_RETRY_FIRST_MS = 5_000;
const WORK_RETRY_MAX_MS = 10 * 60 * 1000;
/** workerd retries a failing alarm up to six times; on the last one we re-arm instead of giving up. */
export const LAST_ALARM_RETRY = 5;
const ALARM_REARM_MS = 60_000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

type WorkState = "none" | "pending" | "done" | "skipped";

type SessionRecord = {
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
};

/** A turn whose query is stored but whose answer is not (yet). */
type PendingTurn = { user_message: MessageView; created: boolean };

type TurnRecord = {
  state: "pending" | "failed" | "done";
  response: string;
  pending: string | null;
  created_at: number;
};

export interface ChatInput {
  query: string;
  /** The request's token (see src/idempotency): a turn already stored under it is finished or replayed, not repeated. */
  turnId?: string;
  /** Keep the turn under its token from the start (the request carries an Idempotency-Key). */
  remember?: boolean;
  /** Create the session under this object's id when it does not exist yet. */
  createAs?: string;
  /** With createAs: the user's recent long-term summaries, kept as this session's memory. */
  memory?: MemoryItem[];
  /**
   * Streaming: called (over RPC, back in the worker) with the turn's events;
   * it answers false, or fails, once the client has gone. The turn completes
   * and is stored all the same.
   */
  onEvent?: (event: TurnEvent) => Promise<boolean>;
}

export interface AppendInput {
  role: Role;
  content: string;
  metadata: JsonObject;
  /** With an Idempotency-Key: the reply is kept under this token, so a retry after a lost response replays it. */
  turnId?: string;
}

const toInfo = (s: SessionRecord): SessionInfo => ({
  id: s.id,
  tenant_id: s.tenant_id,
  user_id: s.user_id,
  status: s.ended_at === null ? "active" : "ended",
  created_at: s.created_at,
  last_message_at: s.last_message_at,
  message_count: s.message_count,
  ended_at: s.ended_at,
  processed_for_ltm: s.processed_for_ltm === 1,
});

const toIndexRow = (s: SessionRecord): ChatSessionRow => ({
  id: s.id,
  tenantId: s.tenant_id,
  userId: s.user_id,
  createdAt: s.created_at,
  lastMessageAt: s.last_message_at,
  messageCount: s.message_count,
  endedAt: s.ended_at,
  endReason: s.end_reason,
  processedForLtm: s.processed_for_ltm === 1,
  isDeleted: s.is_deleted === 1,
  deletedAt: s.deleted_at,
  indexVersion: s.index_version,
});

const nowIso = () => new Date().toISOString();
/** Work the object does on its own (post-end work, index updates, alarms) is logged without a request id. */
const sessionFields = (s: SessionRecord) => ({
  request_id: null,
  tenant_id: s.tenant_id,
  user_id: s.user_id,
  session_id: s.id,
});
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

/**
 * One chat session: its history, its metadata and the only writer of its row
 * in the D1 index. Every state change is one SQLite transaction that also
 * records the pending index update; the alarm retries that update until D1
 * has it.
 */
export class SessionObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly config: Config;
  /** The answer provider; like any external model it is replaceable in tests (slow, failing). */
  answers: AnswerProvider;
  /** The summariser (Workers AI when bound); replaceable in tests like the answer provider. */
  summarizer: Summarizer;
  /** False until the session is created: probing an unknown id must write nothing. */
  private ready = false;
  /** Turns and appends run one at a time, so each answer directly follows its query. */
  private writeTail: Promise<unknown> = Promise.resolve();
  private indexTail: Promise<unknown> = Promise.resolve();
  private readonly fallbackSummarizer = new ExtractiveSummarizer();

  /**
   * Where index snapshots go. A seam for fault injection in tests (D1 outages);
   * production always uses the tenant-scoped D1 repository.
   */
  indexWriter: (row: ChatSessionRow) => Promise<void> = (row) =>
    new TenantSessionIndex(this.env.DB, row.tenantId).upsert(row);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = getConfig(env);
    this.answers = answerProviderFor(env);
    this.summarizer = summarizerFor(env);
    ctx.blockConcurrencyWhile(async () => {
      // Only bring an existing session's schema up to date; a new one gets it in create.
      const existing = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_schema'").toArray();
      if (existing.length > 0) this.migrate();
      this.ready = existing.length > 0;
    });
  }

  // ---------------------------------------------------------------- RPC API

  /** Creates the session (idempotent for its owner). */
  async create(
    owner: Owner,
    id: string,
    memory: MemoryItem[] = [],
  ): Promise<Outcome<{ info: SessionInfo; created: boolean }>> {
    return this.exclusive(async () => {
      const existing = this.load();
      if (existing) {
        return this.visibleTo(existing, owner) ? ok({ info: toInfo(existing), created: false }) : refuse("not_found");
      }
      this.write(() => this.insertSession(owner, id, nowIso(), memory));
      await this.flushIndex();
      return ok({ info: toInfo(this.mustLoad()), created: true });
    });
  }

  async info(owner: Owner): Promise<SessionInfo | null> {
    const s = this.load();
    return s && this.visibleTo(s, owner) ? toInfo(s) : null;
  }

  /**
   * One chat turn. The query is stored first (with the pending Idempotency-Key
   * record, and the session itself when this turn creates it); then the
   * tenant's knowledge is retrieved and the provider answers; then the answer
   * is stored. If the provider fails, the query stays, marked as a failed
   * turn, and a retry with the same key completes that turn without storing
   * the query again. Turns hold the session's lock throughout, so each answer
   * directly follows its query.
   */
  async chat(owner: Caller, input: ChatInput): Promise<Outcome<ChatResponse>> {
    return this.exclusive(async () => {
      const s = this.load();
      if (s && !this.visibleTo(s, owner)) return refuse("not_found");
      let unfinished: PendingTurn | null = null;
      if (s && input.turnId) {
        const rec = this.turnRecord(input.turnId);
        if (rec?.state === "done") return ok(JSON.parse(rec.response) as ChatResponse);
        if (rec) unfinished = JSON.parse(rec.pending as string) as PendingTurn;
      }
      if (!s && !input.createAs) return refuse("not_found");
      if (s && s.ended_at !== null) return refuse("ended");

      const sessionId = s?.id ?? (input.createAs as string);
      const memory = s ? this.memoryItems() : (input.memory ?? []);
      let turn = unfinished;
      if (!turn) {
        const userMessage: MessageView = {
          id: crypto.randomUUID(),
          seq: (s?.message_count ?? 0) + 1,
          role: "user",
          content: input.query,
          metadata: {},
          created_at: nowIso(),
        };
        turn = { user_message: userMessage, created: !s };
        const pending = turn;
        this.write(() => {
          if (!s) this.insertSession(owner, sessionId, userMessage.created_at, memory);
          this.insertMessage(userMessage);
          if (input.turnId && input.remember) this.rememberTurn(input.turnId, "pending", pending);
        });
      }
      const current = turn;
      const userMessage = turn.user_message;
      const emit = listener(input.onEvent);
      await emit({ type: "session", session_id: sessionId, resumed: !turn.created });
      const history = [...this.messagesBefore(userMessage.seq, this.config.MAX_CONTEXT_MESSAGES - 1), userMessage];
      const knowledge = new TenantKnowledge(this.env.DB, owner.tenantId);

      const failTurn = async (refusal: Refusal, err: unknown): Promise<Outcome<ChatResponse>> => {
        log("warn", "turn_failed", {
          request_id: owner.requestId,
          tenant_id: owner.tenantId,
          user_id: owner.userId,
          session_id: sessionId,
          seq: userMessage.seq,
          refusal,
          provider: this.answers.name,
          error: errorText(err),
        });
        this.write(() => {
          this.setTurnStatus(userMessage.seq, "failed");
          // Kept under the request's token whether or not it carried a key, so a retry can finish it.
          if (input.turnId) this.rememberTurn(input.turnId, "failed", current);
        });
        await this.flushIndex();
        return { ok: false, refusal, details: { session_id: sessionId, user_message_id: userMessage.id } };
      };

      // Only the service's own answers steer retrieval: what they cited is kept in the session record.
      const citedBefore = JSON.parse(s?.cited_documents ?? "[]") as string[];
      let passages: Passage[];
      try {
        ({ passages } = await retrieve(knowledge, input.query, history, citedBefore));
      } catch (err) {
        // The knowledge base, not the answer provider, failed: a different error for the client.
        return failTurn("knowledge_unavailable", err);
      }
      let answer: Answer;
      let streamedLive = false;
      try {
        const onDelta = input.onEvent
          ? async (text: string) => {
              streamedLive = true;
              await emit({ type: "delta", text });
            }
          : undefined;
        answer = await this.answers.answer({ query: input.query, history, memory, passages }, onDelta);
      } catch (err) {
        const timedOut = err instanceof AnswerError && err.kind === "timeout";
        return failTurn(timedOut ? "answer_timeout" : "answer_failed", err);
      }

      const assistantMessage: MessageView = {
        id: crypto.randomUUID(),
        seq: this.mustLoad().message_count + 1,
        role: "assistant",
        content: answer.content,
        metadata: { ...answer.metadata, sources: answer.sources },
        created_at: nowIso(),
      };
      const response: ChatResponse = {
        session_id: sessionId,
        resumed: !turn.created,
        answer: answer.content,
        sources: answer.sources,
        user_message: userMessage,
        assistant_message: assistantMessage,
      };
      this.write(() => {
        if (unfinished) this.setTurnStatus(userMessage.seq, null);
        this.insertMessage(assistantMessage);
        this.sql.exec(
          "UPDATE session SET cited_documents = ?",
          JSON.stringify(answer.sources.map((source) => source.document_id)),
        );
        if (input.turnId && (input.remember || unfinished)) this.rememberTurn(input.turnId, "done", response);
      });
      // A provider that does not stream: the stored answer goes out once kept (the worker cuts it into deltas).
      if (!streamedLive) await emit({ type: "delta", text: answer.content });
      await emit({ type: "done", response });
      await this.flushIndex();
      return ok(response);
    });
  }

  /** Appends one message (any role) to an active session. */
  async append(owner: Owner, input: AppendInput): Promise<Outcome<MessageView>> {
    return this.exclusive(async () => {
      const s = this.load();
      if (!s || !this.visibleTo(s, owner)) return refuse("not_found");
      if (input.turnId) {
        const rec = this.turnRecord(input.turnId);
        if (rec?.state === "done") return ok(JSON.parse(rec.response) as MessageView);
      }
      if (s.ended_at !== null) return refuse("ended");
      const message: MessageView = {
        id: crypto.randomUUID(),
        seq: s.message_count + 1,
        role: input.role,
        content: input.content,
        metadata: input.metadata,
        created_at: nowIso(),
      };
      this.write(() => {
        this.insertMessage(message);
        if (input.turnId) this.rememberTurn(input.turnId, "done", message);
      });
      await this.flushIndex();
      return ok(message);
    });
  }

  /** The newest `limit` messages before `before` (a seq), oldest first. Cost depends on `limit` only. */
  async history(owner: Owner, limit: number, before?: number): Promise<HistoryPage | null> {
    const s = this.load();
    if (!s || !this.visibleTo(s, owner)) return null;
    const rows = this.sql
      .exec<MessageRecord>(
        "SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse().map(toMessage);
    return {
      session_id: s.id,
      status: s.ended_at === null ? "active" : "ended",
      messages: page,
      has_more: hasMore,
      next_before: hasMore && page.length > 0 ? (page[0] as MessageView).seq : null,
    };
  }

  /** Every message, as JSON Lines (the transcript when no archive copy exists), streamed: any size crosses RPC. */
  async transcript(owner: Owner): Promise<ReadableStream<Uint8Array> | null> {
    const s = this.load();
    if (!s || !this.visibleTo(s, owner)) return null;
    return transcriptStream(this.sql, s.message_count);
  }

  /** Ends the session (idempotent: a second end returns the first ended_at), then summarises and archives it. */
  async end(owner: Owner, reason: EndReason = "user"): Promise<Outcome<SessionInfo>> {
    return this.exclusive(async () => {
      const s = this.load();
      if (!s || !this.visibleTo(s, owner)) return refuse("not_found");
      if (s.ended_at === null) this.markEnded(reason);
      await this.postEndWork();
      await this.flushIndex();
      return ok(toInfo(this.mustLoad()));
    });
  }

  /** Ends the session if it has really been idle for SESSION_TIMEOUT_HOURS (sweeps call this). */
  async expireIfIdle(): Promise<"ended" | "active" | "gone"> {
    return this.exclusive(async () => {
      const s = this.load();
      if (!s || s.is_deleted === 1) return "gone";
      if (s.ended_at !== null) return "ended";
      if (Date.now() < this.idleDeadline(s)) return "active";
      this.markEnded("inactive");
      await this.postEndWork();
      await this.flushIndex();
      return "ended";
    });
  }

  /** Soft delete: invisible everywhere, data kept until DELETED_RETENTION_DAYS have passed. */
  async softDelete(owner: Owner): Promise<boolean> {
    return this.exclusive(async () => {
      const s = this.load();
      if (!s || !this.visibleTo(s, owner)) return false;
      const at = nowIso();
      this.write(() => {
        // A discarded conversation is not turned into memory.
        this.sql.exec(
          `UPDATE session SET is_deleted = 1, deleted_at = ?,
             ended_at = coalesce(ended_at, ?), end_reason = coalesce(end_reason, 'deleted'),
             summary_state = CASE summary_state WHEN 'pending' THEN 'skipped' ELSE summary_state END,
             archive_state = CASE archive_state WHEN 'pending' THEN 'skipped' ELSE archive_state END,
             index_version = index_version + 1`,
          at,
          at,
        );
      });
      await this.flushIndex();
      return true;
    });
  }

  /**
   * Hard delete everywhere: summary, archive, index row, then the object's own
   * storage. External copies go first, so a failure leaves the object able to
   * retry. `owner` null is the retention purge; an owner may purge even a
   * soft-deleted session (erasure).
   */
  async purge(owner: Owner | null): Promise<PurgeReport | null> {
    return this.exclusive(async () => {
      const s = this.load();
      if (!s) return null;
      if (owner && (s.tenant_id !== owner.tenantId || s.user_id !== owner.userId)) return null;
      if (!owner && !(s.is_deleted === 1 && Date.now() >= this.purgeDeadline(s))) return null;
      await this.indexTail;
      const messages = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM messages").one().n;
      const summaries = await new TenantMemory(this.env.DB, s.tenant_id).deleteForSession(s.id);
      let archives = 0;
      const key = archiveKey(s.tenant_id, s.user_id, s.id);
      if (this.env.ARCHIVE && (await this.env.ARCHIVE.head(key))) {
        await this.env.ARCHIVE.delete(key);
        archives = 1;
      }
      await new TenantSessionMaintenance(this.env.DB, s.tenant_id).removePurged(s.id);
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.ready = false;
      return { sessions: 1, messages, summaries, archives };
    });
  }

  /**
   * Every duty of the session is derived from stored data and re-checked
   * here, so an early, late or repeated alarm is harmless: index retry, idle
   * expiry, post-end work, retention purge.
   */
  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    if (!this.ready) return;
    try {
      const s = this.load();
      if (!s) return;
      if (s.is_deleted === 1 && Date.now() >= this.purgeDeadline(s)) {
        await this.purge(null);
        return;
      }
      await this.exclusive(async () => {
        const current = this.load();
        if (!current) return; // purged while this alarm waited for the lock
        if (current.ended_at === null && current.is_deleted === 0 && Date.now() >= this.idleDeadline(current)) {
          this.markEnded("inactive");
        }
        await this.postEndWork();
      });
      await this.flushIndex();
      await this.armAlarm(true);
    } catch (err) {
      if ((info?.retryCount ?? 0) < LAST_ALARM_RETRY) throw err;
      log("error", "alarm_rearmed", { request_id: null, session_id: this.load()?.id, error: errorText(err) });
      await this.ctx.storage.setAlarm(Date.now() + ALARM_REARM_MS);
    }
  }

  // ------------------------------------------------------------- internals

  private idleDeadline(s: SessionRecord): number {
    return Date.parse(s.last_message_at) + this.config.SESSION_TIMEOUT_HOURS * HOUR_MS;
  }

  private purgeDeadline(s: SessionRecord): number {
    return Date.parse(s.deleted_at ?? s.last_message_at) + this.config.DELETED_RETENTION_DAYS * DAY_MS;
  }

  /** active → ended, with the post-end work it implies recorded in the same step. Caller holds the lock. */
  private markEnded(reason: EndReason): void {
    const summarise = this.mustLoad().message_count >= this.config.MIN_MESSAGES_FOR_SUMMARY;
    this.write(() => {
      this.sql.exec(
        `UPDATE session SET ended_at = ?, end_reason = ?, summary_state = ?, archive_state = ?,
           work_retry_at = ?, index_version = index_version + 1`,
        nowIso(),
        reason,
        summarise ? "pending" : "skipped",
        this.config.ENABLE_SESSION_ARCHIVING ? "pending" : "none",
        Date.now(),
      );
    });
  }

  /**
   * Summary (exactly once: D1's unique key per session, then the local flag)
   * and archive. A failure is recorded with a retry time for the alarm; after
   * MODEL_SUMMARY_ATTEMPTS model failures the embedded summariser takes over.
   * Caller holds the lock.
   */
  private async postEndWork(): Promise<void> {
    let s = this.mustLoad();
    let failed = false;
    if (s.summary_state === "pending") {
      const digest = summaryDigest(this.sql, s.message_count);
      const useModel = s.summary_attempts < MODEL_SUMMARY_ATTEMPTS;
      const summarizer = useModel ? this.summarizer : this.fallbackSummarizer;
      try {
        const draft = await summarizer.summarize(digest.messages, digest.total);
        await new TenantMemory(this.env.DB, s.tenant_id).insertOnce({
          id: crypto.randomUUID(),
          tenantId: s.tenant_id,
          userId: s.user_id,
          sessionId: s.id,
          summary: draft.text,
          keyTopics: draft.keyTopics,
          firstSeq: digest.firstSeq,
          lastSeq: digest.lastSeq,
          messageCount: digest.total,
          method: draft.method,
          model: draft.model,
          language: draft.language,
          createdAt: nowIso(),
        });
        this.write(() =>
          this.sql.exec(
            "UPDATE session SET summary_state = 'done', processed_for_ltm = 1, index_version = index_version + 1",
          ),
        );
      } catch (err) {
        failed = true;
        log("warn", "summary_failed", {
          ...sessionFields(s),
          attempt: s.summary_attempts + 1,
          method: summarizer.method,
          error: errorText(err),
        });
        this.sql.exec("UPDATE session SET summary_attempts = summary_attempts + 1");
      }
    }
    s = this.mustLoad();
    if (s.archive_state === "pending") {
      try {
        if (!this.env.ARCHIVE) throw new Error("ENABLE_SESSION_ARCHIVING is on but the ARCHIVE bucket is not bound");
        await archiveTranscript(this.env.ARCHIVE, archiveKey(s.tenant_id, s.user_id, s.id), this.sql, s.message_count, {
          httpMetadata: { contentType: "application/x-ndjson" },
          customMetadata: { tenant_id: String(s.tenant_id), user_id: String(s.user_id), ended_at: s.ended_at ?? "" },
        });
        this.sql.exec("UPDATE session SET archive_state = 'done'");
      } catch (err) {
        failed = true;
        log("warn", "archive_failed", { ...sessionFields(s), error: errorText(err) });
      }
    }
    if (failed) {
      const failures = s.work_failures + 1;
      const delay = Math.min(WORK_RETRY_FIRST_MS * 2 ** (failures - 1), WORK_RETRY_MAX_MS);
      this.sql.exec("UPDATE session SET work_failures = ?, work_retry_at = ?", failures, Date.now() + delay);
    } else {
      this.sql.exec("UPDATE session SET work_failures = 0, work_retry_at = NULL");
    }
    await this.armAlarm();
  }

  private memoryItems(): MemoryItem[] {
    return this.sql
      .exec<{ session_id: string; summary: string; key_topics: string; created_at: string }>(
        "SELECT session_id, summary, key_topics, created_at FROM memory ORDER BY position",
      )
      .toArray()
      .map((m) => ({ ...m, key_topics: JSON.parse(m.key_topics) as string[] }));
  }

  private migrate(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS _schema (step INTEGER NOT NULL)");
    const done = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM _schema").one().n;
    for (let step = done; step < SCHEMA.length; step++) {
      this.sql.exec(SCHEMA[step] as string);
      this.sql.exec("INSERT INTO _schema (step) VALUES (?)", step);
    }
  }

  private load(): SessionRecord | null {
    if (!this.ready) return null;
    return this.sql.exec<SessionRecord>("SELECT * FROM session").toArray()[0] ?? null;
  }

  private mustLoad(): SessionRecord {
    const s = this.load();
    if (!s) throw new Error("session record missing after write");
    return s;
  }

  /** Another tenant's or user's session, or a deleted one, does not exist for the caller. */
  private visibleTo(s: SessionRecord, owner: Owner): boolean {
    return s.tenant_id === owner.tenantId && s.user_id === owner.userId && s.is_deleted === 0;
  }

  private messagesBefore(seq: number, limit: number): MessageView[] {
    if (limit <= 0) return [];
    return this.sql
      .exec<MessageRecord>("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", seq, limit)
      .toArray()
      .reverse()
      .map(toMessage);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeTail.then(fn, fn);
    this.writeTail = run.catch(() => undefined);
    return run;
  }

  /**
   * One atomic step: the change itself plus the pending index update (version
   * bump and a retry time), with the alarm armed in the same output-gated turn
   * so a crash before D1 confirms still leads to a retry.
   */
  private write(change: () => void): void {
    const retryAt = Date.now() + INDEX_RETRY_FIRST_MS;
    this.ctx.storage.transactionSync(() => {
      if (!this.ready) this.migrate();
      change();
      this.sql.exec("UPDATE session SET index_retry_at = coalesce(index_retry_at, ?)", retryAt);
    });
    this.ready = true;
    // Not awaited on purpose: issued in the same turn, the storage layer commits it with the transaction.
    void this.ctx.storage.setAlarm(retryAt);
  }

  private insertSession(owner: Owner, id: string, at: string, memory: MemoryItem[]): void {
    this.sql.exec(
      `INSERT INTO session (singleton, id, tenant_id, user_id, created_at, last_message_at, index_version)
       VALUES (1, ?, ?, ?, ?, ?, 1)`,
      id,
      owner.tenantId,
      owner.userId,
      at,
      at,
    );
    memory.forEach((m, position) => {
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

  private insertMessage(m: MessageView): void {
    this.sql.exec(
      "INSERT INTO messages (seq, id, role, content, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      m.seq,
      m.id,
      m.role,
      m.content,
      JSON.stringify(m.metadata),
      m.created_at,
    );
    this.sql.exec(
      `UPDATE session SET message_count = ?, last_message_at = max(last_message_at, ?),
         index_version = index_version + 1`,
      m.seq,
      m.created_at,
    );
  }

  /** What this object did under a request's token (an Idempotency-Key's work, or a failed turn). */
  private turnRecord(token: string): TurnRecord | null {
    const rec = this.sql
      .exec<TurnRecord>("SELECT state, response, pending, created_at FROM idempotency WHERE key = ?", token)
      .toArray()[0];
    return rec && rec.created_at >= Date.now() - TURN_RECORD_TTL_MS ? rec : null;
  }

  /** Records the work done under a token: a turn whose query is stored (pending/failed), or a finished reply. */
  private rememberTurn(token: string, state: TurnRecord["state"], value: unknown): void {
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

  /** A failed turn is visible on its query: metadata.turn_status = "failed" until a retry completes it. */
  private setTurnStatus(seq: number, status: "failed" | null): void {
    if (status) {
      this.sql.exec("UPDATE messages SET metadata = json_set(metadata, '$.turn_status', ?) WHERE seq = ?", status, seq);
    } else {
      this.sql.exec("UPDATE messages SET metadata = json_remove(metadata, '$.turn_status') WHERE seq = ?", seq);
    }
  }

  /** Pushes the current snapshot to D1 unless it is already there; never throws. */
  private flushIndex(): Promise<void> {
    const run = this.indexTail.then(() => this.pushIndexOnce());
    this.indexTail = run.catch(() => undefined);
    return run;
  }

  private async pushIndexOnce(): Promise<void> {
    const s = this.load();
    if (!s) return;
    if (s.index_synced_version < s.index_version) {
      try {
        await this.indexWriter(toIndexRow(s));
        this.sql.exec(
          `UPDATE session SET index_synced_version = max(index_synced_version, ?), index_failures = 0,
             index_retry_at = CASE WHEN index_version > ? THEN index_retry_at ELSE NULL END`,
          s.index_version,
          s.index_version,
        );
      } catch (err) {
        const failures = s.index_failures + 1;
        const delay = Math.min(INDEX_RETRY_FIRST_MS * 2 ** failures, INDEX_RETRY_MAX_MS);
        log("warn", "index_update_failed", {
          ...sessionFields(s),
          version: s.index_version,
          failures,
          retry_in_ms: delay,
          error: errorText(err),
        });
        this.sql.exec("UPDATE session SET index_failures = ?, index_retry_at = ?", failures, Date.now() + delay);
      }
    } else if (s.index_retry_at !== null) {
      this.sql.exec("UPDATE session SET index_retry_at = NULL");
    }
    await this.armAlarm();
  }

  /** The alarm time is always derived from stored data: the earliest pending duty. */
  private async armAlarm(force = false): Promise<void> {
    const s = this.load();
    const duties: number[] = [];
    if (s) {
      if (s.index_synced_version < s.index_version) duties.push(s.index_retry_at ?? Date.now());
      if (s.summary_state === "pending" || s.archive_state === "pending") duties.push(s.work_retry_at ?? Date.now());
      if (s.ended_at === null && s.is_deleted === 0) duties.push(this.idleDeadline(s));
      if (s.is_deleted === 1) duties.push(this.purgeDeadline(s));
    }
    const due = duties.length > 0 ? Math.min(...duties) : null;
    const current = await this.ctx.storage.getAlarm();
    if (due === null) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (force || current !== due) {
      await this.ctx.storage.setAlarm(due);
    }
  }
}

/** Wraps an event callback so that a client that went away never breaks the turn. */
function listener(onEvent: ((event: TurnEvent) => Promise<boolean>) | undefined): (event: TurnEvent) => Promise<void> {
  let alive = onEvent !== undefined;
  return async (event) => {
    if (!alive || !onEvent) return;
    try {
      alive = (await onEvent(event)) !== false;
    } catch {
      alive = false;
    }
  };
}

function refuse<T>(refusal: "not_found" | "ended"): Outcome<T> {
  return { ok: false, refusal };
}
