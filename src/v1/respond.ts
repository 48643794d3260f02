import { FAILED_TURN, isFailedTurn } from "../client/refusals";
import { getStoredResponse, messageSeq } from "../client/responses";
import { sessionIds } from "../client/stubs";
import { ApiError } from "../errors";
import type { ChatResponse, Owner, TurnEvent } from "../session-types";
import type { ResponseCreate } from "./bodies";
import { badParam, notFoundParam, V1Error } from "./errors";
import { parseResponseId, responseId } from "./ids";
import type { Answer, ResponseParts, ResponseRequest } from "./objects";

/**
 * Where a response is answered: the conversation it names, the session of
 * the previous response it continues, or (neither) a new session. Names the
 * caller was not issued, or that no longer exist, are 404 naming the
 * parameter: another user's conversation is answered exactly alike.
 */
export async function targetSession(env: Env, owner: Owner, body: ResponseCreate): Promise<Target> {
  if (body.conversation != null && body.previous_response_id != null) {
    throw badParam("previous_response_id", "cannot be used together with conversation");
  }
  if (body.conversation != null) {
    const raw = typeof body.conversation === "string" ? body.conversation : body.conversation.id;
    const id = await sessionIds(env).verify(owner, raw);
    if (!id) throw notFoundParam("conversation", "conversation");
    return { sessionId: id, param: "conversation" };
  }
  if (body.previous_response_id != null) {
    const named = parseResponseId(body.previous_response_id);
    if (!named) throw notFoundParam("previous_response_id", "previous response");
    const stored = await getStoredResponse(env, owner, named.sessionId, named.querySeq).catch((err) => {
      throw err instanceof ApiError && err.status === 404
        ? notFoundParam("previous_response_id", "previous response")
        : err;
    });
    return { sessionId: stored.session_id, param: "previous_response_id" };
  }
  return { sessionId: null, param: null };
}

export interface Target {
  sessionId: string | null;
  /** The parameter that named the session, for a 404 if it is gone by the time the turn runs. */
  param: "conversation" | "previous_response_id" | null;
}

type SessionEvent = Extract<TurnEvent, { type: "session" }>;

/** The response as soon as its query is stored (a stream's first events). */
export const startedParts = (e: SessionEvent, request: ResponseRequest): ResponseParts => ({
  id: responseId(e.session_id, e.user_message.seq),
  conversationId: e.session_id,
  createdAt: e.user_message.created_at,
  status: "in_progress",
  request,
  answer: null,
  error: null,
});

/** A completed turn as the response it is. */
export const completedParts = (r: ChatResponse, request: ResponseRequest): ResponseParts & { answer: Answer } => ({
  id: responseId(r.session_id, r.user_message.seq),
  conversationId: r.session_id,
  createdAt: r.user_message.created_at,
  status: "completed",
  request,
  answer: {
    id: r.assistant_message.id,
    text: r.answer,
    sources: r.sources,
    created_at: r.assistant_message.created_at,
  },
  error: null,
});

interface FailedTurnDetails {
  session_id: string;
  user_message_id: string;
  idempotency_key: string;
}

const failedTurnDetails = (err: ApiError): FailedTurnDetails | null => {
  const d = err.details as Partial<FailedTurnDetails> | undefined;
  return isFailedTurn(err.code) && d?.session_id && d.user_message_id && d.idempotency_key
    ? (d as FailedTurnDetails)
    : null;
};

/** How to finish a failed response: the same request with this header (the client's own key, or the service's). */
export const retryHint = (key: string) =>
  `your message is kept: send the same request again with the header Idempotency-Key: ${key} to complete this response`;

/** A failed turn as a response's error (response.failed). */
export function failedError(err: unknown): { code: string; message: string } | null {
  if (!(err instanceof ApiError)) return null;
  const d = failedTurnDetails(err);
  if (!d || !isFailedTurn(err.code)) return null;
  return { code: err.code, message: `${FAILED_TURN[err.code]}; ${retryHint(d.idempotency_key)}` };
}

/**
 * A refusal as /v1 answers it. A session gone since its name was checked is
 * a 404 naming the parameter. A failed turn names the conversation, the
 * response (kept as failed) and the key that completes it; without a key of
 * the client's, the SDKs are told not to retry on their own, since that would
 * ask the question again instead of completing it.
 */
export async function v1Refusal(env: Env, owner: Owner, err: unknown, target: Target, keyed: boolean) {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 404 && target.param) {
    return notFoundParam(target.param, target.param === "conversation" ? "conversation" : "previous response");
  }
  const d = failedTurnDetails(err);
  if (!d) return err;
  const seq = await messageSeq(env, owner, d.session_id, d.user_message_id).catch(() => null);
  const details = {
    conversation_id: d.session_id,
    response_id: seq === null ? null : responseId(d.session_id, seq),
    idempotency_key: d.idempotency_key,
  };
  return new V1Error(err.status, err.code, err.message, details, keyed ? undefined : false);
}
