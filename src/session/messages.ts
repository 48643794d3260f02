import type { Caller, HistoryPage, MessageView, NewMessage, Outcome } from "../session-types";
import type { IndexOutbox } from "./outbox";
import type { SessionStore } from "./store";
import { lookupTurn } from "./turn-records";
import { isVisibleTo } from "./views";

export interface AppendInput extends NewMessage {
  /** With an Idempotency-Key: the reply is kept under this token, so a retry after a lost response replays it. */
  turnId?: string;
}

/** Client messages as stored after message `after`, in order, all at `at`. */
export const newMessages = (inputs: NewMessage[], after: number, at: string): MessageView[] =>
  inputs.map((m, i) => ({
    id: crypto.randomUUID(),
    seq: after + i + 1,
    role: m.role,
    content: m.content,
    metadata: m.metadata,
    created_at: at,
    origin: "client",
  }));

/** Appends one message (any role) to an active session. The caller holds the session's lock. */
export function appendMessage(
  store: SessionStore,
  outbox: IndexOutbox,
  caller: Caller,
  input: AppendInput,
): Promise<Outcome<MessageView>> {
  const { turnId, ...message } = input;
  return appendAs(store, outbox, caller, [message], turnId, (stored) => stored[0] as MessageView);
}

/** Appends messages to an active session in one change: all of them or none. The caller holds the lock. */
export function appendMessages(
  store: SessionStore,
  outbox: IndexOutbox,
  caller: Caller,
  inputs: NewMessage[],
  turnId?: string,
): Promise<Outcome<MessageView[]>> {
  return appendAs(store, outbox, caller, inputs, turnId, (stored) => stored);
}

async function appendAs<T>(
  store: SessionStore,
  outbox: IndexOutbox,
  caller: Caller,
  inputs: NewMessage[],
  turnId: string | undefined,
  reply: (stored: MessageView[]) => T,
): Promise<Outcome<T>> {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return { ok: false, refusal: "not_found" };
  const earlier = lookupTurn<T>(store, turnId);
  if (earlier.kind === "done") return { ok: true, value: earlier.response };
  if (s.ended_at !== null) return { ok: false, refusal: "ended" };
  // One clock reading for the messages and their pending index update: due exactly a window after them.
  const now = Date.now();
  const stored = newMessages(inputs, s.message_count, new Date(now).toISOString());
  const value = reply(stored);
  store.commit((tx) => {
    for (const m of stored) tx.addMessage(m);
    if (turnId) tx.rememberTurn(turnId, "done", value);
  }, now);
  await outbox.activity();
  return { ok: true, value };
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
