import type { MessageView } from "../session-types";
import type { SessionStore } from "./store";
import { TURN_RECORD_TTL_MS } from "./store-changes";

/** A turn whose query is stored but whose answer is not (yet). */
export interface PendingTurn {
  user_message: MessageView;
  /** This turn created the session (so its response says resumed: false). */
  created: boolean;
}

/**
 * What the object already did under a request's token (see
 * src/idempotency/): nothing, a finished reply to return again, or a turn
 * whose query is stored and whose answer is still owed. Written by the store
 * changes `rememberTurn(token, "pending" | "failed" | "done", …)`.
 */
export type TurnLookup<T> =
  | { kind: "none" }
  | { kind: "done"; response: T }
  | { kind: "unfinished"; pending: PendingTurn };

export function lookupTurn<T>(store: SessionStore, token: string | undefined, now = Date.now()): TurnLookup<T> {
  const rec = token ? store.turnRecord(token) : null;
  if (!rec || rec.created_at < now - TURN_RECORD_TTL_MS) return { kind: "none" };
  if (rec.state === "done") return { kind: "done", response: JSON.parse(rec.response) as T };
  return { kind: "unfinished", pending: JSON.parse(rec.pending as string) as PendingTurn };
}
