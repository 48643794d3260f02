import type {
  Caller,
  ConversationView,
  ItemsPage,
  ItemsQuery,
  JsonObject,
  MessageView,
  Outcome,
  StoredResponse,
} from "../session-types";
import type { ResponseRecord } from "./schema";
import type { SessionStore } from "./store";
import { conversationOf, isVisibleTo } from "./views";

/**
 * The session as a conversation (/v1): its labels, its messages as items in
 * either order, and the responses its turns gave. Reads, except the labels'
 * update, whose caller holds the session's lock.
 */

/** Replaces the conversation's labels; an ended session is read-only, labels included. */
export function setConversationMetadata(
  store: SessionStore,
  caller: Caller,
  metadata: Record<string, string>,
): Outcome<ConversationView> {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return { ok: false, refusal: "not_found" };
  if (s.ended_at !== null) return { ok: false, refusal: "ended" };
  return { ok: true, value: conversationOf(store.update((tx) => tx.setConversationMetadata(metadata))) };
}

/**
 * Up to `limit` messages after the message `after` (or from the start, or
 * from the end for `desc`): cost depends on `limit` only. "unknown_after"
 * when `after` names no message of this session.
 */
export function itemsPage(store: SessionStore, caller: Caller, q: ItemsQuery): ItemsPage | "unknown_after" | null {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return null;
  let from = q.order === "asc" ? 0 : Number.MAX_SAFE_INTEGER;
  if (q.after !== undefined) {
    const cursor = store.message({ id: q.after });
    if (!cursor) return "unknown_after";
    from = cursor.seq;
  }
  const rows = store.messagesFrom(from, q.order, q.limit + 1);
  return { messages: rows.slice(0, q.limit), has_more: rows.length > q.limit };
}

export function itemById(store: SessionStore, caller: Caller, id: string): MessageView | null {
  const s = store.load();
  return s && isVisibleTo(s, caller) ? store.message({ id }) : null;
}

/** The response whose query is message `querySeq`, with the service's answer once there is one. */
export function storedResponse(store: SessionStore, caller: Caller, querySeq: number): StoredResponse | null {
  const s = store.load();
  if (!s || !isVisibleTo(s, caller)) return null;
  const r = store.response(querySeq);
  if (!r) return null;
  return {
    session_id: s.id,
    query_seq: r.query_seq,
    created_at: r.created_at,
    status: r.status,
    request: JSON.parse(r.request) as JsonObject,
    error: r.error === null ? null : (JSON.parse(r.error) as StoredResponse["error"]),
    answer: answerOf(store, r),
  };
}

const answerOf = (store: SessionStore, r: ResponseRecord): MessageView | null =>
  r.answer_seq === null ? null : store.message({ seq: r.answer_seq });
