import type { Config } from "../config";
import { enforceSessionCap } from "../lifecycle/session-cap";
import { recentMemory } from "../memory/recall";
import type { MemoryItem, Owner } from "../session-types";

/**
 * The user's recent summaries for a new session. Long-term memory is
 * context, not a precondition: if D1 cannot be read the session starts
 * without it rather than failing.
 */
export async function memoryForNewSession(env: Env, config: Config, owner: Owner): Promise<MemoryItem[]> {
  try {
    return await recentMemory(env, owner, config.LTM_CONTEXT_SUMMARIES);
  } catch (err) {
    console.warn("long-term memory unavailable; the session starts without it", err);
    return [];
  }
}

/**
 * MAX_SESSIONS_PER_USER after a create. The create already stands; if the
 * cap cannot be applied now, the next create or the sweep applies it.
 */
export async function capAfterCreate(env: Env, config: Config, owner: Owner, keep: string): Promise<void> {
  try {
    await enforceSessionCap(env, config, owner, keep);
  } catch (err) {
    console.warn("session cap not applied after create; the next create applies it", err);
  }
}
