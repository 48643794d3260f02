import type { Config } from "../config";
import { DAY_MS, HOUR_MS } from "../lib/time";
import type { SessionRecord } from "./schema";

/** The parts of the configuration a session's deadlines depend on. */
export type DutyConfig = Pick<Config, "SESSION_TIMEOUT_HOURS" | "DELETED_RETENTION_DAYS">;

/** When an active session ends for inactivity: SESSION_TIMEOUT_HOURS after its last message. */
export const idleDeadline = (s: SessionRecord, config: DutyConfig): number =>
  Date.parse(s.last_message_at) + config.SESSION_TIMEOUT_HOURS * HOUR_MS;

/** When a soft-deleted session is purged: DELETED_RETENTION_DAYS after its deletion. */
export const purgeDeadline = (s: SessionRecord, config: DutyConfig): number =>
  Date.parse(s.deleted_at ?? s.last_message_at) + config.DELETED_RETENTION_DAYS * DAY_MS;

export const isOpen = (s: SessionRecord): boolean => s.ended_at === null && s.is_deleted === 0;
export const isIdle = (s: SessionRecord, config: DutyConfig, now: number): boolean =>
  isOpen(s) && now >= idleDeadline(s, config);
export const isPurgeDue = (s: SessionRecord, config: DutyConfig, now: number): boolean =>
  s.is_deleted === 1 && now >= purgeDeadline(s, config);
export const hasPendingIndexUpdate = (s: SessionRecord): boolean => s.index_synced_version < s.index_version;
export const hasPendingWork = (s: SessionRecord): boolean =>
  s.summary_state === "pending" || s.archive_state === "pending";

/**
 * The one alarm time, derived from stored duties only: the earliest of an
 * index update still to send, post-end work still to do, the idle deadline of
 * an open session and the purge deadline of a deleted one. Null: nothing to do.
 * Every duty is re-checked when the alarm fires, so an early alarm is harmless.
 */
export function nextAlarmAt(s: SessionRecord | null, config: DutyConfig, now: number): number | null {
  if (!s) return null;
  const due: number[] = [];
  if (hasPendingIndexUpdate(s)) due.push(s.index_retry_at ?? now);
  if (hasPendingWork(s)) due.push(s.work_retry_at ?? now);
  if (isOpen(s)) due.push(idleDeadline(s, config));
  if (s.is_deleted === 1) due.push(purgeDeadline(s, config));
  return due.length > 0 ? Math.min(...due) : null;
}
