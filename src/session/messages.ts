import { nowIso } from "../lib/time";
import type { Caller, HistoryPage, JsonObject, MessageView, Outcome, Role } from "../session-types";
import type { IndexOutbox } from "./outbox";
import type { SessionStore } from "./store";
import { lookupTurn } from "./turn-records";
import { isVisibleTo } from "./views";

export interface AppendInput {
  role: Role;
  content: string;
  metadata: JsonObject;
  /** With an Idempotency-Key: the reply is kept under this token, so a retry after a lost response replays it. */
  turnId?: string;
}

/** Appends one message (any role) to an active session. The caller holds the session's lock. */
export async function appendMessage(
  store: SessionStore,
  outbox: IndexOutbox,
  caller: Caller,
  input: AppendInput,
): Promise<Outcome<MessageView>> {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return { ok: false, refusal: "not_found" };
  const earlier = lookupTurn<MessageView>(store, input.turnId);
  if (earlier.kind === "done") return { ok: true, value: earlier.response };
  if (s.ended_at !== null) return { ok: false, refusal: "ended" };
  const message: MessageView = {
    id: crypto.randomUUID(),
    seq: s.message_count + 1,
    role: input.role,
    content: input.content,
    metadata: input.metadata,
    created_at: nowIso(),
  };
  store.commit((tx) => {
    tx.addMessage(message);
    if (input.turnId) tx.rememberTurn(input.turnId, "done", message);
  });
  await outbox.activity();
  return { ok: true, value: message };
}

/** The newest `limit` messages before `before` (a seq), oldest first. Cost depends on `limit` only. */
export function historyPage(store: SessionStore, caller: Caller, limit: number, before?: number): HistoryPage | null {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return null;
  const rows = store.messagesBefore(before ?? Number.MAX_SAFE_INTEGER, limit + 1);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(1) : rows;
  return {
    session_id: s.id,
    status: s.ended_at === null ? "active" : "ended",
    messages: page,
    has_more: hasMore,
    next_before: hasMore && page.length > 0 ? (page[0] as MessageView).seq : null,
  };
}
