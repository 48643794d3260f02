import { errorText, log } from "../lib/log";
import { MINUTE_MS, nowIso, SECOND_MS } from "../lib/time";
import { ExtractiveSummarizer } from "../memory";
import { TenantSummaries } from "../memory/summary-store";
import { archiveKey } from "./archive-keys";
import type { SessionDeps } from "./deps";
import { hasPendingWork } from "./duties";
import type { SessionRecord } from "./schema";
import type { SessionStore } from "./store";
import { archiveTranscript } from "./transcript";

/** Model attempts at a summary before the embedded summariser takes over. */
export const MODEL_SUMMARY_ATTEMPTS = 3;
const WORK_RETRY_FIRST_MS = 5 * SECOND_MS;
const WORK_RETRY_MAX_MS = 10 * MINUTE_MS;

const fieldsOf = (s: SessionRecord) => ({
  request_id: null,
  tenant_id: s.tenant_id,
  user_id: s.user_id,
  session_id: s.id,
});

/**
 * What an ended session still owes: its summary (exactly once: D1's unique
 * key per session, then the local flag) and its archive. A failure is kept
 * with a retry time for the alarm; after MODEL_SUMMARY_ATTEMPTS model
 * failures the embedded summariser takes over. The caller holds the lock.
 */
export class PostEndWork {
  private readonly fallback = new ExtractiveSummarizer();

  constructor(
    private readonly store: SessionStore,
    private readonly env: Env,
    private readonly deps: () => SessionDeps,
  ) {}

  async run(): Promise<void> {
    const before = this.store.mustLoad();
    if (!hasPendingWork(before)) return;
    const summarised = before.summary_state !== "pending" || (await this.summarise(before));
    const s = this.store.mustLoad();
    const archived = s.archive_state !== "pending" || (await this.archive(s));
    const failed = !summarised || !archived;
    const failures = failed ? s.work_failures + 1 : 0;
    const retryAt = failed ? Date.now() + Math.min(WORK_RETRY_FIRST_MS * 2 ** (failures - 1), WORK_RETRY_MAX_MS) : null;
    const after = this.store.update((tx) => tx.workOutcome(failures, retryAt));
    await this.store.armAlarm(Date.now(), after);
  }

  private async summarise(s: SessionRecord): Promise<boolean> {
    const digest = this.store.digest(s.message_count);
    const summarizer = s.summary_attempts < MODEL_SUMMARY_ATTEMPTS ? this.deps().summarizer : this.fallback;
    try {
      const draft = await summarizer.summarize(digest.messages, digest.total);
      await new TenantSummaries(this.env.DB, s.tenant_id).insertOnce({
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
      this.store.commit((tx) => tx.summaryDone());
      return true;
    } catch (err) {
      const attempt = s.summary_attempts + 1;
      log("warn", "summary_failed", { ...fieldsOf(s), attempt, method: summarizer.method, error: errorText(err) });
      this.store.update((tx) => tx.summaryAttemptFailed());
      return false;
    }
  }

  private async archive(s: SessionRecord): Promise<boolean> {
    try {
      if (!this.env.ARCHIVE) throw new Error("ENABLE_SESSION_ARCHIVING is on but the ARCHIVE bucket is not bound");
      await archiveTranscript(
        this.env.ARCHIVE,
        archiveKey(s.tenant_id, s.user_id, s.id),
        () => this.store.pages(s.message_count),
        {
          httpMetadata: { contentType: "application/x-ndjson" },
          customMetadata: { tenant_id: String(s.tenant_id), user_id: String(s.user_id), ended_at: s.ended_at ?? "" },
        },
      );
      this.store.update((tx) => tx.archiveDone());
      return true;
    } catch (err) {
      log("warn", "archive_failed", { ...fieldsOf(s), error: errorText(err) });
      return false;
    }
  }
}
