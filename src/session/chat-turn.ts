import type { Answer } from "../answer/provider";
import { AnswerError } from "../answer/provider";
import type { Config } from "../config";
import { retrieve } from "../knowledge/retrieve";
import { type Passage, TenantKnowledge } from "../knowledge/store";
import { semanticIndexFor } from "../knowledge/vectors";
import { errorText, log } from "../lib/log";
import { nowIso } from "../lib/time";
import type {
  Caller,
  ChatResponse,
  JsonObject,
  MessageView,
  NewMessage,
  Outcome,
  RecalledSummary,
  Refusal,
  TurnEvent,
} from "../session-types";
import type { SessionDeps } from "./deps";
import { newMessages } from "./messages";
import type { IndexOutbox } from "./outbox";
import type { SessionRecord } from "./schema";
import type { SessionStore } from "./store";
import { lookupTurn, type PendingTurn } from "./turn-records";
import { isVisibleTo } from "./views";

export interface ChatInput {
  query: string;
  /** The request's token (see src/idempotency): a turn already stored under it is finished or replayed, not repeated. */
  turnId?: string;
  /** Keep the turn under its token from the start (the request carries an Idempotency-Key). */
  remember?: boolean;
  /** Create the session under this object's id when it does not exist yet. */
  createAs?: string;
  /** With createAs: the user's recent long-term summaries, kept with the new session. */
  recalled?: RecalledSummary[];
  /** Client messages stored just before the query, in the same change (a /v1 response's instructions and input). */
  preamble?: NewMessage[];
  /** A /v1 response: what it asked for, kept with the turn, which records what it came to. */
  response?: JsonObject;
  /**
   * Streaming: called (over RPC, back in the worker) with the turn's events;
   * it answers false, or fails, once the client has gone. The turn completes
   * and is stored all the same.
   */
  onEvent?: (event: TurnEvent) => Promise<boolean>;
}

/** The parts of a session object a turn works with. */
export interface TurnParts {
  store: SessionStore;
  outbox: IndexOutbox;
  deps: SessionDeps;
  env: Env;
  config: Config;
}

/**
 * One chat turn; the caller holds the session's lock throughout, so each
 * answer directly follows its query. The query is stored first (with the
 * session itself when this turn creates it); then the tenant's knowledge is
 * retrieved and the provider answers; then the answer is stored. If either
 * fails, the query stays, marked failed, and a retry under the same token
 * completes that turn without storing the query again.
 */
export async function chatTurn(parts: TurnParts, caller: Caller, input: ChatInput): Promise<Outcome<ChatResponse>> {
  const { store, config } = parts;
  const s = store.load();
  if (s && !isVisibleTo(s, caller)) return { ok: false, refusal: "not_found" };
  const earlier = s ? lookupTurn<ChatResponse>(store, input.turnId) : ({ kind: "none" } as const);
  if (earlier.kind === "done") return { ok: true, value: earlier.response };
  if (!s && !input.createAs) return { ok: false, refusal: "not_found" };
  if (s && s.ended_at !== null) return { ok: false, refusal: "ended" };

  const sessionId = s?.id ?? (input.createAs as string);
  const recalled = s ? store.recalledSummaries() : (input.recalled ?? []);
  const unfinished = earlier.kind === "unfinished" ? earlier.pending : null;
  const turn = unfinished ?? storeQuery(parts, caller, input, sessionId, recalled, s);
  const userMessage = turn.user_message;
  // A new session must be in lists at once; more activity in an existing one rides the index window.
  const syncIndex = () => (turn.created ? parts.outbox.flush() : parts.outbox.activity());
  const emit = listener(input.onEvent);
  // Chosen now, so a stream can name the answer before its text exists.
  const answerId = crypto.randomUUID();
  await emit({
    type: "session",
    session_id: sessionId,
    resumed: !turn.created,
    user_message: userMessage,
    answer_id: answerId,
  });
  const history = [...store.messagesBefore(userMessage.seq, config.MAX_CONTEXT_MESSAGES - 1), userMessage];

  const fail = async (refusal: Refusal, err: unknown): Promise<Outcome<ChatResponse>> => {
    log("warn", "turn_failed", {
      request_id: caller.requestId,
      tenant_id: caller.tenantId,
      user_id: caller.userId,
      session_id: sessionId,
      seq: userMessage.seq,
      refusal,
      provider: parts.deps.answers.name,
      error: errorText(err),
    });
    store.update((tx) => {
      tx.setTurnStatus(userMessage.seq, "failed");
      tx.responseFailed(userMessage.seq, { code: refusal, message: FAILURE_MESSAGES[refusal] ?? refusal });
      // Kept under the request's token whether or not it carried a key, so a retry can finish it.
      if (input.turnId) tx.rememberTurn(input.turnId, "failed", turn);
    });
    await syncIndex();
    return { ok: false, refusal, details: { session_id: sessionId, user_message_id: userMessage.id } };
  };

  let passages: Passage[];
  try {
    // Only the service's own answers steer retrieval: what they cited is kept in the session record.
    const knowledge = new TenantKnowledge(parts.env.DB, caller.tenantId);
    const semantic = semanticIndexFor(parts.env);
    ({ passages } = await retrieve(knowledge, input.query, history, store.citedDocuments(), semantic));
  } catch (err) {
    // The knowledge base, not the answer provider, failed: a different error for the client.
    return fail("knowledge_unavailable", err);
  }
  let answer: Answer;
  let streamedLive = false;
  const onDelta = input.onEvent
    ? async (text: string) => {
        streamedLive = true;
        await emit({ type: "delta", text });
      }
    : undefined;
  try {
    answer = await parts.deps.answers.answer({ query: input.query, history, memory: recalled, passages }, onDelta);
  } catch (err) {
    return fail(err instanceof AnswerError && err.kind === "timeout" ? "answer_timeout" : "answer_failed", err);
  }

  const response = storeAnswer(parts, input, turn, unfinished !== null, { ...answer, id: answerId }, sessionId);
  // A provider that does not stream: the stored answer goes out once kept (the worker cuts it into deltas).
  if (!streamedLive) await emit({ type: "delta", text: answer.content });
  await emit({ type: "done", response });
  await syncIndex();
  return { ok: true, value: response };
}

/** The query, stored (with the session when this turn creates it). */
function storeQuery(
  parts: TurnParts,
  caller: Caller,
  input: ChatInput,
  sessionId: string,
  recalled: RecalledSummary[],
  existing: SessionRecord | null,
): PendingTurn {
  const at = nowIso();
  const preamble = newMessages(input.preamble ?? [], existing?.message_count ?? 0, at);
  const userMessage: MessageView = {
    id: crypto.randomUUID(),
    seq: (existing?.message_count ?? 0) + preamble.length + 1,
    role: "user",
    content: input.query,
    metadata: {},
    created_at: at,
    origin: "client",
  };
  const turn: PendingTurn = { user_message: userMessage, created: existing === null };
  parts.store.commit((tx) => {
    if (turn.created) tx.createSession(caller, sessionId, at, recalled);
    for (const m of preamble) tx.addMessage(m);
    tx.addMessage(userMessage);
    if (input.response) tx.openResponse(userMessage.seq, input.response, at);
    if (input.turnId && input.remember) tx.rememberTurn(input.turnId, "pending", turn);
  });
  return turn;
}

/** The answer, stored right after its query; the response a retry under the same token gets again. */
function storeAnswer(
  parts: TurnParts,
  input: ChatInput,
  turn: PendingTurn,
  wasUnfinished: boolean,
  answer: Answer & { id: string },
  sessionId: string,
): ChatResponse {
  const assistantMessage: MessageView = {
    id: answer.id,
    seq: parts.store.mustLoad().message_count + 1,
    role: "assistant",
    content: answer.content,
    metadata: { ...answer.metadata, sources: answer.sources },
    created_at: nowIso(),
    origin: "service",
  };
  const response: ChatResponse = {
    session_id: sessionId,
    resumed: !turn.created,
    answer: answer.content,
    sources: answer.sources,
    user_message: turn.user_message,
    assistant_message: assistantMessage,
  };
  const cited = answer.sources.map((source) => source.document_id);
  // Most answers cite what the previous one did (often nothing): then the row keeps it without a write.
  const citedChanged = JSON.stringify(cited) !== parts.store.mustLoad().cited_documents;
  parts.store.commit((tx) => {
    if (wasUnfinished) tx.setTurnStatus(turn.user_message.seq, null);
    tx.addMessage(assistantMessage);
    tx.responseAnswered(turn.user_message.seq, assistantMessage.seq);
    if (citedChanged) tx.setCitedDocuments(cited);
    if (input.turnId && (input.remember || wasUnfinished)) tx.rememberTurn(input.turnId, "done", response);
  });
  return response;
}

/** What a failed response (/v1) says went wrong: no provider internals. */
const FAILURE_MESSAGES: Partial<Record<Refusal, string>> = {
  answer_failed: "the answer provider failed",
  answer_timeout: "the answer provider gave no answer in time",
  knowledge_unavailable: "the knowledge base could not be searched",
};

/** Wraps an event callback so that a client that went away never breaks the turn. */
function listener(onEvent: ChatInput["onEvent"]): (event: TurnEvent) => Promise<void> {
  let alive = onEvent !== undefined;
  return async (event) => {
    if (!alive || !onEvent) return;
    try {
      alive = (await onEvent(event)) !== false;
    } catch {
      alive = false;
    }
  };
}
