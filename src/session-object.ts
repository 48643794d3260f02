import { DurableObject } from "cloudflare:workers";
import { type Config, getConfig } from "./config";
import { errorText, log } from "./lib/log";
import { MINUTE_MS } from "./lib/time";
import { type ChatInput, chatTurn } from "./session/chat-turn";
import { itemById, itemsPage, setConversationMetadata, storedResponse } from "./session/conversation";
import { defaultDeps, type SessionDeps } from "./session/deps";
import { isPurgeDue } from "./session/duties";
import { type Created, type InitialContent, SessionLifecycle } from "./session/lifecycle";
import { SerialLock } from "./session/lock";
import { type AppendInput, appendMessage, appendMessages, historyPage } from "./session/messages";
import { IndexOutbox } from "./session/outbox";
import { PostEndWork } from "./session/post-end";
import { SessionStore } from "./session/store";
import { conversationOf, infoOf, isVisibleTo } from "./session/views";
import type {
  Caller,
  ChatResponse,
  ConversationView,
  EndReason,
  HistoryPage,
  ItemsPage,
  ItemsQuery,
  MessageView,
  NewMessage,
  Outcome,
  Owner,
  PurgeReport,
  RecalledSummary,
  SessionInfo,
  StoredResponse,
} from "./session-types";

export type { ChatInput } from "./session/chat-turn";
export type { Created, InitialContent } from "./session/lifecycle";
export type { AppendInput } from "./session/messages";

/** workerd retries a failing alarm up to six times; on the last one we re-arm instead of giving up. */
export const LAST_ALARM_RETRY = 5;
const ALARM_REARM_MS = MINUTE_MS;

/**
 * One chat session: its history, its metadata, and the only writer of its
 * row in the D1 index. This class is the Durable Object's surface: typed RPC
 * methods that take the session's lock where they change it and delegate to
 * the parts in src/session/ (store, outbox, turn, lifecycle, post-end work),
 * and the alarm, whose duties are all derived from stored data.
 */
export class SessionObject extends DurableObject<Env> {
  private readonly config: Config;
  private readonly store: SessionStore;
  private readonly outbox: IndexOutbox;
  private readonly lifecycle: SessionLifecycle;
  private readonly lock = new SerialLock();
  private deps: SessionDeps;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = getConfig(env);
    this.deps = defaultDeps(env);
    this.store = new SessionStore(ctx.storage, this.config);
    this.outbox = new IndexOutbox(this.store, () => this.deps.indexWriter, {
      windowMs: this.config.INDEX_SYNC_WINDOW_MS,
      maxDelayMs: this.config.INDEX_SYNC_MAX_DELAY_MS,
    });
    const postEnd = new PostEndWork(this.store, env, () => this.deps);
    this.lifecycle = new SessionLifecycle(this.store, this.outbox, postEnd, env, this.config);
  }

  /**
   * The test seam, the only one: replaces what the object uses from outside
   * (answer provider, summariser, index writer), e.g. with a slow or failing
   * model or a D1 outage, given the current ones to wrap. Production never
   * calls it.
   */
  useDeps(change: (current: SessionDeps) => Partial<SessionDeps>): void {
    this.deps = { ...this.deps, ...change(this.deps) };
  }

  /** Creates the session (idempotent for its owner), with a new conversation's initial content. */
  async create(
    owner: Owner,
    id: string,
    recalled: RecalledSummary[] = [],
    initial?: InitialContent,
  ): Promise<Outcome<Created>> {
    return this.lock.run(() => this.lifecycle.create(owner, id, recalled, initial));
  }

  async info(caller: Caller): Promise<SessionInfo | null> {
    const s = this.store.load();
    return s && isVisibleTo(s, caller) ? infoOf(s) : null;
  }

  /** One chat turn (see src/session/chat-turn.ts); turns run one at a time. */
  async chat(caller: Caller, input: ChatInput): Promise<Outcome<ChatResponse>> {
    const parts = { store: this.store, outbox: this.outbox, deps: this.deps, env: this.env, config: this.config };
    return this.lock.run(() => chatTurn(parts, caller, input));
  }

  /** Appends one message (any role) to an active session. */
  async append(caller: Caller, input: AppendInput): Promise<Outcome<MessageView>> {
    return this.lock.run(() => appendMessage(this.store, this.outbox, caller, input));
  }

  /** The newest `limit` messages before `before` (a seq), oldest first. */
  async history(caller: Caller, limit: number, before?: number): Promise<HistoryPage | null> {
    return historyPage(this.store, caller, limit, before);
  }

  /** Appends messages (any roles) in one change: all or none. */
  async appendAll(caller: Caller, messages: NewMessage[], turnId?: string): Promise<Outcome<MessageView[]>> {
    return this.lock.run(() => appendMessages(this.store, this.outbox, caller, messages, turnId));
  }

  /** The session as a conversation (/v1): the same record, with the client's labels. */
  async conversation(caller: Caller): Promise<ConversationView | null> {
    const s = this.store.load();
    return s && isVisibleTo(s, caller) ? conversationOf(s) : null;
  }

  async setMetadata(caller: Caller, metadata: Record<string, string>): Promise<Outcome<ConversationView>> {
    return this.lock.run(async () => setConversationMetadata(this.store, caller, metadata));
  }

  /** Messages as conversation items: a page in either order after a message id (see session/conversation.ts). */
  async items(caller: Caller, query: ItemsQuery): Promise<ItemsPage | "unknown_after" | null> {
    return itemsPage(this.store, caller, query);
  }

  async item(caller: Caller, id: string): Promise<MessageView | null> {
    return itemById(this.store, caller, id);
  }

  /** The response (/v1) whose query is message `querySeq`. */
  async response(caller: Caller, querySeq: number): Promise<StoredResponse | null> {
    return storedResponse(this.store, caller, querySeq);
  }

  /** Every message as JSON Lines, streamed page by page: a transcript of any size crosses RPC. */
  async transcript(caller: Caller): Promise<ReadableStream<Uint8Array> | null> {
    const s = this.store.load();
    return s && isVisibleTo(s, caller) ? this.store.transcript(s.message_count) : null;
  }

  /** Ends the session (a second end returns the first ended_at), then summarises and archives it. */
  async end(caller: Caller, reason: EndReason = "user"): Promise<Outcome<SessionInfo>> {
    return this.lock.run(() => this.lifecycle.end(caller, reason));
  }

  /** Ends the session if it has really been idle for SESSION_TIMEOUT_HOURS (sweeps call this). */
  async expireIfIdle(): Promise<"ended" | "active" | "gone"> {
    return this.lock.run(() => this.lifecycle.expireIfIdle());
  }

  /** Soft delete: invisible everywhere, data kept until DELETED_RETENTION_DAYS have passed. */
  async softDelete(caller: Caller): Promise<boolean> {
    return this.lock.run(() => this.lifecycle.softDelete(caller));
  }

  /** Hard delete everywhere; `owner` null is the retention purge. */
  async purge(owner: Owner | null): Promise<PurgeReport | null> {
    return this.lock.run(() => this.lifecycle.purge(owner));
  }

  /**
   * Every duty is derived from stored data and re-checked here, so an early,
   * late or repeated alarm is harmless: retention purge, idle expiry,
   * post-end work, index retry.
   */
  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    this.store.alarmFired();
    try {
      const s = this.store.load();
      if (!s) return;
      if (isPurgeDue(s, this.config, Date.now())) {
        await this.purge(null);
        return;
      }
      await this.lock.run(() => this.lifecycle.runDueWork());
      await this.outbox.flushWhenQuiet();
      await this.store.armAlarm();
    } catch (err) {
      if ((info?.retryCount ?? 0) < LAST_ALARM_RETRY) throw err;
      log("error", "alarm_rearmed", { request_id: null, object_id: this.ctx.id.toString(), error: errorText(err) });
      await this.store.alarmAt(Date.now() + ALARM_REARM_MS);
    }
  }
}
