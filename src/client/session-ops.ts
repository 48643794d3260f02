import type { z } from "zod";
import type { Config } from "../config";
import { TenantSessionIndex } from "../db/session-index";
import { notFound } from "../errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { errorText, log } from "../lib/log";
import { sessionInfo } from "../session/views";
import type { Caller, EndResult, HistoryPage, SessionInfo } from "../session-types";
import type { historyInput, listInput } from "./inputs";
import { unwrap } from "./refusals";
import { ownedSessionId, sessionIds, sessionStub } from "./stubs";

/**
 * The session operations both doors share (HTTP routes, the RPC entrypoint):
 * ids the caller was not issued are unknown, refusals are thrown as ApiErrors.
 */

export async function getSessionInfo(env: Env, caller: Caller, rawId: string): Promise<SessionInfo> {
  const id = await ownedSessionId(env, caller, rawId);
  const info = await sessionStub(env, id).info(caller);
  if (!info) throw notFound();
  return info;
}

export async function getHistory(
  env: Env,
  config: Config,
  caller: Caller,
  rawId: string,
  q: z.output<typeof historyInput>,
): Promise<HistoryPage> {
  const id = await ownedSessionId(env, caller, rawId);
  const page = await sessionStub(env, id).history(caller, q.limit ?? config.MAX_CONTEXT_MESSAGES, q.before);
  if (!page) throw notFound();
  return page;
}

export async function listSessions(
  env: Env,
  caller: Caller,
  q: z.output<typeof listInput>,
): Promise<{ sessions: SessionInfo[]; next_cursor: string | null }> {
  const page = await new TenantSessionIndex(env.DB, caller.tenantId).listForUser(
    caller.userId,
    q.status,
    q.limit,
    decodeCursor(q.cursor),
  );
  return { sessions: page.rows.map(sessionInfo), next_cursor: encodeCursor(page.next) };
}

export async function endSession(env: Env, caller: Caller, rawId: string): Promise<SessionInfo> {
  const id = await ownedSessionId(env, caller, rawId);
  return unwrap(await sessionStub(env, id).end(caller, "user"));
}

/** The seed's gather(..., return_exceptions=True): one bad or foreign id never fails the others. */
export async function endSessions(env: Env, caller: Caller, rawIds: string[]): Promise<{ results: EndResult[] }> {
  const ids = sessionIds(env);
  const results = await Promise.all(
    rawIds.map(async (raw): Promise<EndResult> => {
      const id = await ids.verify(caller, raw);
      if (!id) return { id: raw, ok: false, error: "not_found" };
      try {
        const ended = await sessionStub(env, id).end(caller, "user");
        return ended.ok ? { id, ok: true, status: ended.value.status } : { id, ok: false, error: ended.refusal };
      } catch (err) {
        const fields = { request_id: caller.requestId, tenant_id: caller.tenantId, session_id: id };
        log("error", "batch_end_failed", { ...fields, error: errorText(err) });
        return { id, ok: false, error: "internal_error" };
      }
    }),
  );
  return { results };
}

/** Soft delete; unknown (or already deleted) is a 404. */
export async function deleteSession(env: Env, caller: Caller, rawId: string): Promise<void> {
  const id = await ownedSessionId(env, caller, rawId);
  if (!(await sessionStub(env, id).softDelete(caller))) throw notFound();
}
