import { describe, expect, it } from "vitest";
import { nextAlarmAt } from "../../src/session/duties";
import type { SessionRecord } from "../../src/session/schema";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-11-25T12:00:00.000Z");
const config = { SESSION_TIMEOUT_HOURS: 24, DELETED_RETENTION_DAYS: 30 };

/** An active session whose last message was an hour ago, fully synced, with nothing owed. */
function record(changes: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: "s",
    tenant_id: 1,
    user_id: 1,
    created_at: new Date(NOW - 2 * HOUR).toISOString(),
    last_message_at: new Date(NOW - HOUR).toISOString(),
    message_count: 4,
    ended_at: null,
    end_reason: null,
    processed_for_ltm: 0,
    is_deleted: 0,
    index_version: 5,
    index_synced_version: 5,
    index_failures: 0,
    index_retry_at: null,
    deleted_at: null,
    summary_state: "none",
    summary_attempts: 0,
    archive_state: "none",
    work_failures: 0,
    work_retry_at: null,
    cited_documents: "[]",
    conversation_metadata: "{}",
    index_pending_since: null,
    ...changes,
  };
}

describe("nextAlarmAt: the one alarm, derived from stored duties", () => {
  it("an active session wakes at its idle deadline, SESSION_TIMEOUT_HOURS after its last message", () => {
    expect(nextAlarmAt(record(), config, NOW)).toBe(NOW - HOUR + 24 * HOUR);
    expect(nextAlarmAt(record(), { ...config, SESSION_TIMEOUT_HOURS: 2 }, NOW)).toBe(NOW + HOUR);
  });

  it("an index update D1 has not confirmed comes first, at its retry time (now if none is set)", () => {
    expect(nextAlarmAt(record({ index_synced_version: 4, index_retry_at: NOW + 2_000 }), config, NOW)).toBe(
      NOW + 2_000,
    );
    expect(nextAlarmAt(record({ index_synced_version: 4 }), config, NOW)).toBe(NOW);
    // A retry time left behind after D1 confirmed is no duty.
    expect(nextAlarmAt(record({ index_retry_at: NOW + 2_000 }), config, NOW)).toBe(NOW + 23 * HOUR);
  });

  it("an ended session wakes only for what it still owes: summary or archive, at their retry time", () => {
    const ended = { ended_at: new Date(NOW).toISOString(), end_reason: "user" };
    expect(nextAlarmAt(record({ ...ended, summary_state: "done", archive_state: "done" }), config, NOW)).toBeNull();
    expect(nextAlarmAt(record({ ...ended, summary_state: "pending", work_retry_at: NOW + 5_000 }), config, NOW)).toBe(
      NOW + 5_000,
    );
    expect(nextAlarmAt(record({ ...ended, archive_state: "pending" }), config, NOW)).toBe(NOW);
  });

  it("a soft-deleted session wakes at its purge deadline, DELETED_RETENTION_DAYS after deletion", () => {
    const deleted = { is_deleted: 1, deleted_at: new Date(NOW).toISOString(), ended_at: new Date(NOW).toISOString() };
    expect(nextAlarmAt(record(deleted), config, NOW)).toBe(NOW + 30 * DAY);
    expect(nextAlarmAt(record(deleted), { ...config, DELETED_RETENTION_DAYS: 3 }, NOW)).toBe(NOW + 3 * DAY);
    // Skipped post-end work (a deleted session is not summarised) is no duty.
    expect(nextAlarmAt(record({ ...deleted, summary_state: "skipped" }), config, NOW)).toBe(NOW + 30 * DAY);
  });

  it("the earliest duty wins, and no record means no alarm", () => {
    const both = record({ index_synced_version: 1, index_retry_at: NOW + 60_000 });
    expect(nextAlarmAt(both, config, NOW)).toBe(NOW + 60_000);
    expect(nextAlarmAt(record({ last_message_at: new Date(NOW - 24 * HOUR).toISOString() }), config, NOW)).toBe(NOW);
    expect(nextAlarmAt(null, config, NOW)).toBeNull();
  });
});
