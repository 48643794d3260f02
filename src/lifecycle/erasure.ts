import { sessionStub } from "../client/stubs";
import { TenantSessionMaintenance } from "../db/session-index";
import { ledgerFor } from "../idempotency/claims";
import { TenantSummaries } from "../memory/summary-store";
import { archivePrefix } from "../session/archive-keys";
import type { Owner, PurgeReport } from "../session-types";

const PARALLEL = 10;

/** What an erasure removed: the sessions' data, plus the responses the user's Idempotency-Keys kept. */
export interface ErasureReport extends PurgeReport {
  idempotency_keys: number;
}

/**
 * Right to erasure: every session of the user (deleted ones too) is purged by
 * its own object, then whatever could remain outside them (summaries,
 * archives, kept responses) is removed by user. Answers with what was removed.
 */
export async function eraseUser(env: Env, owner: Owner): Promise<ErasureReport> {
  const report: ErasureReport = { sessions: 0, messages: 0, summaries: 0, archives: 0, idempotency_keys: 0 };
  const sessions = await new TenantSessionMaintenance(env.DB, owner.tenantId).allForUser(owner.userId);
  for (let i = 0; i < sessions.length; i += PARALLEL) {
    const purged = await Promise.all(sessions.slice(i, i + PARALLEL).map((s) => sessionStub(env, s.id).purge(owner)));
    for (const p of purged) {
      if (!p) continue;
      report.sessions += p.sessions;
      report.messages += p.messages;
      report.summaries += p.summaries;
      report.archives += p.archives;
    }
  }
  report.summaries += await new TenantSummaries(env.DB, owner.tenantId).deleteForUser(owner.userId);
  if (env.ARCHIVE) {
    let cursor: string | undefined;
    do {
      const listed = await env.ARCHIVE.list({ prefix: archivePrefix(owner.tenantId, owner.userId), cursor });
      if (listed.objects.length > 0) {
        await env.ARCHIVE.delete(listed.objects.map((o) => o.key));
        report.archives += listed.objects.length;
      }
      cursor = listed.truncated ? listed.cursor : undefined;
    } while (cursor);
  }
  report.idempotency_keys = await ledgerFor(env, owner).clear();
  return report;
}
