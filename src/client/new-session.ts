import type { Config } from "../config";
import { errorText, log } from "../lib/log";
import { recallSummaries } from "../memory/recall";
import type { Caller, RecalledSummary } from "../session-types";
import { enforceSessionCap } from "./session-cap";

/**
 * The user's recent summaries for a new session. Long-term memory is
 * context, not a precondition: if D1 cannot be read the session starts
 * without it rather than failing.
 */
export async function recallForNewSession(env: Env, config: Config, owner: Caller): Promise<RecalledSummary[]> {
  try {
    return await recallSummaries(env, owner, config.LTM_CONTEXT_SUMMARIES);
  } catch (err) {
    log("warn", "memory_unavailable", { ...callerFields(owner), error: errorText(err) });
    return [];
  }
}

const callerFields = (c: Caller) => ({ request_id: c.requestId, tenant_id: c.tenantId, user_id: c.userId });

/**
 * MAX_SESSIONS_PER_USER after a create. The create already stands; if the
 * cap cannot be applied now, the next create or the sweep applies it.
 */
export async function capAfterCreate(env: Env, config: Config, owner: Caller, keep: string): Promise<void> {
  try {
    await enforceSessionCap(env, config, owner, keep);
  } catch (err) {
    log("warn", "session_cap_deferred", { ...callerFields(owner), session_id: keep, error: errorText(err) });
  }
}
