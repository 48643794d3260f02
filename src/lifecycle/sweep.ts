import { sessionStub } from "../client/stubs";
import { type Config, getConfig } from "../config";
import type { Keyset } from "../db/keyset";
import { forgetTombstones, TenantSessionMaintenance, tenantsWithSweepWork } from "../db/session-index";
import { log } from "../lib/log";
import { DAY_MS, HOUR_MS } from "../lib/time";

/** Sessions handled at once, and at most per run, so one sweep stays within a request's limits. */
const BATCH = 25;
const MAX_PER_RUN = 1_000;
/** How long a purged session's tombstone outlives it: far longer than any index write can be in flight. */
const TOMBSTONE_DAYS = 7;

export interface SweepResult {
  tenants: number;
  checked: number;
  ended: number;
  purged: number;
  failed: number;
}

/**
 * The safety net behind each object's own alarm: sessions the index says are
 * idle past SESSION_TIMEOUT_HOURS are asked to end themselves (the object
 * re-checks with its own data), and soft-deleted sessions past
 * DELETED_RETENTION_DAYS are purged.
 */
export async function sweep(env: Env, now: number, onlyTenant?: number): Promise<SweepResult> {
  const config: Config = getConfig(env);
  const idleCutoff = new Date(now - config.SESSION_TIMEOUT_HOURS * HOUR_MS).toISOString();
  const purgeCutoff = new Date(now - config.DELETED_RETENTION_DAYS * DAY_MS).toISOString();
  const tenants = onlyTenant !== undefined ? [onlyTenant] : await tenantsWithSweepWork(env.DB, idleCutoff, purgeCutoff);
  const result: SweepResult = { tenants: tenants.length, checked: 0, ended: 0, purged: 0, failed: 0 };

  for (const tenantId of tenants) {
    const maintenance = new TenantSessionMaintenance(env.DB, tenantId);
    let after: Keyset | undefined;
    while (result.checked < MAX_PER_RUN) {
      const batch = await maintenance.idleOpenSessions(idleCutoff, BATCH, after);
      if (batch.length === 0) break;
      after = batch[batch.length - 1];
      const outcomes = await Promise.allSettled(batch.map((s) => sessionStub(env, s.id).expireIfIdle()));
      result.checked += batch.length;
      for (const o of outcomes) {
        if (o.status === "rejected") result.failed++;
        else if (o.value === "ended") result.ended++;
      }
      if (batch.length < BATCH) break;
    }
    while (result.checked < MAX_PER_RUN) {
      const batch = await maintenance.expiredDeletions(purgeCutoff, BATCH);
      if (batch.length === 0) break;
      const outcomes = await Promise.allSettled(batch.map((s) => sessionStub(env, s.id).purge(null)));
      result.checked += batch.length;
      let progressed = 0;
      for (const o of outcomes) {
        if (o.status === "rejected") result.failed++;
        else if (o.value) progressed++;
      }
      result.purged += progressed;
      // Rows an object refused to purge (its own data says not yet) would come back forever.
      if (progressed === 0 || batch.length < BATCH) break;
    }
  }
  // Tombstones hold no tenant data; only the scheduled (all-tenant) sweep forgets them.
  if (onlyTenant === undefined) await forgetTombstones(env.DB, new Date(now - TOMBSTONE_DAYS * DAY_MS).toISOString());
  log("info", "session_sweep", { request_id: null, scope: onlyTenant ?? "all", ...result });
  return result;
}

/** Cron: hourly trigger, sweeping every CLEANUP_INTERVAL_HOURS-th hour when CLEANUP_INACTIVE_SESSIONS is on. */
export async function scheduledSweep(env: Env, scheduledTime: number): Promise<SweepResult | null> {
  const config = getConfig(env);
  if (!config.CLEANUP_INACTIVE_SESSIONS) return null;
  if (new Date(scheduledTime).getUTCHours() % config.CLEANUP_INTERVAL_HOURS !== 0) return null;
  return sweep(env, scheduledTime);
}
