import type { ChatSessionRow } from "../db/schema";
import { errorText, log } from "../lib/log";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import type { SessionRecord } from "./schema";
import type { SessionStore } from "./store";
import { toIndexRow } from "./views";

/** Where index snapshots go: the tenant's D1 index in production, a fault-injecting fake in tests. */
export type IndexWriter = (row: ChatSessionRow) => Promise<void>;

/** INDEX_SYNC_WINDOW_MS and INDEX_SYNC_MAX_DELAY_MS. */
export type IndexTiming = { windowMs: number; maxDelayMs: number };

const INDEX_RETRY_FIRST_MS = SECOND_MS;
const INDEX_RETRY_MAX_MS = 5 * MINUTE_MS;

/**
 * The outbox of the session's D1 index row. The store records every pending
 * update (a version bump and when it is due) in the same transaction as the
 * change; a flush sends the current snapshot as an absolute, version-guarded
 * upsert, so replays are no-ops and a late older snapshot never wins.
 * State changes a list must show at once (create, end, delete) are flushed
 * before the response; activity (new messages) is not: the alarm sends the
 * latest snapshot INDEX_SYNC_WINDOW_MS after the first unsent change, so a
 * burst of messages costs one D1 write, and no append or turn waits for D1.
 * While messages keep coming (more than one change unsent, the latest
 * message in the last half window), the send waits for a pause of one window,
 * but no longer than INDEX_SYNC_MAX_DELAY_MS after the first unsent change: a
 * continuously written session costs one D1 write per max delay, not per
 * window. A failed send is retried from the alarm with exponential backoff.
 * Flushes run one at a time.
 */
export class IndexOutbox {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: SessionStore,
    private readonly writer: () => IndexWriter,
    private readonly timing: IndexTiming,
  ) {}

  /** After activity-only changes: nothing now, the alarm sends it (a window of 0: send now). */
  async activity(): Promise<void> {
    if (this.timing.windowMs === 0) await this.flush();
  }

  /** The alarm's send: as flush, unless messages are still coming (then the alarm moves to their pause). */
  flushWhenQuiet(): Promise<void> {
    return this.enqueue(true);
  }

  /** Sends the current snapshot unless D1 already has it; never throws. */
  flush(): Promise<void> {
    return this.enqueue(false);
  }

  private enqueue(whenQuiet: boolean): Promise<void> {
    const run = this.tail.then(() => this.sendOnce(whenQuiet));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Before a purge: no further sends, and the one in flight has finished. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  /** A session created (again) under this object: sends resume. */
  open(): void {
    this.closed = false;
  }

  private async sendOnce(whenQuiet: boolean): Promise<void> {
    const s = this.store.load();
    if (!s || this.closed) return;
    const now = Date.now();
    const until = whenQuiet ? this.deferredUntil(s, now) : null;
    if (until !== null)
      return this.store.armAlarm(
        now,
        this.store.update((tx) => tx.indexDeferred(until)),
      );
    let after = s;
    if (s.index_synced_version < s.index_version) {
      try {
        await this.writer()(toIndexRow(s));
        const sent = Date.now();
        after = this.store.update((tx) => tx.indexSynced(s.index_version, sent, sent + this.timing.windowMs));
      } catch (err) {
        after = this.recordFailure(s, err);
      }
    } else if (s.index_retry_at !== null) {
      after = this.store.update((tx) => tx.clearIndexRetry());
    }
    await this.store.armAlarm(Date.now(), after);
  }

  /**
   * Until when a pending update waits for messages to pause, or null: send now.
   * Only a session still being written defers: more than one change unsent,
   * the latest message less than half a window ago. A failed send keeps its
   * backoff instead, and nothing waits past the longest delay.
   */
  private deferredUntil(s: SessionRecord, now: number): number | null {
    const { windowMs, maxDelayMs } = this.timing;
    const since = s.index_pending_since;
    if (s.index_version - s.index_synced_version < 2 || s.index_failures > 0 || windowMs === 0 || since === null) {
      return null;
    }
    const last = Date.parse(s.last_message_at);
    const deadline = since + maxDelayMs;
    if (last <= now - windowMs / 2 || now >= deadline) return null;
    return Math.min(last + windowMs, deadline);
  }

  private recordFailure(s: SessionRecord, err: unknown): SessionRecord {
    const failures = s.index_failures + 1;
    const delay = Math.min(INDEX_RETRY_FIRST_MS * 2 ** failures, INDEX_RETRY_MAX_MS);
    log("warn", "index_update_failed", {
      request_id: null,
      tenant_id: s.tenant_id,
      user_id: s.user_id,
      session_id: s.id,
      version: s.index_version,
      failures,
      retry_in_ms: delay,
      error: errorText(err),
    });
    return this.store.update((tx) => tx.indexFailed(failures, Date.now() + delay));
  }
}
