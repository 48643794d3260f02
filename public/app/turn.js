// @ts-check
// One chat turn, streamed (POST /api/chat with stream: true). Every turn carries its own Idempotency-Key, so a
// failed turn is retried with the same body and key: the service completes it in the same session without
// storing the query twice. What a retry needs is kept per failed query in sessionStorage, so a reload keeps it.
import { send } from "./api.js";
import { ChatStreamError, readEvents } from "./sse.js";

/** @typedef {{ query: string, session_id?: string }} TurnBody */
/** @typedef {{ event: string, data: any }} FinalEvent done ({session_id, user_message, assistant_message, sources}) or error ({status, error}) */

/**
 * Streams a turn. Resolves to its done or error event; a request refused before anything was stored throws
 * an ApiError (its status and body), and a connection that breaks mid-answer throws ChatStreamError.
 * @param {TurnBody} body
 * @param {string} idempotencyKey
 * @param {{ session: (data: { session_id: string, resumed: boolean }) => void, delta: (text: string) => void }} on
 * @returns {Promise<FinalEvent>}
 */
export async function streamTurn(body, idempotencyKey, on) {
  const response = await send("POST", "/api/chat", {
    json: { ...body, stream: true },
    headers: { accept: "text/event-stream", "idempotency-key": idempotencyKey },
  });
  if (!response.body || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    throw new ChatStreamError("the service did not answer with an event stream");
  }
  for await (const e of readEvents(response.body)) {
    if (e.event === "session") on.session(e.data);
    else if (e.event === "delta") on.delta(e.data.text);
    else return e;
  }
  throw new ChatStreamError("the chat stream ended before its done or error event");
}

const RETRY = "krs.retry.";

/** @param {string} userMessageId @param {TurnBody} body @param {string} key */
export function rememberRetry(userMessageId, body, key) {
  sessionStorage.setItem(RETRY + userMessageId, JSON.stringify({ body, key }));
}

/** @param {string} userMessageId @returns {{ body: TurnBody, key: string } | null} */
export function retryFor(userMessageId) {
  try {
    return JSON.parse(sessionStorage.getItem(RETRY + userMessageId) ?? "null");
  } catch {
    return null;
  }
}

/** @param {string} userMessageId */
export function forgetRetry(userMessageId) {
  sessionStorage.removeItem(RETRY + userMessageId);
}
