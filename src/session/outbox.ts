import type { ChatSessionRow } from "../db/schema";
import { errorText, log } from "../lib/log";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import type { SessionRecord } from "./schema";
import type { SessionStore } from "./store";
import { toIndexRow } from "./views";

/** Where index snapshots go: the tenant's D1 index in production, a fault-injecting fake in tests. */
export type IndexWriter = (row: ChatSessionRow) => Promise<void>;

const INDEX_RETRY_FIRST_MS = SECOND_MS;
const INDEX_RETRY_MAX_MS = 5 * MINUTE_MS;

/**
 * The outbox of the session's D1 index row. The store records every pending
 * update (a version bump and when it is due) in the same transaction as the
 * change; a flush sends the current snapshot as an absolute, version-guarded
 * upsert, so replays are no-ops and a late older snapshot never wins.
 * State changes a list must show at once (create, end, delete) are flushed
 * before the response; activity (new messages) is not: the alarm sends the
 * latest snapshot once per INDEX_SYNC_WINDOW_MS, so a burst of messages costs
 * one D1 write, and no append or turn waits for D1. A failed send is retried
 * from the alarm with exponential backoff. Flushes run one at a time.
 */
export class IndexOutbox {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: SessionStore,
    private readonly writer: () => IndexWriter,
    private readonly windowMs: number,
  ) {}

  /** After activity-only changes: nothing now, the alarm sends it within the window (0: send now). */
  async activity(): Promise<void> {
    if (this.windowMs === 0) await this.flush();
  }

  /** Sends the current snapshot unless D1 already has it; never throws. */
  flush(): Promise<void> {
    const run = this.tail.then(() => this.sendOnce());
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

  private async sendOnce(): Promise<void> {
    const s = this.store.load();
    if (!s || this.closed) return;
    let after = s;
    if (s.index_synced_version < s.index_version) {
      try {
        await this.writer()(toIndexRow(s));
        after = this.store.update((tx) => tx.indexSynced(s.index_version));
      } catch (err) {
        after = this.recordFailure(s, err);
      }
    } else if (s.index_retry_at !== null) {
      after = this.store.update((tx) => tx.clearIndexRetry());
    }
    await this.store.armAlarm(Date.now(), after);
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
