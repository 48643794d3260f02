import type { Config } from "../config";
import { TenantSessionMaintenance } from "../db/session-index";
import { nowIso } from "../lib/time";
import { TenantSummaries } from "../memory/summary-store";
import type {
  ConversationView,
  EndReason,
  NewMessage,
  Outcome,
  Owner,
  PurgeReport,
  RecalledSummary,
  SessionInfo,
} from "../session-types";
import { archiveKey } from "./archive-keys";
import { isIdle, isPurgeDue } from "./duties";
import { newMessages } from "./messages";
import type { IndexOutbox } from "./outbox";
import type { PostEndWork } from "./post-end";
import type { SessionStore } from "./store";
import { conversationOf, infoOf, isVisibleTo } from "./views";

/** What a new conversation (/v1) starts with: the client's labels and first messages, stored with it. */
export interface InitialContent {
  metadata: Record<string, string>;
  messages: NewMessage[];
}

export interface Created {
  info: SessionInfo;
  conversation: ConversationView;
  /** False when the session already existed (a retry of the same create): nothing was changed. */
  created: boolean;
}

/**
 * A session's state machine: created → active → ended → soft-deleted →
 * purged. Each move is one committed change (mirrored to the D1 index by the
 * outbox); ending also records the post-end work it implies. Callers hold the
 * session's lock.
 */
export class SessionLifecycle {
  constructor(
    private readonly store: SessionStore,
    private readonly outbox: IndexOutbox,
    private readonly postEnd: PostEndWork,
    private readonly env: Env,
    private readonly config: Config,
  ) {}

  /** Creates the session (idempotent for its owner), with its initial content in the same change. */
  async create(
    owner: Owner,
    id: string,
    recalled: RecalledSummary[],
    initial?: InitialContent,
  ): Promise<Outcome<Created>> {
    const existing = this.store.load();
    if (existing) {
      if (!isVisibleTo(existing, owner)) return { ok: false, refusal: "not_found" };
      return { ok: true, value: { info: infoOf(existing), conversation: conversationOf(existing), created: false } };
    }
    const at = nowIso();
    this.store.commit((tx) => {
      tx.createSession(owner, id, at, recalled);
      if (!initial) return;
      tx.setConversationMetadata(initial.metadata);
      for (const m of newMessages(initial.messages, 0, at)) tx.addMessage(m);
    });
    await this.outbox.flush();
    const s = this.store.mustLoad();
    return { ok: true, value: { info: infoOf(s), conversation: conversationOf(s), created: true } };
  }

  /** Ends the session (a second end returns the first ended_at), then summarises and archives it. */
  async end(owner: Owner, reason: EndReason): Promise<Outcome<SessionInfo>> {
    const s = this.store.load();
    if (!s || !isVisibleTo(s, owner)) return { ok: false, refusal: "not_found" };
    if (s.ended_at === null) this.markEnded(reason);
    await this.postEnd.run();
    await this.outbox.flush();
    return { ok: true, value: infoOf(this.store.mustLoad()) };
  }

  /** Ends the session if its own data says it has been idle for SESSION_TIMEOUT_HOURS. */
  async expireIfIdle(now = Date.now()): Promise<"ended" | "active" | "gone"> {
    const s = this.store.load();
    if (!s || s.is_deleted === 1) return "gone";
    if (s.ended_at !== null) return "ended";
    if (!isIdle(s, this.config, now)) return "active";
    this.markEnded("inactive");
    await this.postEnd.run();
    await this.outbox.flush();
    return "ended";
  }

  /** Soft delete: invisible everywhere at once, data kept until DELETED_RETENTION_DAYS have passed. */
  async softDelete(owner: Owner): Promise<boolean> {
    const s = this.store.load();
    if (!s || !isVisibleTo(s, owner)) return false;
    this.store.commit((tx) => tx.softDelete(nowIso()));
    await this.outbox.flush();
    return true;
  }

  /**
   * Hard delete everywhere: summary, archive, index row (with a tombstone, so
   * an index write still in flight cannot bring it back), then the object's
   * own storage. External copies go first, so a failure leaves the object able
   * to retry. `owner` null is the retention purge (only once it is due); an
   * owner may purge even a soft-deleted session (erasure).
   */
  async purge(owner: Owner | null, now = Date.now()): Promise<PurgeReport | null> {
    const s = this.store.load();
    if (!s) return null;
    if (owner && (s.tenant_id !== owner.tenantId || s.user_id !== owner.userId)) return null;
    if (!owner && !isPurgeDue(s, this.config, now)) return null;
    await this.outbox.close();
    try {
      const messages = this.store.messageRows();
      const summaries = await new TenantSummaries(this.env.DB, s.tenant_id).deleteForSession(s.id);
      let archives = 0;
      const key = archiveKey(s.tenant_id, s.user_id, s.id);
      if (this.env.ARCHIVE && (await this.env.ARCHIVE.head(key))) {
        await this.env.ARCHIVE.delete(key);
        archives = 1;
      }
      await new TenantSessionMaintenance(this.env.DB, s.tenant_id).removePurged(s.id);
      await this.store.deleteAll();
      return { sessions: 1, messages, summaries, archives };
    } finally {
      this.outbox.open();
    }
  }

  /** The alarm's duties that change state: idle expiry, then whatever post-end work is still owed. */
  async runDueWork(now = Date.now()): Promise<void> {
    const s = this.store.load();
    if (!s) return; // purged while the alarm waited for the lock
    if (isIdle(s, this.config, now)) this.markEnded("inactive");
    await this.postEnd.run();
  }

  private markEnded(reason: EndReason): void {
    const summarise = this.store.mustLoad().message_count >= this.config.MIN_MESSAGES_FOR_SUMMARY;
    this.store.commit((tx) => tx.end(reason, nowIso(), { summarise, archive: this.config.ENABLE_SESSION_ARCHIVING }));
  }
}
